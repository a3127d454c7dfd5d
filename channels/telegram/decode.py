"""Bot API updates → ``InboundMessage``: text with entities, photos, documents, voice, contacts,
edited messages. The dedup key is the ``update_id`` (compared for equality only: Telegram's ids
are not promised to grow).
"""

from __future__ import annotations

from typing import Any

import msgspec

from unionline.channel.types import Attachment, InboundMessage, Sender
from unionline.channels.telegram.types import Contact, Message, PhotoSize, Update
from unionline.errors import UnsupportedUpdate

CONTACT_KIND = "telegram"


def decode_update(update: Update) -> list[InboundMessage]:
    """The member's message in ``update``; ``UnsupportedUpdate`` for anything else."""
    message, edited = update.message, False
    if message is None and update.edited_message is not None:
        message, edited = update.edited_message, True
    if message is None:
        raise UnsupportedUpdate(f"Telegram update {update.update_id} of kind {update.kind!r}")
    if message.from_ is None or message.from_.is_bot:
        raise UnsupportedUpdate(f"Telegram update {update.update_id}: not from a person")
    text, attachments, data = _content(message)
    if not text and not attachments:
        raise UnsupportedUpdate(f"Telegram update {update.update_id}: no content we can show")
    data["message_id"] = message.message_id
    if edited:
        data["edited"] = True
        data["edit_date"] = message.edit_date
    return [
        InboundMessage(
            external_id=str(update.update_id),
            sender=_sender(message),
            text=text,
            attachments=tuple(attachments),
            conversation=str(message.chat.id),
            sent_at=float(message.edit_date or message.date),
            data=data,
        )
    ]


def _sender(message: Message) -> Sender:
    user = message.from_
    assert user is not None
    profile: dict[str, Any] = {}
    if user.username:
        profile["username"] = user.username
    if user.language_code:
        profile["language_code"] = user.language_code
    contact = message.contact
    if contact is not None and contact.user_id == user.id:
        # Telegram sets user_id to the sender's own id only for their own number (the
        # "share my phone" button): the phone is theirs, and identity may link it.
        profile["shared_phone"] = contact.phone_number
    name = user.full_name or (f"@{user.username}" if user.username else "")
    return Sender(kind=CONTACT_KIND, address=str(user.id), display_name=name, profile=profile)


def _content(message: Message) -> tuple[str, list[Attachment], dict[str, Any]]:
    data: dict[str, Any] = {}
    text = message.text or message.caption or ""
    entities = message.entities or message.caption_entities
    if entities:
        data["entities"] = msgspec.to_builtins(entities)
    attachments: list[Attachment] = []
    if message.photo:
        attachments.append(_photo(message.photo))
    for kind, default_name in (("document", "document"), ("audio", "audio"), ("video", "video")):
        file = getattr(message, kind)
        if file is not None:
            attachments.append(
                Attachment(
                    filename=file.file_name or f"{default_name}-{file.file_unique_id}",
                    content_type=file.mime_type or "application/octet-stream",
                    remote_ref=file.file_id,
                    size=file.file_size,
                )
            )
    if message.voice is not None:
        voice = message.voice
        attachments.append(
            Attachment(
                filename=f"voice-{voice.file_unique_id}.ogg",
                content_type=voice.mime_type or "audio/ogg",
                remote_ref=voice.file_id,
                size=voice.file_size,
            )
        )
        data["voice_duration"] = voice.duration
    if message.contact is not None:
        text = text or _contact_text(message.contact)
        data["contact"] = msgspec.to_builtins(message.contact)
    return text, attachments, data


def _photo(sizes: list[PhotoSize]) -> Attachment:
    largest = max(sizes, key=lambda s: (s.width * s.height, s.file_size or 0))
    return Attachment(
        filename=f"photo-{largest.file_unique_id}.jpg",
        content_type="image/jpeg",  # Telegram re-encodes photos as JPEG
        remote_ref=largest.file_id,
        size=largest.file_size,
    )


def _contact_text(contact: Contact) -> str:
    name = " ".join(part for part in (contact.first_name, contact.last_name) if part)
    phone = contact.phone_number
    if not phone.startswith("+"):
        phone = f"+{phone}"  # Telegram sends the shared own number without the plus
    return f"Контакт: {phone}" + (f" ({name})" if name else "")
