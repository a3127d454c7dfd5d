"""VK events → ``InboundMessage``: ``message_new`` with its text, files, shared point, forwards
and the message it replies to (:mod:`.content`), and ``message_edit`` as a revision of it.

Keys. A member's message is stored under ``<peer_id>:<conversation_message_id>``
(:func:`~.content.message_key`): the same in every redelivery of its ``message_new``
(Callback API retries with ``X-Retry-Counter``, Bots Long Poll), and the key a later
``message_edit`` names in ``edit_of``. An edit is stored under its own ``event_id`` (VK sends the
same one in every redelivery), so each revision is kept once.

``message_reply`` is the community writing to a member: it decodes to ``SentElsewhere``, shown
on the member's appeal as an outgoing message. Our own sends come back this way too; the
channel drops those by their ``random_id`` (see :mod:`.sent`) before storing.
``message_allow``/``message_deny`` change nothing stored (see :mod:`.permissions`).

A member's message is read once per event (:func:`reading`, kept on the event): the names it
shows are asked for (:func:`owner_ids`) before it is decoded, from the same reading.
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple

import msgspec

from unionline import Invalid, UnsupportedUpdate
from unionline.channel import InboundMessage, Sender, SentElsewhere
from unionline.channels.vk import content, eager, forwards
from unionline.channels.vk.types import Event, Message, MessageAllow, MessageDeny

CONTACT_KIND = "vk"
MESSAGE_EVENTS = ("message_new", "message_edit")
CROPPED = (
    "ВКонтакте прислал сообщение не целиком: часть пересланных сообщений может не показываться"
)
log = logging.getLogger("unionline.channels.vk")


def decode_event(
    event: Event, names: content.Names | None = None
) -> list[InboundMessage] | list[SentElsewhere]:
    """The member's message in ``event`` (authors named from ``names``), or the community's
    own; none for a confirmation or a change of the member's messaging permission."""
    try:
        if event.type in MESSAGE_EVENTS:
            read = reading(event)
        elif event.type == "message_reply":
            return _sent_elsewhere(event, event.read(Message))
        elif event.type in ("confirmation", "message_allow", "message_deny"):
            return []
        else:
            raise UnsupportedUpdate(f"VK event {event.type!r}")
    except msgspec.ValidationError as exc:
        raise Invalid(f"bad VK {event.type}: {exc}", field="object") from None
    if read.message.from_id <= 0 or read.message.out:
        raise UnsupportedUpdate(f"VK {event.type} not written by a person")
    return [_inbound(event, read, names or {})]


class Reading(NamedTuple):
    """A ``message_new``/``message_edit`` event's message, and what it quotes as read."""

    message: Message
    quoted: forwards.Read


def reading(event: Event) -> Reading:
    """The message of a ``message_new`` or ``message_edit`` event, read once: kept on the
    event for its other readers. ``msgspec.ValidationError`` when it is not one."""
    kept = vars(event).get(_KEPT)
    if isinstance(kept, Reading):
        return kept
    message, whole = eager.read(event)
    kept = vars(event)[_KEPT] = Reading(message, forwards.read(message, whole))
    return kept


_KEPT = "vk_reading"  # not a field of Event: never set from JSON


def permission_change(event: Event) -> tuple[int, bool] | None:
    """(member's id, allowed) for ``message_allow``/``message_deny``; None for other events."""
    try:
        if event.type == "message_allow":
            return event.read(MessageAllow).user_id, True
        if event.type == "message_deny":
            return event.read(MessageDeny).user_id, False
    except msgspec.ValidationError as exc:
        raise Invalid(f"bad VK {event.type}: {exc}", field="object") from None
    return None


def owner_ids(event: Event) -> set[int]:
    """The VK ids whose names the event's message shows (its sender among them)."""
    if event.type not in MESSAGE_EVENTS:
        return set()
    try:
        read = reading(event)
    except msgspec.ValidationError:
        return set()  # decode_event says why
    return forwards.owner_ids(*read)


def _inbound(event: Event, read: Reading, names: content.Names) -> InboundMessage:
    message, quoted = read
    walk = content.Walk(names)
    if message.is_cropped:
        walk.warnings.append(CROPPED)
    lines = [content.describe(a, walk) for a in message.attachments]
    forwarded = content.forwards(quoted.forwards, walk, message.peer_id)
    reply = quoted.reply
    reply_to = content.quoted(reply, walk, message.peer_id) if reply is not None else None
    location = content.location(message.geo)
    key = content.message_key(message.peer_id, message.conversation_message_id, message.id)
    edited = event.type == "message_edit"
    text = _text(message, lines, bool(location), bool(forwarded or reply_to))
    if not text and not walk.files:
        raise UnsupportedUpdate(f"VK {event.type} without content")
    return InboundMessage(
        external_id=_external_id(event, message, key, edited),
        sender=Sender(
            kind=CONTACT_KIND,
            address=str(message.from_id),
            display_name=names.get(message.from_id, ""),
        ),
        text=text,
        attachments=tuple(walk.files),
        conversation=str(message.peer_id),
        sent_at=float(message.update_time or message.date),
        data=_data(message, walk),
        forwarded=forwarded,
        reply_to=reply_to,
        location=location,
        edit_of=key if edited and key else None,
        warnings=tuple(walk.warnings),
    )


def _text(message: Message, lines: list[str], located: bool, quotes: bool) -> str:
    """The member's words, then a line in brackets for what has no field or file of its own
    (a video, a wall post, a link, a voice message's transcript, a sticker); a message of only
    a point or forwards gets a short label, so no message is blank in lists and search."""
    shown = [f"[{line}]" for line in lines if not _file_only(line)]
    parts = [message.text, *shown] if message.text else shown
    if not parts:
        if located:
            parts = ["[Геопозиция]"]
        elif quotes:
            parts = ["[Пересланные сообщения]" if message.fwd_messages else "[Ответ на сообщение]"]
    return "\n".join(parts)


def _file_only(line: str) -> bool:
    """Photos and documents are shown as their files; the line would repeat them."""
    return line == "Фото" or line.startswith("Документ «")


def _external_id(event: Event, message: Message, key: str, edited: bool) -> str:
    if edited:
        return event.event_id or f"edit:{key}:{message.update_time or message.date}"
    return key or event.event_id


def _data(message: Message, walk: content.Walk) -> dict[str, Any]:
    data: dict[str, Any] = {
        "message_id": message.id,
        "conversation_message_id": message.conversation_message_id,
    }
    if walk.skipped:
        data["unsupported_attachments"] = walk.skipped  # shown in the text by their kind
    return data


def _sent_elsewhere(event: Event, message: Message) -> list[SentElsewhere]:
    if not 0 < message.peer_id < 2_000_000_000:  # a group chat, not a conversation with a member
        return []
    walk = content.Walk({})
    lines = [content.describe(a, walk) for a in message.attachments]
    text = message.text or ("[" + ", ".join(lines) + "]" if lines else "")
    if not text:
        return []
    return [
        SentElsewhere(
            external_id=event.event_id or f"{event.type}:{message.peer_id}:{message.id}",
            recipient=Sender(kind=CONTACT_KIND, address=str(message.peer_id)),
            text=text,
            sent_at=float(message.date),
            data={
                "message_id": message.id,
                "random_id": message.random_id,
                "admin_author_id": message.admin_author_id,
            },
        )
    ]
