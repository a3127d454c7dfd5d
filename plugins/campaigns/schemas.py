"""Request and response bodies of campaigns (msgspec Structs: a bad field is a 4xx naming it)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

import msgspec

from unionline import WHITE_SPACE, Text
from unionline.plugins.campaigns.vocabulary import (
    CampaignStatus,
    ConsentChannel,
    Purpose,
    Source,
)

Name = Annotated[Text, msgspec.Meta(min_length=1, max_length=200)]
Short = Annotated[Text, msgspec.Meta(max_length=200)]
Key = Annotated[str, msgspec.Meta(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.-]+$(?!\n)")]
MemberStatus = Literal["applicant", "member", "suspended", "left", "not_member"]


class FieldEquals(msgspec.Struct, forbid_unknown_fields=True):
    key: Key
    value: Short


class SegmentFilter(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Who a segment holds; every given part must hold (AND), values within a part are OR."""

    organization_ids: list[uuid.UUID] = msgspec.field(default_factory=list)  # subtrees
    statuses: list[MemberStatus] = msgspec.field(default_factory=list)
    has_card: bool | None = None
    employer: Short = ""  # contains (case-insensitive)
    position: Short = ""
    tags: list[Short] = msgspec.field(default_factory=list)  # custom field "tags" holds one
    custom_fields: list[FieldEquals] = msgspec.field(default_factory=list)
    appealed_within_days: Annotated[int, msgspec.Meta(ge=1, le=3650)] | None = None
    reachable: list[ConsentChannel] = msgspec.field(default_factory=list)  # any of them
    consent_purpose: Purpose | None = None  # with a valid consent on a reachable channel


class SegmentCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    organization_id: uuid.UUID
    name: Name
    filter: SegmentFilter


class SegmentCount(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    organization_id: uuid.UUID | None = None  # whose segment: its subtree (None: the scope)
    filter: SegmentFilter = msgspec.field(default_factory=SegmentFilter)
    purpose: Purpose | None = None  # only members a campaign of this purpose may reach


class SegmentExport(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    organization_id: uuid.UUID | None = None  # whose segment: its subtree (None: the scope)
    filter: SegmentFilter = msgspec.field(default_factory=SegmentFilter)
    format: Literal["csv", "xlsx"] = "csv"


class SegmentView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    filter: SegmentFilter


class CountView(msgspec.Struct, kw_only=True):
    count: int
    sample: list[MemberBrief]


class MemberBrief(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    full_name: str
    status: str


class Variant(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    subject: Annotated[Text, msgspec.Meta(max_length=300)] = ""  # e-mail
    text: Annotated[Text, msgspec.Meta(max_length=20000)] = ""
    html: Annotated[Text, msgspec.Meta(max_length=200000)] = ""  # e-mail
    buttons: list[Button] = msgspec.field(default_factory=list)  # Telegram, VK
    ask_digit: bool = False  # a robot call waits for one digit («нажмите 1, чтобы …»)


# A button's link: http(s), a host — a name in any script or a bracketed IPv6 address — with
# an optional user and port, then a path, query or fragment; no space or control character.
# No \w or \S: a client's regex (ECMA-262) reads \w as ASCII only, so the server (Python,
# Unicode \w) took https://профсоюз.рф while the schema refused it. What a pattern cannot say
# (an IPv6 address that is none, a letter that normalizes to "/") is the channel SDK's check
# on save: a 422 naming the url (campaigns._check_link). \s differs too (Python's has
# \x1c-\x1f and \x85, ECMA's \ufeff): the classes spell out both (WHITE_SPACE, \ufeff).
_NOT = rf"\x00-\x20\ufeff{WHITE_SPACE}"
LINK = (
    rf"^https?://(?:[^{_NOT}/?#@\[\]]*@)?(?:[^{_NOT}/?#@\[\]:]+|\[[0-9A-Fa-f:.]+\])"
    rf"(?::[0-9]{{0,5}})?(?:[/?#][^{_NOT}]*)?$(?!\n)"
)


class Button(msgspec.Struct, forbid_unknown_fields=True):
    """A link button under a Telegram/VK message (the channel SDK's ``Button``): one line of
    a label, an http(s) link with a host."""

    title: Annotated[
        str,
        msgspec.Meta(
            min_length=1, max_length=64, pattern=rf"^[^\x00\r\n]*[^{_NOT}][^\x00\r\n]*$(?!\n)"
        ),
    ]
    url: Annotated[str, msgspec.Meta(max_length=1000, pattern=LINK)]


class Variants(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    """A campaign's message per channel (the channels of ``ConsentChannel``), stored as an
    object of the channels present. Named fields rather than a mapping, so that an error names
    the channel: ``variants.telegram.buttons[0].url``."""

    email: Variant | None = None
    sms: Variant | None = None
    telegram: Variant | None = None
    vk: Variant | None = None
    voice: Variant | None = None


class Trigger(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What adds members to a campaign after its start — a funnel step. ``start`` (default):
    the segment's members, once, when it starts. ``not_opened``: members the campaign
    ``after_campaign_id`` reached ``days`` days ago or more who have not ``unless`` (opened,
    clicked, replied) it since. ``date``: members whose custom field ``date_field`` (a date:
    ``1984-12-07`` or ``07.12.1984``) falls ``days_before`` days from today, every year (a
    birthday). The segment still narrows who may enter; each member enters once per step (a
    date step: once a year)."""

    kind: Literal["start", "not_opened", "date"] = "start"
    after_campaign_id: uuid.UUID | None = None
    days: Annotated[int, msgspec.Meta(ge=0, le=365)] = 3
    unless: Literal["opened", "clicked", "replied"] = "opened"
    date_field: Key = "birth_date"
    days_before: Annotated[int, msgspec.Meta(ge=0, le=60)] = 0


class CampaignBody(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    organization_id: uuid.UUID
    name: Name
    purpose: Purpose = "info"
    filter: SegmentFilter = msgspec.field(default_factory=SegmentFilter)
    channel_order: list[ConsentChannel] = msgspec.field(default_factory=list)
    accounts: dict[ConsentChannel, uuid.UUID] = msgspec.field(default_factory=dict)
    variants: Variants = msgspec.field(default_factory=Variants)
    concurrency: Annotated[int, msgspec.Meta(ge=1, le=64)] = 8
    trigger: Trigger = msgspec.field(default_factory=Trigger)


class Counts(msgspec.Struct, kw_only=True):
    total: int = 0
    queued: int = 0
    sending: int = 0
    sent: int = 0
    delivered: int = 0  # the provider's receipt said so (SMS statuses, DSN, messengers)
    bounced: int = 0  # sent, then reported undelivered (a DSN, a failed SMS status)
    failed: int = 0
    skipped: int = 0
    cancelled: int = 0
    opened: int = 0  # approximate: the pixel (images may be off or fetched by a proxy)
    clicked: int = 0
    unsubscribed: int = 0
    replied: int = 0


class ReplyView(msgspec.Struct, kw_only=True):
    """A member's reply to a campaign: the appeal it became."""

    member_id: uuid.UUID
    full_name: str
    appeal_id: uuid.UUID | None
    appeal_number: str
    at: float


class CampaignView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    purpose: str
    status: CampaignStatus
    filter: SegmentFilter
    channel_order: list[str]
    accounts: dict[str, uuid.UUID]
    variants: dict[str, Variant]
    concurrency: int
    trigger: Trigger
    counts: Counts


class PreviewRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    member_id: uuid.UUID | None = None  # None: the first member of the segment


class AccountLimits(msgspec.Struct, kw_only=True):
    """What a message may hold on a channel account (``GET /api/campaigns/limits``): the
    editor's counter counts SMS parts up to ``sms_segments`` (null: no SMS limit)."""

    channel: str
    channel_account_id: uuid.UUID
    max_text_length: int | None
    sms_segments: int | None


class PreviewView(msgspec.Struct, kw_only=True):
    member_id: uuid.UUID | None
    channel: str
    subject: str
    text: str
    html: str
    sms_parts: int
    sms_chars: int
    buttons: list[Button] = msgspec.field(default_factory=list)  # shown under the text


class TestSend(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    channel: ConsentChannel
    address: Annotated[Text, msgspec.Meta(min_length=1, max_length=320)]


class TestSent(msgspec.Struct, kw_only=True):
    """A test message the channel accepted: its status, the provider's id and the channel's
    note beside it (an SMS's parts and cost, «2 SMS · 2,96 ₽»), shown to the operator."""

    status: str
    external_id: str
    note: str = ""


class ConsentChange(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    channel: ConsentChannel
    purpose: Purpose
    granted: bool
    source: Source = "operator"
    text_version: Annotated[str, msgspec.Meta(max_length=40)] = ""
    evidence: dict[str, Annotated[Text, msgspec.Meta(max_length=500)]] = msgspec.field(
        default_factory=dict
    )


class ConsentTextBody(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    organization_id: uuid.UUID
    version: Key
    purpose: Purpose
    body: Annotated[Text, msgspec.Meta(min_length=1, max_length=20000)]


class ConsentView(msgspec.Struct, kw_only=True):
    channel: str
    purpose: str
    text_version: str
    source: str
    evidence: dict[str, Any]
    granted_at: float
    withdrawn_at: float | None
    withdrawn_source: str


class ConsentLogView(msgspec.Struct, kw_only=True):
    channel: str
    purpose: str
    action: str
    text_version: str
    source: str
    evidence: dict[str, Any]
    at: float
    # The member's organization when it was recorded: the one whose text the version names.
    organization_id: uuid.UUID | None = None


class ConsentTextView(msgspec.Struct, kw_only=True):
    version: str
    purpose: str
    body: str
    created_at: Any
    organization_id: uuid.UUID | None = None  # whose text it is (a version is unique per one)


class ConsentProof(msgspec.Struct, kw_only=True):
    member_id: uuid.UUID
    consents: list[ConsentView]
    history: list[ConsentLogView]
    texts: list[ConsentTextView]


class AnswerView(msgspec.Struct, kw_only=True):
    """The digit a member pressed in the campaign's robot call."""

    member_id: uuid.UUID
    full_name: str
    digit: str
    at: float


class AnswersView(msgspec.Struct, kw_only=True):
    """The digits pressed in a campaign's robot calls: members per digit, and who pressed what
    (newest first, at most 200)."""

    total: int  # members who pressed a digit
    digits: dict[str, int]  # digit -> members who pressed it
    recipients: list[AnswerView]
