"""Updates with effects beyond a stored message: a member blocking the bot, a group message
(an appeal only from a member the union already knows), a button press to answer."""

from __future__ import annotations

import logging

import msgspec

from unionline import NotReady, PermanentFailure, UnsupportedUpdate
from unionline.channel import (
    InboundMessage,
    InboundRequest,
    WebhookReply,
    block_contact,
    contact_owner,
    unblock_contact,
)
from unionline.channels.telegram.client import TelegramClient
from unionline.channels.telegram.decode import CONTACT_KIND, decode_update
from unionline.channels.telegram.settings import BotConfig
from unionline.channels.telegram.types import Update

log = logging.getLogger("unionline.channels.telegram")


async def decode_with_side_effects(update: Update, config: BotConfig) -> list[InboundMessage]:
    """Decode ``update``; a member blocking or unblocking the bot marks the contact point."""
    if await _chat_member_change(update):
        return []
    messages = decode_update(update, accept_groups=config.accept_groups)
    kept = [m for m in messages if "chat" not in m.data or await _known(m)]
    if messages and not kept:
        # Only private chats make members: someone who never wrote to the bot is not one.
        raise UnsupportedUpdate(f"Telegram update {update.update_id}: a group message from a "
                                "user who has not written to the bot")  # fmt: skip
    return kept


async def _known(message: InboundMessage) -> bool:
    return await contact_owner(CONTACT_KIND, message.sender.address) is not None


async def _chat_member_change(update: Update) -> bool:
    change = update.my_chat_member
    if change is None or change.chat is None or change.chat.type != "private":
        return False
    status = change.new_chat_member.status if change.new_chat_member is not None else None
    user = change.from_
    if status not in ("kicked", "member") or user is None or not user.id:
        return False
    if status == "kicked":
        await block_contact(CONTACT_KIND, str(user.id), "the member blocked the bot in Telegram")
    else:
        await unblock_contact(CONTACT_KIND, str(user.id))
    return True


class _Query(msgspec.Struct):
    id: str


class _Pressed(msgspec.Struct):
    callback_query: _Query | None = None


def pressed(body: bytes) -> str | None:
    """The callback query id of a button press update (None for other updates)."""
    try:
        query = msgspec.json.decode(body, type=_Pressed).callback_query
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    return query.id if query is not None else None


def webhook_answer(request: InboundRequest) -> WebhookReply:
    """The webhook's 200 answer; for a button press it carries ``answerCallbackQuery``, which
    Telegram performs (the Bot API's "request in the answer to the webhook"), so the member's
    client stops its spinner once the press is stored — or was a duplicate, or unsupported."""
    query_id = pressed(request.body)
    if query_id is None:
        return WebhookReply()
    body = {"method": "answerCallbackQuery", "callback_query_id": query_id}
    return WebhookReply(body=msgspec.json.encode(body))


async def answer_polled(client: TelegramClient, update: Update) -> None:
    """Long polling has no webhook answer: call ``answerCallbackQuery``. Best effort — an
    expired query (Telegram waits about 15 seconds) or an outage is logged, nothing more."""
    query = update.callback_query
    if query is None:
        return
    try:
        await client.answer_callback_query(query.id)
    except (NotReady, PermanentFailure) as exc:
        log.info("callback query %s not answered: %s", query.id, exc)
