"""Bot API objects we read, as msgspec Structs (unknown fields are ignored, as the API grows).

Shapes follow https://core.telegram.org/bots/api (Bot API 7+, with the pre-7.0 forward fields
still read). Unions whose ``type`` grows with the API (``MessageOrigin``) are one flat Struct
with every optional field, so a new kind decodes instead of failing the whole update. Arrays
are read up to what Telegram sends and objects we only tell apart by being there are not read
(``bounded``, ``Unread``), so a body costs about what its bytes cost (issue #12 item 3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from unionline.channel import First, first


class User(msgspec.Struct, kw_only=True):
    id: int
    is_bot: bool = False
    first_name: str = ""
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def shown_name(self) -> str:
        return self.full_name or (f"@{self.username}" if self.username else "")


class Chat(msgspec.Struct, kw_only=True):
    id: int
    type: str = "private"  # private, group, supergroup, channel
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None

    @property
    def shown_name(self) -> str:
        if self.title:
            return self.title
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        return name or (f"@{self.username}" if self.username else "")


class MessageEntity(msgspec.Struct, kw_only=True, omit_defaults=True, frozen=True):
    type: str
    offset: int  # in UTF-16 code units
    length: int
    url: str | None = None
    language: str | None = None
    custom_emoji_id: str | None = None


class PhotoSize(msgspec.Struct, kw_only=True):
    file_id: str
    file_unique_id: str
    width: int = 0
    height: int = 0
    file_size: int | None = None


class PollOption(msgspec.Struct, kw_only=True):
    text: str
    voter_count: int = 0


class InlineKeyboardButton(msgspec.Struct, kw_only=True):
    text: str = ""
    callback_data: str | None = None


# Arrays of small objects read up to what Telegram sends (``bounded``): past the bound the rest
# is skipped unread. Telegram formats at most 100 entities a message and ignores the rest
# (python-telegram-bot's MessageLimit.MESSAGE_ENTITIES, found by experiment); a photo comes in
# a few sizes (s, m, x, y, w…); a poll has at most 12 options (sendPoll); a keyboard is read
# only for the label of a pressed button — ours have at most 100 rows (link buttons, one a
# row), and Telegram shows at most 8 buttons a row.
MAX_ENTITIES = 100
MAX_PHOTO_SIZES = 20
MAX_POLL_OPTIONS = 20
MAX_KEYBOARD_ROWS, MAX_ROW_BUTTONS = 100, 8
if TYPE_CHECKING:
    Entities = First[MessageEntity]
    PhotoSizes = First[PhotoSize]
    PollOptions = First[PollOption]
    KeyboardRow = First[InlineKeyboardButton]
    Keyboard = First[KeyboardRow]
else:
    Entities = first(MessageEntity, MAX_ENTITIES, "Entities")
    PhotoSizes = first(PhotoSize, MAX_PHOTO_SIZES, "PhotoSizes")
    PollOptions = first(PollOption, MAX_POLL_OPTIONS, "PollOptions")
    KeyboardRow = first(InlineKeyboardButton, MAX_ROW_BUTTONS, "KeyboardRow")
    Keyboard = first(KeyboardRow, MAX_KEYBOARD_ROWS, "Keyboard")


class Unread(msgspec.Struct):
    """An object only told apart by being there (a story, an invoice, a channel post): its
    fields are skipped, not decoded into a dict."""


class Document(msgspec.Struct, kw_only=True):
    """A general file, and the fields audio, video and animations share with it."""

    file_id: str
    file_unique_id: str
    file_name: str | None = None
    mime_type: str | None = None
    file_size: int | None = None
    duration: int | None = None  # audio, video, animation
    performer: str | None = None  # audio
    title: str | None = None  # audio


class Voice(msgspec.Struct, kw_only=True):
    file_id: str
    file_unique_id: str
    duration: int = 0
    mime_type: str | None = None
    file_size: int | None = None


class VideoNote(msgspec.Struct, kw_only=True):
    """A round video message: always MPEG-4, no name or MIME type given."""

    file_id: str
    file_unique_id: str
    length: int = 0  # the video's width and height (a square)
    duration: int = 0
    file_size: int | None = None


class Sticker(msgspec.Struct, kw_only=True):
    file_id: str
    file_unique_id: str
    type: str = "regular"  # regular, mask, custom_emoji
    width: int = 0
    height: int = 0
    is_animated: bool = False  # .TGS (Lottie): no picture a browser shows
    is_video: bool = False  # .WEBM
    thumbnail: PhotoSize | None = None  # .WEBP or .JPG
    emoji: str | None = None
    set_name: str | None = None
    file_size: int | None = None


class Location(msgspec.Struct, kw_only=True):
    latitude: float
    longitude: float
    horizontal_accuracy: float | None = None
    live_period: int | None = None  # a live location: edits follow while it moves


class Venue(msgspec.Struct, kw_only=True):
    location: Location
    title: str = ""
    address: str = ""


class Contact(msgspec.Struct, kw_only=True):
    phone_number: str
    first_name: str = ""
    last_name: str | None = None
    user_id: int | None = None  # set when the contact is a Telegram user
    vcard: str | None = None


class Poll(msgspec.Struct, kw_only=True):
    id: str
    question: str
    options: PollOptions = PollOptions()
    is_anonymous: bool = True
    type: str = "regular"  # regular or quiz
    allows_multiple_answers: bool = False
    is_closed: bool = False


class Dice(msgspec.Struct, kw_only=True):
    emoji: str = "🎲"
    value: int = 0


class Game(msgspec.Struct, kw_only=True):
    title: str = ""


class MessageOrigin(msgspec.Struct, kw_only=True):
    """Who first sent a forwarded message: ``type`` user (``sender_user``), hidden_user
    (``sender_user_name``), chat (``sender_chat``) or channel (``chat``, ``message_id``)."""

    type: str
    date: int = 0
    sender_user: User | None = None
    sender_user_name: str | None = None
    sender_chat: Chat | None = None
    chat: Chat | None = None
    message_id: int | None = None
    author_signature: str | None = None


class TextQuote(msgspec.Struct, kw_only=True):
    """The part of the replied-to message the member quoted."""

    text: str
    is_manual: bool = False


class InlineKeyboardMarkup(msgspec.Struct, kw_only=True):
    inline_keyboard: Keyboard = Keyboard()


class WebAppData(msgspec.Struct, kw_only=True):
    data: str = ""
    button_text: str = ""


class Media(msgspec.Struct, kw_only=True):
    """What a message and an external reply (a quoted message of another chat) both carry."""

    animation: Document | None = None  # ``document`` is set too, for older clients
    audio: Document | None = None
    document: Document | None = None
    photo: PhotoSizes = PhotoSizes()
    sticker: Sticker | None = None
    story: Unread | None = None
    video: Document | None = None
    video_note: VideoNote | None = None
    voice: Voice | None = None
    contact: Contact | None = None
    dice: Dice | None = None
    game: Game | None = None
    poll: Poll | None = None
    venue: Venue | None = None  # ``location`` is set too, for older clients
    location: Location | None = None
    invoice: Unread | None = None
    giveaway: Unread | None = None
    paid_media: Unread | None = None


class ExternalReplyInfo(Media, kw_only=True):
    """A replied-to message from another chat (or a forum topic)."""

    origin: MessageOrigin
    chat: Chat | None = None
    message_id: int | None = None


class Message(Media, kw_only=True):
    message_id: int
    date: int
    chat: Chat
    from_: User | None = msgspec.field(default=None, name="from")
    sender_chat: Chat | None = None
    text: str | None = None
    entities: Entities = Entities()  # the first MAX_ENTITIES: ``.kept()``
    caption: str | None = None
    caption_entities: Entities = Entities()
    edit_date: int | None = None
    media_group_id: str | None = None
    forward_origin: MessageOrigin | None = None
    # Before Bot API 7.0 (December 2023) forwards were told by these fields.
    forward_from: User | None = None
    forward_from_chat: Chat | None = None
    forward_from_message_id: int | None = None
    forward_signature: str | None = None
    forward_sender_name: str | None = None
    forward_date: int | None = None
    reply_to_message: Message | None = None
    external_reply: ExternalReplyInfo | None = None
    quote: TextQuote | None = None
    reply_markup: InlineKeyboardMarkup | None = None
    web_app_data: WebAppData | None = None


class CallbackQuery(msgspec.Struct, kw_only=True):
    """A press of an inline keyboard button. ``message`` is absent for buttons of inline-mode
    messages, and has ``date`` 0 when it is too old for the bot to see (inaccessible)."""

    id: str
    from_: User = msgspec.field(name="from")
    message: Message | None = None
    inline_message_id: str | None = None
    chat_instance: str = ""
    data: str | None = None
    game_short_name: str | None = None


class ChatMember(msgspec.Struct, kw_only=True):
    status: str = ""  # creator, administrator, member, restricted, left, kicked


class ChatMemberUpdated(msgspec.Struct, kw_only=True):
    """The bot's own membership in a chat changed (``my_chat_member``): in a private chat,
    ``kicked`` is the member blocking the bot, ``member`` unblocking it."""

    chat: Chat | None = None
    from_: User | None = msgspec.field(default=None, name="from")
    new_chat_member: ChatMember | None = None


class Update(msgspec.Struct, kw_only=True):
    """One update; at most one of the optional parts is present."""

    update_id: int
    message: Message | None = None
    edited_message: Message | None = None
    channel_post: Unread | None = None
    edited_channel_post: Unread | None = None
    callback_query: CallbackQuery | None = None
    my_chat_member: ChatMemberUpdated | None = None
    chat_member: Unread | None = None
    message_reaction: Unread | None = None

    @property
    def kind(self) -> str:
        """The name of the part this update carries (``unknown`` for parts we do not know)."""
        for name in self.__struct_fields__[1:]:
            if getattr(self, name) is not None:
                return name
        return "unknown"


class File(msgspec.Struct, kw_only=True):
    file_id: str
    file_unique_id: str
    file_size: int | None = None
    file_path: str | None = None  # absent when the file cannot be downloaded (over 20 MB)


class WebhookInfo(msgspec.Struct, kw_only=True):
    url: str
    has_custom_certificate: bool = False
    pending_update_count: int = 0
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None
    max_connections: int | None = None
    allowed_updates: list[str] | None = None


class ResponseParameters(msgspec.Struct, kw_only=True):
    retry_after: int | None = None
    migrate_to_chat_id: int | None = None


class Envelope(msgspec.Struct, kw_only=True):
    """Every Bot API answer; ``result`` is decoded by the caller into the method's type."""

    ok: bool
    result: msgspec.Raw = msgspec.Raw(b"null")
    error_code: int | None = None
    description: str = ""
    parameters: ResponseParameters | None = None
