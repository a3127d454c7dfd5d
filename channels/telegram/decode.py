"""Bot API updates → ``InboundMessage``: every content type of a member's message, forwards
with their origin, replies, edits as revisions, albums, button presses.

Ids (``external_id``, the dedup key) are exact for redelivered updates and stable for the
message they describe:

- a message: ``<chat id>:<message id>`` — Telegram's message id is unique within its chat and
  is repeated by every delivery of the update (update ids are not: after a quiet week they
  start anew, and they are compared for equality only);
- an edit: ``<chat id>:<message id>:edit:<edit date>:<update id>`` (each edit its own), with
  ``edit_of`` naming the original's id, so the SDK stores it as a revision of that entry;
- a button press: ``callback:<callback query id>`` (unique per press).

Group and supergroup messages are no appeals unless the account accepts groups; channel posts
never are.
"""

from __future__ import annotations

from typing import Any

from unionline import UnsupportedUpdate
from unionline.channel import InboundMessage, Origin, Quoted, Sender
from unionline.channels.telegram.content import contact_phone, content
from unionline.channels.telegram.quoting import (
    external_id,
    forward_date,
    forward_origin,
    reply_to,
    user_origin,
)
from unionline.channels.telegram.types import CallbackQuery, Chat, Message, Update, User

CONTACT_KIND = "telegram"
GROUP_CHATS = ("group", "supergroup")


def decode_update(update: Update, *, accept_groups: bool = False) -> list[InboundMessage]:
    """The member's message (or button press) in ``update``; ``UnsupportedUpdate`` for
    anything else. ``accept_groups``: messages in group chats are appeals too."""
    if update.callback_query is not None:
        return [decode_callback(update.callback_query, accept_groups=accept_groups)]
    message, edited = update.message, False
    if message is None and update.edited_message is not None:
        message, edited = update.edited_message, True
    if message is None:
        raise UnsupportedUpdate(f"Telegram update {update.update_id} of kind {update.kind!r}")
    return [decode_message(update.update_id, message, edited=edited, accept_groups=accept_groups)]


def decode_message(
    update_id: int, message: Message, *, edited: bool = False, accept_groups: bool = False
) -> InboundMessage:
    where = f"Telegram update {update_id}"
    author = _author(where, message.chat, message.from_, accept_groups)
    found = content(message)
    if found.empty:
        raise UnsupportedUpdate(f"{where}: no content we can show (a service message?)")
    origin = forward_origin(message)
    data = found.data
    data["message_id"] = message.message_id
    if origin is not None:
        data["forward_date"] = forward_date(message)
    if edited:
        data["edit_date"] = message.edit_date
    key = external_id(message.chat.id, message.message_id)
    return InboundMessage(
        external_id=f"{key}:edit:{message.edit_date or 0}:{update_id}" if edited else key,
        sender=_sender(author, _own_phone(message, author) if origin is None else None),
        text=found.text,
        attachments=tuple(found.attachments),
        conversation=_conversation(message.chat, author, data),
        sent_at=float(message.edit_date or message.date) if edited else float(message.date),
        data=data,
        forward_origin=origin,
        reply_to=reply_to(message),
        location=found.location,
        edit_of=key if edited else None,
        part_of=message.media_group_id,
    )


def decode_callback(query: CallbackQuery, *, accept_groups: bool = False) -> InboundMessage:
    """A button press, as the member's message whose text is the button's ``callback_data``:
    whatever sent the button (a survey's marks, a robot's rule on the text) gets the answer
    as if typed. The message with the keyboard is quoted; the button's label is in ``data``."""
    where = f"Telegram callback query {query.id}"
    message = query.message
    if message is None or not query.data:
        raise UnsupportedUpdate(f"{where}: a button of an inline-mode message or a game")
    author = _author(where, message.chat, query.from_, accept_groups)
    data: dict[str, Any] = {"button": {"data": query.data, "label": _label(message, query.data)}}
    return InboundMessage(
        external_id=f"callback:{query.id}",
        sender=_sender(author, None),
        text=query.data,
        conversation=_conversation(message.chat, author, data),
        data=data,
        reply_to=_pressed_under(message),
    )


def _author(where: str, chat: Chat, user: User | None, accept_groups: bool) -> User:
    if chat.type == "channel":
        raise UnsupportedUpdate(f"{where}: a channel post is not an appeal")
    if chat.type in GROUP_CHATS and not accept_groups:
        raise UnsupportedUpdate(f"{where}: a {chat.type} message is not an appeal (groups off)")
    if user is None or user.is_bot:
        raise UnsupportedUpdate(f"{where}: not from a person")
    return user


def _conversation(chat: Chat, author: User, data: dict[str, Any]) -> str:
    """Where replies go: the private chat; a group's message is answered privately (the
    member's matters stay out of the group)."""
    if chat.type == "private":
        return str(chat.id)
    data["chat"] = {"id": chat.id, "type": chat.type, "title": chat.title or ""}
    return str(author.id)


def _own_phone(message: Message, author: User) -> str | None:
    contact = message.contact
    # Telegram sets user_id to the sender's own id only for their own number (the "share my
    # phone" button): the phone is theirs, and identity may link it.
    if contact is not None and contact.user_id == author.id:
        return contact_phone(contact)
    return None


def _sender(user: User, shared_phone: str | None) -> Sender:
    profile: dict[str, Any] = {}
    if user.username:
        profile["username"] = user.username
    if user.language_code:
        profile["language_code"] = user.language_code
    if shared_phone:
        profile["shared_phone"] = shared_phone
    return Sender(
        kind=CONTACT_KIND, address=str(user.id), display_name=user.shown_name, profile=profile
    )


def _label(message: Message, data: str) -> str:
    markup = message.reply_markup
    for row in markup.inline_keyboard if markup is not None else ():
        for button in row:
            if button.callback_data == data:
                return button.text
    return ""


def _pressed_under(message: Message) -> Quoted:
    """The message whose button was pressed (an inaccessible one, ``date`` 0, is only named)."""
    author = message.from_
    return Quoted(
        origin=user_origin(author) if author is not None else Origin(),
        external_id=external_id(message.chat.id, message.message_id),
        text=(message.text or message.caption or "") if message.date else "",
        sent_at=float(message.date) if message.date else None,
    )
