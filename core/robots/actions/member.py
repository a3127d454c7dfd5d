"""Send a message to the member on their own channel (the outbox path of operator replies)."""

from __future__ import annotations

from typing import ClassVar

import msgspec

from unionline.appeals.store import AppealRow
from unionline.errors import PermanentFailure
from unionline.robots.actions.base import (
    appeal_row,
    dry,
    marked_entry,
    outcome,
    refused,
    say,
    stamp,
)
from unionline.robots.actions.text import LocalizedText, render, values_for
from unionline.robots.sdk import ActionOutcome, RobotAction, RobotContext
from unionline.runtime import current


class MessageParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    text: LocalizedText  # e.g. {"ru": "Ваше обращение {appeal.number} принято", "en": ...}


class SendMessage(RobotAction[MessageParams]):
    """Queued like an operator's reply (``before_message_send`` applies, the timeline shows it,
    the outbox delivers it with retries) on the channel the member last wrote from."""

    name = "member.send_message"
    params = MessageParams
    title: ClassVar[dict[str, str]] = {
        "ru": "Отправить сообщение члену профсоюза",
        "en": "Send a message to the member",
    }

    labels: ClassVar[dict[str, dict[str, str]]] = {
        "text": {"ru": "Текст сообщения", "en": "Message text"}
    }

    async def run(self, ctx: RobotContext, params: MessageParams) -> ActionOutcome:
        row = await appeal_row(ctx)
        text = render(params.text.pick(ctx.locale), await values_for(row, ctx.variables))
        await reachable(ctx, row)
        if ctx.dry_run:
            return dry(ctx, f"сообщение «{text}»", f"message “{text}”", text=text)
        entry_id = await send_to_member(ctx, text)
        return outcome(ctx, f"сообщение «{text}»", f"message “{text}”", entry_id=entry_id)


async def reachable(ctx: RobotContext, row: AppealRow) -> None:
    """A message the member's channel cannot carry (the site form) or with no account to go
    through is refused here, so the rules log says the step failed and why — not ``ok``
    over a reply whose delivery then fails."""
    from unionline.appeals.actions import reply_route

    channel, account = await reply_route(row)
    kind = current().registry.channels.get(channel)
    if kind is not None and not kind.capabilities.text:
        raise PermanentFailure(
            say(
                ctx,
                f"канал «{channel}» не доставляет сообщения: ответьте по телефону или e-mail",
                f"channel “{channel}” does not deliver messages: answer by phone or e-mail",
            )
        )
    if kind is None or account is None:
        raise PermanentFailure(
            say(
                ctx,
                f"обращению по каналу «{channel}» не через что отправить сообщение",
                f"an appeal from “{channel}” has no account to send a message through",
            )
        )


async def send_to_member(ctx: RobotContext, text: str) -> int:
    """Queue ``text`` to the trigger's member once per ``ctx.idempotency_key``; the entry id."""
    from unionline.appeals.services import add_reply

    async with current().db.transaction(), refused():
        row = await appeal_row(ctx, lock=True)
        done = await marked_entry(row.id, ctx.idempotency_key)
        if done is not None:
            return int(done["id"])
        entry = await add_reply(None, row.id, text)
        await stamp(entry.id, entry.data, ctx)
    return entry.id
