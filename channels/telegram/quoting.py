"""Messages inside a member's message: where a forward came from, and what a reply answers.

Bot API 7.0 tells a forward's origin in ``forward_origin`` (user, hidden_user, chat, channel);
older updates in ``forward_from`` / ``forward_sender_name`` / ``forward_from_chat``. Both become
an ``Origin`` — a description of someone else, never a contact point of the member.
A reply names the replied-to message (``reply_to_message`` in this chat, ``external_reply``
from another) and, when the member quoted part of it, only that part.
"""

from __future__ import annotations

from unionline.channel import Origin, Quoted
from unionline.channels.telegram.content import content, describe, shared_text
from unionline.channels.telegram.types import Chat, Message, MessageOrigin, User


def external_id(chat_id: int, message_id: int) -> str:
    """The id of a message in the space of inbound and sent messages: ``<chat>:<message>``
    (``message_id`` is unique within its chat, and ``send`` reports its messages so too)."""
    return f"{chat_id}:{message_id}"


def forward_origin(message: Message) -> Origin | None:
    """Who first wrote ``message`` when the member forwarded it; None for their own."""
    if message.forward_origin is not None:
        return origin_of(message.forward_origin)
    signature = message.forward_signature
    if message.forward_from is not None:
        return user_origin(message.forward_from)
    if message.forward_sender_name:
        return Origin(kind="hidden_user", name=message.forward_sender_name)
    if message.forward_from_chat is not None:
        chat = message.forward_from_chat
        return _chat("channel" if chat.type == "channel" else "chat", chat, signature)
    return None


def forward_date(message: Message) -> int | None:
    if message.forward_origin is not None:
        return message.forward_origin.date or None
    return message.forward_date


def origin_of(origin: MessageOrigin) -> Origin:
    if origin.type == "user" and origin.sender_user is not None:
        return user_origin(origin.sender_user)
    if origin.type == "hidden_user":
        return Origin(kind="hidden_user", name=origin.sender_user_name or "")
    if origin.type == "chat" and origin.sender_chat is not None:
        return _chat("chat", origin.sender_chat, origin.author_signature)
    if origin.type == "channel" and origin.chat is not None:
        return _chat("channel", origin.chat, origin.author_signature)
    return Origin(kind="unknown")


def user_origin(user: User) -> Origin:
    return Origin(kind="user", name=user.shown_name, address=str(user.id))


def _chat(kind: str, chat: Chat, signature: str | None) -> Origin:
    name = chat.shown_name + (f" ({signature})" if signature else "")
    if kind == "channel":
        return Origin(kind="channel", name=name, address=str(chat.id))
    return Origin(kind="chat", name=name, address=str(chat.id))


def reply_to(message: Message) -> Quoted | None:
    """The message ``message`` answers, with the part the member quoted when they did."""
    quoted = message.quote.text if message.quote is not None else ""
    original = message.reply_to_message
    if original is not None:
        author = original.from_
        if author is not None:
            origin = user_origin(author)
        elif original.sender_chat is not None:
            origin = _chat("chat", original.sender_chat, None)
        else:
            origin = Origin()
        return Quoted(
            origin=origin,
            external_id=external_id(original.chat.id, original.message_id),
            text=quoted or content(original).text,
            sent_at=float(original.date) if original.date else None,
            attachments=describe(original),
        )
    external = message.external_reply
    if external is not None:
        return Quoted(
            origin=origin_of(external.origin),
            text=quoted or shared_text(external),
            sent_at=float(external.origin.date) if external.origin.date else None,
            attachments=describe(external),
        )
    return None
