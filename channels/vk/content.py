"""What a VK message carries besides its text, as the operator sees it: files to fetch (photos
at their largest size, documents, voice messages, sticker images), a line for what VK gives no
file for (a video, a wall post, a link), the shared point, and the messages inside it
(``fwd_messages`` nested to any depth, ``reply_message``) with their authors' names.

Forwards are shown to :data:`MAX_DEPTH` levels and :data:`MAX_QUOTED` messages, as
:mod:`.forwards` read them, their files to :data:`MAX_FILES`; what is left out is said in a
warning, never dropped silently.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping

from unionline.channel import Attachment, Location, Origin, Quoted
from unionline.channels.vk.forwards import Level, Node
from unionline.channels.vk.types import (
    MAX_DEPTH,
    MAX_QUOTED,
    NO_ATTACHMENTS,
    Doc,
    ForeignMessage,
    Geo,
)
from unionline.channels.vk.types import Attachment as VkAttachment

Names = Mapping[int, str]  # VK owner id (negative: a community) -> name
MAX_FILES = 20  # files fetched per message, its own and its forwards' together
MAX_POST_TEXT = 1000  # characters of a wall post's text shown
# Attachments VK sends that carry nothing to fetch or show beyond their kind.
KINDS = {
    "audio": "Аудиозапись",
    "call": "Звонок",
    "gift": "Подарок",
    "graffiti": "Граффити",
    "market": "Товар",
    "market_album": "Подборка товаров",
    "poll": "Опрос",
    "story": "История",
    "wall_reply": "Комментарий к записи",
    "article": "Статья",
    "podcast": "Подкаст",
    "video_playlist": "Плейлист видео",
}


class Walk:
    """One message's content as it is collected: the files found so far (against
    :data:`MAX_FILES`), and what was left out."""

    def __init__(self, names: Names) -> None:
        self.names = names
        self.files: list[Attachment] = []
        self.warnings: list[str] = []
        self.skipped: list[str] = []  # attachment kinds shown only by name
        self.origins: dict[int, Origin] = {}  # the authors of quoted messages, as shown

    def add_file(self, file: Attachment) -> None:
        if len(self.files) < MAX_FILES:
            self.files.append(file)
        elif not any(w.startswith("Файлов") for w in self.warnings):
            self.warnings.append(f"Файлов больше {MAX_FILES}: показаны первые {MAX_FILES}")

    def name(self, owner_id: int) -> str:
        return self.names.get(owner_id, "")


# -- attachments ---------------------------------------------------------------------------


def describe(item: VkAttachment, walk: Walk) -> str:
    """Collect the attachment's file into ``walk``; returns the line that describes it."""
    if item.photo is not None:
        if (size := item.photo.largest()) is not None and size.url:
            name = f"photo{item.photo.owner_id}_{item.photo.id}.jpg"
            walk.add_file(Attachment(filename=name, content_type="image/jpeg", remote_ref=size.url))
        return "Фото"
    if item.doc is not None:
        return _doc(item.doc, walk)
    if item.audio_message is not None:
        return _voice(item, walk)
    if item.sticker is not None:
        if (image := item.sticker.largest()) is not None:
            name = f"sticker{item.sticker.sticker_id}.png"
            walk.add_file(Attachment(filename=name, content_type="image/png", remote_ref=image.url))
        return "Стикер"
    if item.video is not None:
        video = item.video
        title = f" «{video.title}»" if video.title else ""
        length = f" ({_duration(video.duration)})" if video.duration else ""
        return f"Видео{title}{length}: https://vk.com/video{video.owner_id}_{video.id}"
    if item.wall is not None:
        return _wall_post(item, walk)
    if item.link is not None and item.link.url:
        title = item.link.title or item.link.caption
        return f"Ссылка: {title} — {item.link.url}" if title else f"Ссылка: {item.link.url}"
    walk.skipped.append(item.type)
    return KINDS.get(item.type, f"Вложение ВКонтакте ({item.type})")


def _doc(doc: Doc, walk: Walk) -> str:
    if doc.ext and doc.title.endswith(f".{doc.ext}"):
        name = doc.title
    elif doc.ext:
        name = f"{doc.title or 'document'}.{doc.ext}"
    else:
        name = doc.title or "document"
    if doc.url:
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        walk.add_file(
            Attachment(filename=name, content_type=kind, remote_ref=doc.url, size=doc.size or None)
        )
    return f"Документ «{name}»"


def _voice(item: VkAttachment, walk: Walk) -> str:
    voice = item.audio_message
    assert voice is not None
    if voice.link_ogg or voice.link_mp3:
        ogg = bool(voice.link_ogg)
        walk.add_file(
            Attachment(
                filename=f"voice{voice.owner_id}_{voice.id}.{'ogg' if ogg else 'mp3'}",
                content_type="audio/ogg" if ogg else "audio/mpeg",
                remote_ref=voice.link_ogg or voice.link_mp3,
            )
        )
    line = f"Голосовое сообщение, {_duration(voice.duration)}"
    if voice.transcript:
        line += f". Расшифровка ВКонтакте: «{voice.transcript}»"
    return line


def _wall_post(item: VkAttachment, walk: Walk) -> str:
    post = item.wall
    assert post is not None
    owner = post.owner_id or post.to_id or post.from_id
    author = walk.name(owner)
    text = post.text if len(post.text) <= MAX_POST_TEXT else post.text[:MAX_POST_TEXT] + "…"
    head = f"Запись на стене {author}" if author else "Запись на стене"
    link = f"https://vk.com/wall{owner}_{post.id}"
    return f"{head}: «{text}» — {link}" if text else f"{head}: {link}"


def _duration(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


# -- the shared point, authors, quoted messages ---------------------------------------------


def location(geo: Geo | None) -> Location | None:
    if geo is None or geo.coordinates is None:
        return None
    place = geo.place
    address = ", ".join(p for p in (place.city, place.address) if p) if place else ""
    return Location(
        latitude=geo.coordinates.latitude,
        longitude=geo.coordinates.longitude,
        title=place.title if place else "",
        address=address,
    )


def origin(owner_id: int, walk: Walk) -> Origin:
    """Who wrote a quoted message: a person (positive id) or a community (negative)."""
    if owner_id > 0:
        return Origin(kind="user", name=walk.name(owner_id), address=str(owner_id))
    if owner_id < 0:
        return Origin(kind="channel", name=walk.name(owner_id), address=str(owner_id))
    return Origin()


def quoted(node: Node, walk: Walk, peer_id: int, depth: int = 1) -> Quoted:
    """A message read inside a message, with what it carries and its own forwards read."""
    message = node.message
    attached = message.attachments
    lines = [describe(a, walk) for a in attached] if attached is not NO_ATTACHMENTS else []
    if message.geo is not None and (point := location(message.geo)) is not None:
        lines.append(f"Геопозиция: {point.latitude}, {point.longitude}")
    author = message.from_id  # (one Origin per author and walk: most quote few authors)
    if (known := walk.origins.get(author)) is None:
        known = walk.origins[author] = origin(author, walk)
    return Quoted(
        origin=known,
        external_id=key_of(peer_id, message) if message.peer_id == peer_id else "",
        text=message.text,
        sent_at=float(message.date) if message.date else None,
        attachments=tuple(lines) if lines else (),
        quoted=forwards(node.forwards, walk, peer_id, depth + 1) if node.forwards.total else (),
    )


def forwards(level: Level, walk: Walk, peer_id: int, depth: int = 1) -> tuple[Quoted, ...]:
    """The forwarded messages shown at ``depth`` (1: those the member forwarded), in reading
    order (inner ones first); what is not shown said in a warning."""
    if not level.total:
        return ()
    if level.too_deep:
        walk.warnings.append(f"Пересланные сообщения глубже {MAX_DEPTH} уровней не показаны")
        return ()
    shown = tuple([quoted(node, walk, peer_id, depth) for node in level.shown])
    if (left := level.total - len(shown)) > 0:
        walk.warnings.append(f"Не показаны ещё {left} пересланных сообщений (больше {MAX_QUOTED})")
    return shown


def key_of(peer_id: int, message: ForeignMessage) -> str:
    """The stable key of a message in the conversation ``peer_id`` (see :mod:`.decode`)."""
    return message_key(peer_id, message.conversation_message_id, message.id)


def message_key(peer_id: int, conversation_message_id: int | None, message_id: int) -> str:
    """``<peer_id>:<conversation_message_id>``: the same for a message in every event about it
    (new, edited, replied to), unlike the event's ``event_id``."""
    if conversation_message_id:
        return f"{peer_id}:{conversation_message_id}"
    return f"{peer_id}:id{message_id}" if message_id else ""
