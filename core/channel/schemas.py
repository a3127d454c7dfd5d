"""Admin API bodies and views of channel accounts, channel types and attachments."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from unionline.channel.types import Capabilities, CheckResult, SetupInfo
from unionline.plugin_choices.schemas import PluginChoiceView
from unionline.text import Text

ChannelName = Annotated[
    str, msgspec.Meta(min_length=1, max_length=50, pattern=r"^[a-z][a-z0-9_.-]*$(?!\n)")
]
Name = Annotated[Text, msgspec.Meta(min_length=1, max_length=200)]
PublicKey = Annotated[Text, msgspec.Meta(max_length=200)]


class AccountCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    organization_id: uuid.UUID
    channel: ChannelName
    name: Name
    public_key: PublicKey = ""
    config: dict[str, Any] = msgspec.field(default_factory=dict)
    secrets: dict[str, Any] = msgspec.field(default_factory=dict)


class AccountUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Only the fields present change. ``config`` replaces the configuration; ``secrets`` is
    merged key by key into the stored ones (secrets are never sent back). ``status: "active"``
    clears a ``needs_reauth`` flag."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    public_key: PublicKey | msgspec.UnsetType = msgspec.UNSET
    config: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET
    secrets: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET
    status: Literal["active", "disabled"] | msgspec.UnsetType = msgspec.UNSET


class AccountView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    channel: str
    name: str
    public_key: str
    status: str
    status_reason: str
    config: dict[str, Any]
    secrets_set: list[str]  # names of the secrets that have a value; the values are write-only
    created_at: datetime
    updated_at: datetime


class Localized(msgspec.Struct, kw_only=True):
    ru: str
    en: str


class AccountField(msgspec.Struct, kw_only=True):
    """One input of the console's account form, from the channel's ``settings`` (``config``)
    or ``secrets`` Struct: label and help (Russian first), its JSON schema."""

    name: str
    label: Localized
    help: Localized
    schema: dict[str, Any]
    required: bool
    secret: bool  # write-only: never sent back, only whether it is set


class ChannelTypeView(msgspec.Struct, kw_only=True):
    name: str
    title: str
    contact_kind: str
    capabilities: Capabilities
    settings_schema: dict[str, Any]
    secrets_schema: dict[str, Any]
    plugin: str = ""  # the plugin that registered it
    config_fields: list[AccountField] = msgspec.field(default_factory=list)
    secret_fields: list[AccountField] = msgspec.field(default_factory=list)
    checks: bool = False  # the channel implements check(account)
    connects: bool = False  # the channel implements connect(account, url)
    listed: bool = True  # offered on the Каналы page (False: development and tests only)


class ChannelPluginView(msgspec.Struct, kw_only=True):
    """An installed channel plugin: enabled or not, and the channel types it registers."""

    plugin: str
    version: str
    origin: str
    enabled: bool
    channels: list[str]  # the channel types it registered (empty while disabled)
    switch: PluginChoiceView | None = None  # on at the next start? may the console switch it?


class AccountCheckView(msgspec.Struct, kw_only=True):
    """The answer of «Проверить подключение» (or of «Подключить» for ``connect``)."""

    account_id: uuid.UUID
    channel: str
    result: CheckResult
    checked_at: datetime


class AccountSetupView(msgspec.Struct, kw_only=True):
    account_id: uuid.UUID
    channel: str
    setup: SetupInfo
    checks: bool
    public_url_set: bool  # server.public_url is configured (else the URL is a guess)


class AttachmentView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    filename: str
    content_type: str
    size: int
    status: str  # stored, pending, rejected
    error: str
    url: str
