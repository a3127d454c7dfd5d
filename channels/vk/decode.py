"""VK events → ``InboundMessage``: ``message_new`` and ``message_edit`` with text, photos,
documents and voice messages. The dedup key is the event's ``event_id``, the same in every
redelivery of the Callback API (``X-Retry-Counter``) and in Bots Long Poll.

``message_reply`` is the community writing to a member: it decodes to ``SentElsewhere``, shown
on the member's appeal as an outgoing message. Our own sends come back this way too; the
channel drops those by their ``random_id`` (see :mod:`.sent`) before storing.
"""

from __future__ import annotations

import logging
import mimetypes
from typing import Any

import msgspec

from unionline.channel.types import Attachment, InboundMessage, Sender, SentElsewhere
from unionline.channels.vk.types import Attachment as VkAttachment
from unionline.channels.vk.types import Event, Message, MessageNew
from unionline.errors import Invalid, UnsupportedUpdate

CONTACT_KIND = "vk"
log = logging.getLogger("unionline.channels.vk")


def decode_event(event: Event) -> list[InboundMessage] | list[SentElsewhere]:
    """The member's message in ``event``, or the community's own (none for a confirmation)."""
    try:
        if event.type == "message_new":
            message, edited = msgspec.convert(event.object, MessageNew).message, False
        elif event.type == "message_edit":
            message, edited = msgspec.convert(event.object, Message), True
        elif event.type == "message_reply":
            return _sent_elsewhere(event, msgspec.convert(event.object, Message))
        elif event.type == "confirmation":
            return []
        else:
            raise UnsupportedUpdate(f"VK event {event.type!r}")
    except msgspec.ValidationError as exc:
        raise Invalid(f"bad VK {event.type}: {exc}", field="object") from None
    if message.from_id <= 0 or message.out:
        raise UnsupportedUpdate(f"VK {event.type} not written by a person")
    return [_inbound(event, message, edited)]


def _inbound(event: Event, message: Message, edited: bool) -> InboundMessage:
    attachments, skipped = _attachments(message.attachments)
    data: dict[str, Any] = {
        "message_id": message.id,
        "conversation_message_id": message.conversation_message_id,
    }
    if edited:
        data["edited"] = True
    if skipped:
        data["unsupported_attachments"] = skipped  # the operator sees the member sent more
    if not message.text and not attachments:
        if not skipped:
            raise UnsupportedUpdate(f"VK {event.type} without content")
        text = "[" + ", ".join(skipped) + "]"
    else:
        text = message.text
    external_id = event.event_id or f"{event.type}:{message.peer_id}:{message.id}"
    return InboundMessage(
        external_id=external_id,
        sender=Sender(kind=CONTACT_KIND, address=str(message.from_id)),
        text=text,
        attachments=tuple(attachments),
        conversation=str(message.peer_id),
        sent_at=float(message.update_time or message.date),
        data=data,
    )


def _sent_elsewhere(event: Event, message: Message) -> list[SentElsewhere]:
    if not 0 < message.peer_id < 2_000_000_000:  # a group chat, not a conversation with a member
        return []
    attachments, skipped = _attachments(message.attachments)
    names = [a.filename for a in attachments] + skipped
    text = message.text or ("[" + ", ".join(names) + "]" if names else "")
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


def _attachments(items: list[VkAttachment]) -> tuple[list[Attachment], list[str]]:
    found: list[Attachment] = []
    skipped: list[str] = []
    for item in items:
        if item.photo is not None and (size := item.photo.largest()) is not None:
            name = f"photo{item.photo.owner_id}_{item.photo.id}.jpg"
            found.append(Attachment(filename=name, content_type="image/jpeg", remote_ref=size.url))
        elif item.doc is not None and item.doc.url:
            doc = item.doc
            name = (
                doc.title
                if doc.ext and doc.title.endswith(f".{doc.ext}")
                else (
                    f"{doc.title or 'document'}.{doc.ext}" if doc.ext else doc.title or "document"
                )
            )
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            found.append(
                Attachment(
                    filename=name, content_type=kind, remote_ref=doc.url, size=doc.size or None
                )
            )
        elif item.audio_message is not None and item.audio_message.link_ogg:
            voice = item.audio_message
            found.append(
                Attachment(
                    filename=f"voice{voice.owner_id}_{voice.id}.ogg",
                    content_type="audio/ogg",
                    remote_ref=voice.link_ogg,
                )
            )
        else:
            skipped.append(item.type)
    return found, skipped
