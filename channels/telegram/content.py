"""What a Telegram message carries, as the operator reads it: text, files, a shared point.

Every content type a private chat can carry gives something to show: files are announced as
attachments (fetched later by a job through ``getFile``), the rest becomes readable Russian
text (a contact, a poll, a dice roll) or a ``Location``. ``describe`` names a message's content
in a few words for a quoted message («Фото», «Документ заявление.pdf»).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from typing import Any

import msgspec

from unionline import Invalid
from unionline.channel import Attachment, Location, normalize_contact
from unionline.channels.telegram.types import (
    Contact,
    Dice,
    Document,
    Media,
    Message,
    PhotoSize,
    Poll,
    Sticker,
    VideoNote,
    Voice,
)

DICE = {
    "🎲": "Игральный кубик",
    "🎯": "Дартс",
    "🏀": "Баскетбол",
    "⚽": "Футбол",
    "🎳": "Боулинг",
    "🎰": "Игровой автомат",
}
# Content a bot receives but cannot show: a placeholder says what it was.
PLACEHOLDERS = {
    "story": "История из Telegram (боты не видят её содержимое)",
    "invoice": "Счёт на оплату из Telegram",
    "giveaway": "Розыгрыш из Telegram",
    "paid_media": "Платные фото или видео из Telegram (ботам недоступны)",
}


class Content(msgspec.Struct, kw_only=True):
    text: str = ""
    attachments: list[Attachment] = msgspec.field(default_factory=list)
    location: Location | None = None
    data: dict[str, Any] = msgspec.field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.text or self.attachments or self.location)


def content(message: Message) -> Content:
    """The text, files, location and extras (``data``) of ``message``."""
    found = Content(text=message.text or message.caption or "")
    entities = message.entities.kept() or message.caption_entities.kept()
    if entities:
        found.data["entities"] = msgspec.to_builtins(entities)
    _files(message, found)
    _sticker(message.sticker, found)
    _shared(message, found)
    app = message.web_app_data
    if app is not None and not found.text:
        found.text = f"{app.button_text}: {app.data}" if app.button_text else app.data
    return found


def _files(media: Media, found: Content) -> None:
    add = found.attachments.append
    if media.photo:
        add(_photo(media.photo))
    if media.animation is not None:  # ``document`` repeats it for older clients: not twice
        add(_named(media.animation, "animation", "video/mp4"))
    elif media.document is not None:
        add(_named(media.document, "document", "application/octet-stream"))
    if media.audio is not None:
        add(_named(media.audio, "audio", "audio/mpeg"))
    if media.video is not None:
        add(_named(media.video, "video", "video/mp4"))
    if media.video_note is not None:
        note = media.video_note
        add(_announced(note, f"video-note-{note.file_unique_id}.mp4", "video/mp4"))
        found.data["video_note_duration"] = note.duration
    if media.voice is not None:
        voice = media.voice
        add(_announced(voice, f"voice-{voice.file_unique_id}.ogg", voice.mime_type or "audio/ogg"))
        found.data["voice_duration"] = voice.duration


def _announced(file: Document | VideoNote | Voice, filename: str, content_type: str) -> Attachment:
    """A file Telegram announced; a job fetches it later through ``getFile``."""
    return Attachment(
        filename=filename, content_type=content_type, remote_ref=file.file_id, size=file.file_size
    )


def _named(file: Document, kind: str, default_type: str) -> Attachment:
    """A file under its own name, else «performer — title» (audio) or ``<kind>-<id>``, with
    the extension of its type."""
    content_type = file.mime_type or default_type
    if file.file_name:
        return _announced(file, file.file_name, content_type)
    named = " — ".join(part for part in (file.performer, file.title) if part)
    stem = named or f"{kind}-{file.file_unique_id}"
    return _announced(file, stem + (mimetypes.guess_extension(content_type) or ""), content_type)


def _photo(sizes: Iterable[PhotoSize]) -> Attachment:
    largest = max(sizes, key=lambda s: (s.width * s.height, s.file_size or 0))
    return Attachment(
        filename=f"photo-{largest.file_unique_id}.jpg",
        content_type="image/jpeg",  # Telegram re-encodes photos as JPEG
        remote_ref=largest.file_id,
        size=largest.file_size,
    )


def _sticker(sticker: Sticker | None, found: Content) -> None:
    """A still sticker is its WEBP picture with its emoji as text; an animated (.TGS) or
    video (.WEBM) one shows its still thumbnail and says what it was."""
    if sticker is None:
        return
    emoji = sticker.emoji or ""
    found.data["sticker"] = {"emoji": emoji, "set_name": sticker.set_name or ""}
    if not (sticker.is_animated or sticker.is_video):
        found.text = found.text or emoji or "Стикер"
        found.attachments.append(
            Attachment(
                filename=f"sticker-{sticker.file_unique_id}.webp",
                content_type="image/webp",
                remote_ref=sticker.file_id,
                size=sticker.file_size,
            )
        )
        return
    kind = "видеостикер" if sticker.is_video else "анимированный стикер"
    found.text = found.text or f"{emoji} ({kind})".strip()
    thumb = sticker.thumbnail
    if thumb is not None:
        found.attachments.append(
            Attachment(
                filename=f"sticker-{sticker.file_unique_id}.webp",
                content_type="image/webp",  # thumbnails are WEBP (JPEG for a few: browsers cope)
                remote_ref=thumb.file_id,
                size=thumb.file_size,
            )
        )


def _shared(media: Media, found: Content) -> None:
    """Content that is neither text nor a file: a point, a contact, a poll, a dice roll."""
    if media.venue is not None:
        venue = media.venue
        point = venue.location
        found.location = Location(
            latitude=point.latitude,
            longitude=point.longitude,
            title=venue.title,
            address=venue.address,
        )
    elif media.location is not None:
        point = media.location
        found.location = Location(latitude=point.latitude, longitude=point.longitude)
        if point.live_period:
            found.data["live_period"] = point.live_period
    if media.contact is not None:
        found.text = found.text or contact_text(media.contact)
        found.data["contact"] = msgspec.to_builtins(media.contact)
    if media.poll is not None:
        found.text = found.text or poll_text(media.poll)
    if media.dice is not None:
        found.text = found.text or dice_text(media.dice)
    if media.game is not None:
        found.text = found.text or f"Игра «{media.game.title}»"
    for field, placeholder in PLACEHOLDERS.items():
        if getattr(media, field) is not None:
            found.text = found.text or placeholder


def shared_text(media: Media) -> str:
    """The readable text of what ``media`` shares besides files (a contact, a poll, ...)."""
    found = Content()
    _shared(media, found)
    return found.text


def contact_phone(contact: Contact) -> str:
    """The contact's phone in E.164 when it reads as one, else as sent (with a plus for the
    bare international digits Telegram sends for a shared own number)."""
    raw = contact.phone_number.strip()
    if raw.isdigit():
        raw = f"+{raw}"
    try:
        return normalize_contact("phone", raw, field="phone_number")
    except Invalid:
        return raw


def contact_text(contact: Contact) -> str:
    name = " ".join(part for part in (contact.first_name, contact.last_name) if part)
    return f"Контакт: {contact_phone(contact)}" + (f" ({name})" if name else "")


def poll_text(poll: Poll) -> str:
    kind = "Викторина" if poll.type == "quiz" else "Опрос"
    notes = [
        note
        for flag, note in (
            (poll.is_anonymous, "анонимный"),
            (poll.allows_multiple_answers, "можно выбрать несколько ответов"),
            (poll.is_closed, "завершён"),
        )
        if flag
    ]
    head = f"{kind}: {poll.question}" + (f" ({', '.join(notes)})" if notes else "")
    return "\n".join([head, *(f"— {option.text}" for option in poll.options)])


def dice_text(dice: Dice) -> str:
    emoji = dice.emoji.replace("\ufe0f", "")
    name = DICE.get(emoji, "Бросок")
    if emoji == "🎰":  # 1–64 encode the three reels' symbols
        return f"{name} {dice.emoji}: комбинация {dice.value} из 64"
    return f"{name} {dice.emoji}: выпало {dice.value}"


def describe(media: Media) -> tuple[str, ...]:
    """A few words per kind of content, for a message shown inside another (a quote)."""
    found: list[str] = []
    for field, word in _WORDS:
        value = getattr(media, field)
        if value:
            name = getattr(value, "file_name", None)
            found.append(f"{word} {name}" if name and field == "document" else word)
    if media.animation is not None and media.document is not None:
        found = [w for w in found if not w.startswith("Документ")]
    return tuple(found)


_WORDS = (
    ("photo", "Фото"),
    ("animation", "GIF-анимация"),
    ("document", "Документ"),
    ("audio", "Аудио"),
    ("video", "Видео"),
    ("video_note", "Видеосообщение"),
    ("voice", "Голосовое сообщение"),
    ("sticker", "Стикер"),
    ("location", "Геопозиция"),
    ("contact", "Контакт"),
    ("poll", "Опрос"),
    ("dice", "Бросок кубика"),
    ("story", "История"),
)
