"""Send a message to the member on their own channel (the outbox path of operator replies)."""

from __future__ import annotations

from typing import ClassVar

import msgspec

from unionline.robots.actions.base import (
    appeal_row,
    dry,
    marked_entry,
    outcome,
    refused,
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

    async def run(self, ctx: RobotContext, params: MessageParams) -> ActionOutcome:
        row = await appeal_row(ctx)
        text = render(params.text.pick(ctx.locale), await values_for(row, ctx.variables))
        if ctx.dry_run:
            return dry(ctx, f"сообщение: {text}", f"message: {text}", text=text)
        entry_id = await send(ctx, text)
        return outcome(ctx, f"сообщение: {text}", f"message: {text}", entry_id=entry_id)


async def send(ctx: RobotContext, text: str) -> int:
    """Queue ``text`` to the trigger's member once per ``ctx.idempotency_key``; the entry id."""
    from unionline.appeals.services import add_reply

    async with current().db.transaction(), refused():
        row = await appeal_row(ctx, lock=True)
        done = await marked_entry(row["id"], ctx.idempotency_key)
        if done is not None:
            return int(done["id"])
        entry = await add_reply(None, row["id"], text)
        await stamp(entry.id, entry.data, ctx)
    return entry.id
