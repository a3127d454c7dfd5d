"""Appeal API bodies and views (msgspec Structs at every edge)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from unionline import text
from unionline.appeals.delivery_statuses import DeliveryStatus
from unionline.appeals.statuses import Priority, Status

LinkKind = Literal["related", "reopened_from", "merged_into"]
EntryKind = Literal[
    "message_in",
    "message_out",
    "note",
    "status_changed",
    "assigned",
    "priority_changed",
    "tags_changed",
    "linked",
    "merged",
    "system",
]

Subject = Annotated[text.Text, msgspec.Meta(max_length=500)]
Tag = Annotated[text.Text, msgspec.Meta(min_length=1, max_length=100)]
Tags = Annotated[list[Tag], msgspec.Meta(max_length=50)]
Text = Annotated[text.Text, msgspec.Meta(min_length=1, max_length=100_000)]
ChannelName = Annotated[
    str, msgspec.Meta(min_length=1, max_length=50, pattern=r"^[a-z][a-z0-9_.-]*$(?!\n)")
]


# -- views ----------------------------------------------------------------------------------


class LinkView(msgspec.Struct, kw_only=True):
    appeal_id: uuid.UUID  # the other appeal
    number: str
    kind: LinkKind
    direction: Literal["outgoing", "incoming"]  # outgoing: this appeal → the other one
    created_at: datetime


class ReplyLimits(msgspec.Struct, kw_only=True):
    """What a reply may hold on the account it would go out on (the member's last message's,
    else the appeal's): its channel type's limits narrowed by the account's settings — an SMS
    account's part limit. The console's reply counter follows it; a longer reply is a 422."""

    channel: str
    channel_account_id: uuid.UUID | None
    max_text_length: int | None = None  # characters (an SMS: in Cyrillic, UCS-2)
    # An SMS account: the most parts a reply takes — GSM 7-bit 160 characters, 153 a part of
    # a longer text; UCS-2 (any Cyrillic letter) 70, then 67.
    sms_segments: int | None = None


class AppealView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    number: str
    organization_id: uuid.UUID
    year: int
    seq: int
    member_id: uuid.UUID
    subject: str
    channel: str
    channel_account_id: uuid.UUID | None
    queue_id: uuid.UUID | None
    assignee_id: uuid.UUID | None
    priority: Priority
    status: Status
    tags: list[str]
    custom: dict[str, Any]
    first_response_due: datetime | None
    resolution_due: datetime | None
    first_responded_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    last_member_message_at: datetime | None
    merged_into_id: uuid.UUID | None
    links: list[LinkView] | None = None  # filled for one appeal; None in lists (not loaded)
    reply: ReplyLimits | None = None  # filled for one appeal: where a reply goes, its limits


class TimelineEntryView(msgspec.Struct, kw_only=True):
    id: int
    appeal_id: uuid.UUID
    member_id: uuid.UUID
    kind: EntryKind
    author_id: uuid.UUID | None
    body: str
    data: dict[str, Any]
    channel: str
    channel_account_id: uuid.UUID | None
    external_id: str | None
    delivery_status: DeliveryStatus | None
    merged_from_id: uuid.UUID | None
    created_at: datetime


class AppealPage(msgspec.Struct, kw_only=True):
    items: list[AppealView]
    next_cursor: str | None  # pass as ``cursor`` for the next page; None on the last page


class TimelinePage(msgspec.Struct, kw_only=True):
    items: list[TimelineEntryView]
    next_cursor: str | None


# -- request bodies ---------------------------------------------------------------------------


class AppealCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    organization_id: uuid.UUID
    member_id: uuid.UUID
    subject: Subject = ""
    channel: ChannelName = "manual"
    channel_account_id: uuid.UUID | None = None
    priority: Priority = "normal"
    tags: Tags = msgspec.field(default_factory=list)
    custom: dict[str, Any] = msgspec.field(default_factory=dict)
    queue_id: uuid.UUID | None = None


class AppealUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    subject: Subject | None = None
    priority: Priority | None = None
    tags: Tags | None = None
    custom: dict[str, Any] | None = None  # replaces the custom fields as a whole


class StatusChange(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    status: Status


class Assignment(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    operator_id: uuid.UUID | None  # None: unassign


class ReplyCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    text: Text
    attachments: Annotated[list[dict[str, Any]], msgspec.Meta(max_length=20)] = msgspec.field(
        default_factory=list
    )


class NoteCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    text: Text
    mentions: Annotated[list[uuid.UUID], msgspec.Meta(max_length=50)] = msgspec.field(
        default_factory=list
    )


class LinkCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    appeal_id: uuid.UUID  # the other appeal


class MergeRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    target_id: uuid.UUID  # this appeal is merged into the target
