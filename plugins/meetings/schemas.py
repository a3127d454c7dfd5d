"""Bodies, views and events of the meetings API (msgspec: a bad field is a 422 naming it)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

from unionline import Event, Text

Title = Annotated[Text, msgspec.Meta(min_length=1, max_length=300)]
Minutes = Annotated[int, msgspec.Meta(ge=5, le=24 * 60)]
People = Annotated[list[uuid.UUID], msgspec.Meta(max_length=100)]


class MeetingCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    organization_id: uuid.UUID
    title: Title
    starts_at: datetime
    duration_minutes: Minutes | None = None  # None: the settings' default
    operator_ids: People = msgspec.field(default_factory=list)  # besides the organizer
    member_ids: People = msgspec.field(default_factory=list)
    appeal_id: uuid.UUID | None = None
    task_id: uuid.UUID | None = None
    document_id: uuid.UUID | None = None
    provider: Annotated[str, msgspec.Meta(max_length=50)] | None = None


class InstantMeeting(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """«Видеозвонок» on an appeal: a meeting now with the appeal's member."""

    appeal_id: uuid.UUID
    title: Title | None = None
    duration_minutes: Minutes | None = None


class MeetingUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    title: Title | None = None
    starts_at: datetime | None = None
    duration_minutes: Minutes | None = None


class ParticipantView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    operator_id: uuid.UUID | None
    member_id: uuid.UUID | None
    name: str
    role: str  # moderator, guest
    channel: str  # where their link went: "appeal", "email", "" (nowhere yet)
    joined_at: datetime | None


class MeetingView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    title: str
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int
    organizer_id: uuid.UUID | None
    provider: str
    status: str
    sequence: int
    instant: bool
    appeal_id: uuid.UUID | None
    task_id: uuid.UUID | None
    document_id: uuid.UUID | None
    participants: list[ParticipantView]
    join_url: str | None = None  # the reader's own link, when they take part


class JoinLink(msgspec.Struct, kw_only=True):
    url: str
    moderator: bool
    expires_at: datetime


class CalendarEntry(msgspec.Struct, kw_only=True):
    kind: str  # meeting, or a source's kind (task_deadline, absence …)
    source: str  # meetings, tasks, …
    id: str
    title: str
    organization_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime | None
    operator_ids: list[uuid.UUID]
    busy: bool
    href: str
    status: str = ""


class BusyInterval(msgspec.Struct, kw_only=True):
    starts_at: datetime
    ends_at: datetime
    title: str


class OperatorBusy(msgspec.Struct, kw_only=True):
    operator_id: uuid.UUID
    busy: list[BusyInterval]


class ProviderView(msgspec.Struct, kw_only=True):
    name: str
    title_ru: str
    title_en: str
    default: bool


# -- events (robots' triggers) -----------------------------------------------------------------


class MeetingEvent(Event, kw_only=True, tag="meetings.event"):
    """Base of the meetings' events. The meeting's title travels as ``subject``: a member's
    erasure scrubs it from the event log like an appeal's subject."""

    meeting_id: uuid.UUID
    subject: str
    starts_at: datetime
    appeal_id: uuid.UUID | None = None
    member_id: uuid.UUID | None = None


class MeetingScheduled(MeetingEvent, kw_only=True, tag="meetings.scheduled"):
    instant: bool = False


class MeetingChanged(MeetingEvent, kw_only=True, tag="meetings.changed"):
    fields: list[str]


class MeetingCancelled(MeetingEvent, kw_only=True, tag="meetings.cancelled"):
    pass


class MeetingStarted(MeetingEvent, kw_only=True, tag="meetings.started"):
    pass


class MeetingEnded(MeetingEvent, kw_only=True, tag="meetings.ended"):
    pass


class MemberAbsent(MeetingEvent, kw_only=True, tag="meetings.member_absent"):
    """The platform reports the member was not in the room ``absent_after_minutes`` after the
    start (only platforms that tell who is in: BigBlueButton)."""


EVENTS = (
    MeetingScheduled,
    MeetingChanged,
    MeetingCancelled,
    MeetingStarted,
    MeetingEnded,
    MemberAbsent,
)
