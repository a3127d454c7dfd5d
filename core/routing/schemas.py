"""Request bodies and views of the routing API (queues, presence, offers, supervisor stats)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

import msgspec

from unionline.text import Text

Name = Annotated[Text, msgspec.Meta(min_length=1, max_length=200)]
Topic = Annotated[Text, msgspec.Meta(max_length=200)]
Skill = Annotated[Text, msgspec.Meta(min_length=1, max_length=100)]
Skills = Annotated[list[Skill], msgspec.Meta(max_length=50)]
# Core strategies have plain names; a plugin's strategy is namespaced ("myplugin.vip").
Strategy = Annotated[
    str, msgspec.Meta(min_length=1, max_length=50, pattern=r"^[a-z][a-z0-9_.-]*$(?!\n)")
]
HHMM = Annotated[str, msgspec.Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$(?!\n)")]
Weekday = Annotated[int, msgspec.Meta(ge=1, le=7)]
Priority = Annotated[int, msgspec.Meta(ge=-1000, le=1000)]
TimeZone = Annotated[Text, msgspec.Meta(max_length=64)]
OfferTimeout = Annotated[int, msgspec.Meta(ge=0, le=3600)]
Minutes = Annotated[int, msgspec.Meta(ge=0, le=10080)]
Status = Literal["online", "away", "offline"]


class QueueCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    organization_id: uuid.UUID
    name: Name
    topic: Topic = ""
    skills: Skills = msgspec.field(default_factory=list)
    priority: Priority = 0
    strategy: Strategy = "least_busy"
    is_default: bool = False
    business_hours: bool = False
    timezone: TimeZone = ""  # empty: the installation's time zone
    work_start: HHMM = "09:00"
    work_end: HHMM = "18:00"
    workdays: Annotated[list[Weekday], msgspec.Meta(min_length=1, max_length=7)] = msgspec.field(
        default_factory=lambda: [1, 2, 3, 4, 5]
    )
    holidays: Annotated[list[date], msgspec.Meta(max_length=400)] = msgspec.field(
        default_factory=list
    )
    offer_timeout: OfferTimeout = 0
    overflow_queue_id: uuid.UUID | None = None
    overflow_after_minutes: Minutes = 0
    requeue_when_offline: bool = False  # unanswered appeals go to someone else when one leaves


class QueueUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Only the fields present change (``overflow_queue_id: null`` removes the overflow)."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    topic: Topic | msgspec.UnsetType = msgspec.UNSET
    skills: Skills | msgspec.UnsetType = msgspec.UNSET
    priority: Priority | msgspec.UnsetType = msgspec.UNSET
    strategy: Strategy | msgspec.UnsetType = msgspec.UNSET
    is_default: bool | msgspec.UnsetType = msgspec.UNSET
    business_hours: bool | msgspec.UnsetType = msgspec.UNSET
    timezone: TimeZone | msgspec.UnsetType = msgspec.UNSET
    work_start: HHMM | msgspec.UnsetType = msgspec.UNSET
    work_end: HHMM | msgspec.UnsetType = msgspec.UNSET
    workdays: (
        Annotated[list[Weekday], msgspec.Meta(min_length=1, max_length=7)] | msgspec.UnsetType
    ) = msgspec.UNSET
    holidays: Annotated[list[date], msgspec.Meta(max_length=400)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    offer_timeout: OfferTimeout | msgspec.UnsetType = msgspec.UNSET
    overflow_queue_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET
    overflow_after_minutes: Minutes | msgspec.UnsetType = msgspec.UNSET
    requeue_when_offline: bool | msgspec.UnsetType = msgspec.UNSET


class QueueFields(msgspec.Struct, kw_only=True):
    """A queue's stored fields (the engine's row and the API view share them)."""

    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    topic: str
    skills: list[str]
    priority: int
    strategy: str
    is_default: bool
    business_hours: bool
    timezone: str
    work_start: str
    work_end: str
    workdays: list[int]
    holidays: list[date]
    offer_timeout: int
    overflow_queue_id: uuid.UUID | None
    overflow_after_minutes: int
    requeue_when_offline: bool


class QueueView(QueueFields, kw_only=True):
    open_now: bool


class PresenceSet(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``status`` is the operator's choice (online or away); ``idle`` is the console's
    auto-away report. An operator with no open console is offline whatever they chose."""

    status: Literal["online", "away"] | None = None
    idle: bool | None = None


class PresenceView(msgspec.Struct, kw_only=True):
    operator_id: uuid.UUID
    name: str
    status: Status
    chosen: str
    idle: bool
    connections: int
    changed_at: float


class OfferView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    appeal_id: uuid.UUID
    operator_id: uuid.UUID
    queue_id: uuid.UUID | None
    state: str
    offered_at: float
    expires_at: float


class TransferRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    queue_id: uuid.UUID


class OperatorLoad(msgspec.Struct, kw_only=True):
    operator_id: uuid.UUID
    name: str
    status: Status
    open_appeals: int
    pending_offers: int
    capacity: int
    load: float  # (open appeals + pending offers) / capacity
    held: str | None = None  # a plugin holds them back from routing (RoutingHold.reason)


class QueueStats(msgspec.Struct, kw_only=True):
    queue_id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    strategy: str
    open_now: bool
    waiting: int
    oldest_wait_seconds: float | None
    average_wait_seconds: float | None  # assigned within the last 24 hours
    assigned_last_day: int


class RoutingStats(msgspec.Struct, kw_only=True):
    operators: list[OperatorLoad]
    queues: list[QueueStats]
    unqueued: int  # unassigned active appeals no queue takes
    at: float
