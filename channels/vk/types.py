"""VK API objects we read (API version 5.199), as msgspec Structs; unknown fields are ignored."""

from __future__ import annotations

from typing import Any

import msgspec

API_VERSION = "5.199"


class PhotoSize(msgspec.Struct, kw_only=True):
    type: str = ""
    url: str = ""
    width: int = 0
    height: int = 0


class Photo(msgspec.Struct, kw_only=True):
    id: int
    owner_id: int
    access_key: str | None = None
    sizes: list[PhotoSize] = []
    orig_photo: PhotoSize | None = None
    text: str = ""

    def largest(self) -> PhotoSize | None:
        """The biggest size VK offers for download."""
        if self.orig_photo is not None and self.orig_photo.url:
            return self.orig_photo
        return max(self.sizes, key=lambda s: s.width * s.height, default=None)


class Doc(msgspec.Struct, kw_only=True):
    id: int
    owner_id: int
    title: str = ""
    size: int = 0
    ext: str = ""
    url: str = ""
    type: int = 8
    access_key: str | None = None


class AudioMessage(msgspec.Struct, kw_only=True):
    id: int
    owner_id: int
    duration: int = 0
    link_ogg: str = ""
    link_mp3: str = ""
    access_key: str | None = None


class Attachment(msgspec.Struct, kw_only=True):
    type: str
    photo: Photo | None = None
    doc: Doc | None = None
    audio_message: AudioMessage | None = None


class Message(msgspec.Struct, kw_only=True):
    id: int = 0  # 0 for messages in group chats the community cannot address by id
    date: int
    peer_id: int
    from_id: int
    text: str = ""
    out: int = 0
    random_id: int = 0
    conversation_message_id: int | None = None
    attachments: list[Attachment] = []
    update_time: int | None = None
    payload: str | None = None
    admin_author_id: int | None = None  # message_reply: the admin who typed it in VK


class MessageNew(msgspec.Struct, kw_only=True):
    """The object of a ``message_new`` event (``message_edit``/``message_reply`` carry a bare
    :class:`Message`)."""

    message: Message
    client_info: dict[str, Any] = {}


class Event(msgspec.Struct, kw_only=True):
    """An event as Bots Long Poll and the Callback API deliver it."""

    type: str
    group_id: int = 0
    event_id: str = ""
    v: str = ""
    object: dict[str, Any] = {}
    secret: str | None = None  # Callback API only


class LongPollServer(msgspec.Struct, kw_only=True):
    key: str
    server: str
    ts: str


class LongPollAnswer(msgspec.Struct, kw_only=True):
    ts: str | int | None = None
    updates: list[Event] = []
    failed: int | None = None


class Group(msgspec.Struct, kw_only=True):
    id: int
    name: str = ""
    screen_name: str = ""


class ApiError(msgspec.Struct, kw_only=True):
    error_code: int
    error_msg: str = ""


class Envelope(msgspec.Struct, kw_only=True):
    response: msgspec.Raw = msgspec.Raw(b"null")
    error: ApiError | None = None
