"""Bot API objects we read, as msgspec Structs (unknown fields are ignored, as the API grows)."""

from __future__ import annotations

from typing import Any

import msgspec


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


class Chat(msgspec.Struct, kw_only=True):
    id: int
    type: str = "private"
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None


class MessageEntity(msgspec.Struct, kw_only=True, omit_defaults=True):
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


class Document(msgspec.Struct, kw_only=True):
    file_id: str
    file_unique_id: str
    file_name: str | None = None
    mime_type: str | None = None
    file_size: int | None = None


class Voice(msgspec.Struct, kw_only=True):
    file_id: str
    file_unique_id: str
    duration: int = 0
    mime_type: str | None = None
    file_size: int | None = None


class Contact(msgspec.Struct, kw_only=True):
    phone_number: str
    first_name: str = ""
    last_name: str | None = None
    user_id: int | None = None  # set when the contact is a Telegram user


class Message(msgspec.Struct, kw_only=True):
    message_id: int
    date: int
    chat: Chat
    from_: User | None = msgspec.field(default=None, name="from")
    text: str | None = None
    entities: list[MessageEntity] = []
    caption: str | None = None
    caption_entities: list[MessageEntity] = []
    photo: list[PhotoSize] = []
    document: Document | None = None
    voice: Voice | None = None
    audio: Document | None = None
    video: Document | None = None
    contact: Contact | None = None
    edit_date: int | None = None
    media_group_id: str | None = None


class Update(msgspec.Struct, kw_only=True):
    """One update; at most one of the optional parts is present."""

    update_id: int
    message: Message | None = None
    edited_message: Message | None = None
    channel_post: dict[str, Any] | None = None
    edited_channel_post: dict[str, Any] | None = None
    callback_query: dict[str, Any] | None = None
    my_chat_member: dict[str, Any] | None = None
    chat_member: dict[str, Any] | None = None
    message_reaction: dict[str, Any] | None = None

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
