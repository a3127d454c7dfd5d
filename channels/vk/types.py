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
    transcript: str = ""  # VK's speech recognition, when it has finished
    transcript_state: str = ""  # "done", "in_progress", ...


class Image(msgspec.Struct, kw_only=True):
    url: str = ""
    width: int = 0
    height: int = 0


class Sticker(msgspec.Struct, kw_only=True):
    sticker_id: int = 0
    product_id: int = 0
    images: list[Image] = []
    images_with_background: list[Image] = []

    def largest(self) -> Image | None:
        found = [i for i in self.images or self.images_with_background if i.url]
        return max(found, key=lambda i: i.width * i.height, default=None)


class Video(msgspec.Struct, kw_only=True):
    """A video: VK gives its title and page, never the file to a community token."""

    id: int = 0
    owner_id: int = 0
    title: str = ""
    duration: int = 0
    access_key: str | None = None


class WallPost(msgspec.Struct, kw_only=True):
    id: int = 0
    owner_id: int = 0  # the wall's owner (negative: a community)
    from_id: int = 0
    to_id: int = 0  # older API versions name the wall's owner so
    text: str = ""
    date: int = 0


class Link(msgspec.Struct, kw_only=True):
    url: str = ""
    title: str = ""
    caption: str = ""
    description: str = ""


class Attachment(msgspec.Struct, kw_only=True):
    type: str
    photo: Photo | None = None
    doc: Doc | None = None
    audio_message: AudioMessage | None = None
    sticker: Sticker | None = None
    video: Video | None = None
    wall: WallPost | None = None
    link: Link | None = None


class Coordinates(msgspec.Struct, kw_only=True):
    latitude: float
    longitude: float


class Place(msgspec.Struct, kw_only=True):
    title: str = ""
    address: str = ""
    city: str = ""


class Geo(msgspec.Struct, kw_only=True):
    """A message's ``geo``: the point the member shared (and the place, when VK knows it)."""

    type: str = "point"
    coordinates: Coordinates | None = None
    place: Place | None = None


class ForeignMessage(msgspec.Struct, kw_only=True):
    """A message inside a message: a forwarded one (``fwd_messages``, nested to any depth)
    or the one replied to (``reply_message``)."""

    id: int = 0
    date: int = 0
    from_id: int = 0
    peer_id: int | None = None
    conversation_message_id: int | None = None
    text: str = ""
    attachments: list[Attachment] = []
    geo: Geo | None = None
    fwd_messages: list[ForeignMessage] = []
    reply_message: ForeignMessage | None = None


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
    geo: Geo | None = None
    fwd_messages: list[ForeignMessage] = []
    reply_message: ForeignMessage | None = None
    is_cropped: bool = False  # VK cut the message for the bot (too many forwards)


class MessageAllow(msgspec.Struct, kw_only=True):
    """``message_allow``: the member allowed the community's messages (the button, or their
    first message to it)."""

    user_id: int
    key: str = ""


class MessageDeny(msgspec.Struct, kw_only=True):
    """``message_deny``: the member forbade the community's messages."""

    user_id: int


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


class User(msgspec.Struct, kw_only=True):
    """A ``users.get`` item; ``deactivated`` is "deleted" or "banned" for gone profiles."""

    id: int
    first_name: str = ""
    last_name: str = ""
    deactivated: str = ""

    @property
    def name(self) -> str:
        if self.deactivated:
            return ""  # VK answers "DELETED" for a deleted profile: no name to show
        return f"{self.first_name} {self.last_name}".strip()


class ApiError(msgspec.Struct, kw_only=True):
    error_code: int
    error_msg: str = ""


class Envelope(msgspec.Struct, kw_only=True):
    response: msgspec.Raw = msgspec.Raw(b"null")
    error: ApiError | None = None
