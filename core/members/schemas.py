"""Member API bodies and views."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from unionline.text import Text

Status = Literal["applicant", "member", "suspended", "left", "not_member"]
STATUSES: tuple[str, ...] = ("applicant", "member", "suspended", "left", "not_member")
ContactKind = Literal["phone", "email", "telegram", "vk", "web"]
Name = Annotated[Text, msgspec.Meta(min_length=1, max_length=300)]
Text300 = Annotated[Text, msgspec.Meta(max_length=300)]
CardNumber = Annotated[Text, msgspec.Meta(min_length=1, max_length=50)]
Address = Annotated[Text, msgspec.Meta(min_length=1, max_length=320)]
Channel = Annotated[
    str, msgspec.Meta(min_length=1, max_length=30, pattern=r"^[a-z][a-z0-9_-]*$(?!\n)")
]
MergeField = Literal[
    "full_name",
    "organization_id",
    "status",
    "card_number",
    "employer",
    "position",
    "consents",
    "custom_fields",
]
Side = Literal["source", "target"]


class ContactIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    kind: ContactKind
    address: Address
    verified: bool = False


class MemberCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    organization_id: uuid.UUID
    full_name: Name
    status: Status = "applicant"
    card_number: CardNumber | None = None
    employer: Text300 = ""
    position: Text300 = ""
    contacts: list[ContactIn] = msgspec.field(default_factory=list)
    consents: dict[Channel, bool] = msgspec.field(default_factory=dict)
    custom_fields: dict[str, Any] = msgspec.field(default_factory=dict)


class MemberUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Only the fields present change; ``card_number: null`` removes the card number."""

    organization_id: uuid.UUID | msgspec.UnsetType = msgspec.UNSET
    full_name: Name | msgspec.UnsetType = msgspec.UNSET
    status: Status | msgspec.UnsetType = msgspec.UNSET
    card_number: CardNumber | msgspec.UnsetType | None = msgspec.UNSET
    employer: Text300 | msgspec.UnsetType = msgspec.UNSET
    position: Text300 | msgspec.UnsetType = msgspec.UNSET
    consents: dict[Channel, bool] | msgspec.UnsetType = msgspec.UNSET  # merged into the current
    custom_fields: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET  # replaces the current
    provisional: bool | msgspec.UnsetType = msgspec.UNSET  # false: an operator confirmed who it is


class ConsentView(msgspec.Struct, kw_only=True):
    granted: bool
    at: str  # ISO 8601, when it was last given or withdrawn


class ContactView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    kind: str
    address: str
    verified: bool
    blocked: bool
    blocked_reason: str
    created_at: datetime


class MemberView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    full_name: str
    status: str
    card_number: str | None
    employer: str
    position: str
    consents: dict[str, ConsentView]
    custom_fields: dict[str, Any]
    provisional: bool
    merged_into: uuid.UUID | None
    erased: bool
    created_at: datetime
    updated_at: datetime
    contacts: list[ContactView] = msgspec.field(default_factory=list)


class MemberPage(msgspec.Struct, kw_only=True):
    items: list[MemberView]
    next_cursor: str | None = None


class MergeRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Merge ``source`` into ``target``; ``fields`` picks which side wins (target by default)."""

    source_id: uuid.UUID
    target_id: uuid.UUID
    fields: dict[MergeField, Side] = msgspec.field(default_factory=dict)


class LinkRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Link a provisional member (a web visitor, a new messenger contact) to a known one."""

    target_id: uuid.UUID


class MergedFields(msgspec.Struct, kw_only=True):
    """The target's fields as they will be after the merge."""

    full_name: str
    organization_id: uuid.UUID
    status: str
    card_number: str | None
    employer: str
    position: str
    consents: dict[str, ConsentView]
    provisional: bool


class MergePreview(msgspec.Struct, kw_only=True):
    """What a merge would do, without doing it: the resulting fields, the fields the source
    fills or wins (``changed``), and what joins the target — its contact points, the consents
    it brings or updates, and counts of its history by kind (``appeals``)."""

    source: MemberView
    target: MemberView
    result: MergedFields
    changed: list[str]
    contacts: list[ContactView]
    consents: list[str]
    history: dict[str, int]
