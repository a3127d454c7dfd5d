"""VK API objects we read (API version 5.199), as msgspec Structs; unknown fields are ignored.

An event's ``object`` is read once, typed, by its event type (:meth:`Event.read`), never into
dicts; its arrays are read up to what VK sends (``unionline.channel.first``) and the rest
skipped unread, so a body costs about what its bytes cost (issue #12 item 3). Forwards inside
forwards stay JSON (``msgspec.Raw``) until :mod:`.forwards` reads them, as many as are shown
in all levels together (:data:`MAX_QUOTED`): a bound per level would multiply with the levels.
"""

from __future__ import annotations

import builtins
import functools
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

import msgspec

from unionline.channel import First, first

API_VERSION = "5.199"
T = TypeVar("T")

# Arrays read up to what VK sends, the rest skipped unread: a message holds at most 10
# attachments and forwards at most 100 messages (messages.send's attachment and
# forward_messages); a photo comes in ~10 sizes (s, m, x, o, p, q, r, y, z, w, base) and a
# sticker in 5 images (64-512 px).
MAX_ATTACHMENTS = 10
MAX_FORWARDS = 100
MAX_PHOTO_SIZES = 20
MAX_STICKER_IMAGES = 10
# Forwarded messages shown: MAX_DEPTH levels of forwards inside forwards, MAX_QUOTED messages
# per message, all levels together; only those are read (an array's elements past them are
# counted, up to MAX_FORWARDS, for the warning that says how many are not shown).
MAX_DEPTH = 5
MAX_QUOTED = 50
NO_FORWARDS = msgspec.Raw(b"[]")
_astuple, _UNSET = msgspec.structs.astuple, msgspec.UNSET  # (looked up once: per level read)


class PhotoSize(msgspec.Struct, kw_only=True):
    type: str = ""
    url: str = ""
    width: int = 0
    height: int = 0


class Image(msgspec.Struct, kw_only=True):
    url: str = ""
    width: int = 0
    height: int = 0


if TYPE_CHECKING:
    PhotoSizes = First[PhotoSize]
    Images = First[Image]
else:
    PhotoSizes = first(PhotoSize, MAX_PHOTO_SIZES, "PhotoSizes")
    Images = first(Image, MAX_STICKER_IMAGES, "Images")


class Photo(msgspec.Struct, kw_only=True):
    id: int
    owner_id: int
    access_key: str | None = None
    sizes: PhotoSizes = PhotoSizes()
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


class Sticker(msgspec.Struct, kw_only=True):
    sticker_id: int = 0
    product_id: int = 0
    images: Images = Images()
    images_with_background: Images = Images()

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


if TYPE_CHECKING:
    Attachments = First[Attachment]
else:
    Attachments = first(Attachment, MAX_ATTACHMENTS, "Attachments")
NO_ATTACHMENTS = Attachments()  # the default: a message without them has this very one


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
    or the one replied to (``reply_message``). Its own forwards stay JSON until
    :func:`read_forwards` reads those shown; what it replies to is never shown (not read)."""

    id: int = 0
    date: int = 0
    from_id: int = 0
    peer_id: int | None = None
    conversation_message_id: int | None = None
    text: str = ""
    attachments: Attachments = NO_ATTACHMENTS
    geo: Geo | None = None
    fwd_messages: msgspec.Raw = NO_FORWARDS


class Head(msgspec.Struct, array_like=True, frozen=True):
    """The first ``shown`` elements of an array of forwards read as messages, the next ones
    up to :data:`MAX_FORWARDS` only counted (each kept as its JSON, unread), the rest
    skipped; made by :func:`head`. ``empty`` is the default, an absent array."""

    shown: ClassVar[int] = 0
    empty: ClassVar[Head]

    def split(self) -> tuple[list[ForeignMessage], int]:
        """(the messages read, how many elements the array has up to MAX_FORWARDS)."""
        values = _astuple(self)
        count = values.index(_UNSET) if values[-1] is _UNSET else len(values)
        shown = self.shown
        return list(values[: count if count < shown else shown]), count

    def __len__(self) -> int:
        return self.split()[1]


@functools.cache
def head(shown: int, item: type[ForeignMessage] = ForeignMessage) -> type[Head]:
    """The :class:`Head` that reads ``shown`` forwards (0 to :data:`MAX_QUOTED`) as
    ``item``."""
    fields: list[tuple[str, Any, Any]] = [
        (f"e{i}", item if i < shown else msgspec.Raw, msgspec.UNSET) for i in range(MAX_FORWARDS)
    ]
    made = cast(
        "type[Head]",
        msgspec.defstruct(
            f"Head{shown}{item.__name__}",
            fields,
            bases=(Head,),
            namespace={"shown": shown},
            array_like=True,
            frozen=True,
        ),
    )
    made.empty = made()
    return made


def read_forwards(raw: msgspec.Raw, shown: int) -> tuple[list[ForeignMessage], int]:
    """A message's ``fwd_messages`` left as JSON: its first ``shown`` read, and how many it
    holds (up to :data:`MAX_FORWARDS`); ``msgspec.ValidationError`` when they are not
    forwards (null is none)."""
    if raw is NO_FORWARDS:
        return [], 0
    found = _decoder(shown).decode(raw)
    return found.split() if found is not None else ([], 0)


@functools.cache
def _decoder(shown: int) -> msgspec.json.Decoder[Head | None]:
    return msgspec.json.Decoder(head(shown) | None)


if TYPE_CHECKING:
    Forwards = Head
else:
    Forwards = head(MAX_QUOTED)  # a message's own: all of the budget is left
NO_HEAD = Forwards.empty


class Message(msgspec.Struct, kw_only=True):
    id: int = 0  # 0 for messages in group chats the community cannot address by id
    date: int
    peer_id: int
    from_id: int
    text: str = ""
    out: int = 0
    random_id: int = 0
    conversation_message_id: int | None = None
    attachments: Attachments = NO_ATTACHMENTS
    update_time: int | None = None
    payload: str | None = None
    admin_author_id: int | None = None  # message_reply: the admin who typed it in VK
    geo: Geo | None = None
    fwd_messages: Forwards = NO_HEAD
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
    :class:`Message`; its ``client_info``, what the member's app can show, is not read)."""

    message: Message


class Event(msgspec.Struct, kw_only=True, dict=True):
    """An event as Bots Long Poll and the Callback API deliver it; ``object`` is left as its
    JSON, skipped unread, until :meth:`read` decodes it as what its ``type`` says it is (what
    is read of it may be kept on the event, not a field: :func:`.decode.reading`)."""

    type: str
    group_id: int = 0
    event_id: str = ""
    v: str = ""
    object: msgspec.Raw = msgspec.Raw(b"{}")
    secret: str | None = None  # Callback API only

    def read(self, kind: builtins.type[T]) -> T:  # ``type`` is the event's field here
        """``object`` decoded as ``kind``; ``msgspec.ValidationError`` when it is not one."""
        return msgspec.json.decode(self.object, type=kind)


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
