"""Settings, request bodies, views and events of timekeeping (msgspec Structs at every edge)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from unionline import Event, Text

State = Literal["working", "break", "finished"]
Action = Literal["start", "break", "resume", "finish"]
ScheduleKind = Literal["fixed", "shifts", "flexible"]
AbsenceStatus = Literal["requested", "approved", "rejected", "cancelled"]
HHMM = Annotated[str, msgspec.Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$(?!\n)")]
Reason = Annotated[Text, msgspec.Meta(min_length=3, max_length=1000)]


class TimekeepingSettings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``[timekeeping]``."""

    grace_minutes: int = 60  # a day left open is closed this long after its planned end
    max_open_hours: float = 14.0  # a day with no planned end is closed this long after its start
    late_minutes: int = 5  # a start later than this after the plan is late
    early_minutes: int = 5  # a finish earlier than this before the plan is early
    edits_need_approval: bool = True  # an operator's change of a past day waits for the supervisor
    close_every_seconds: float = 300.0  # how often left days are looked for
    routing_follows_workday: bool = True  # hold people with a staff card back outside their day
    notify: bool = True  # notices: a day closed automatically, requests and decisions


# -- the workday --------------------------------------------------------------------------------


class WorkdayAction(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    action: Action


class IntervalView(msgspec.Struct, kw_only=True):
    kind: str
    started_at: datetime
    ended_at: datetime | None


class WorkdayView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    operator_id: uuid.UUID
    organization_id: uuid.UUID
    day: date
    state: State
    started_at: datetime
    ended_at: datetime | None
    planned_start: datetime | None
    planned_end: datetime | None
    auto_closed: bool
    worked_seconds: int  # up to now for an open day
    break_seconds: int
    intervals: list[IntervalView] = msgspec.field(default_factory=list)


class MyDay(msgspec.Struct, kw_only=True):
    """The caller's workday now (None: not started today) and whether they may start one."""

    workday: WorkdayView | None
    absent: str | None = None  # the T-13 code of an approved absence today
    planned_start: datetime | None = None
    planned_end: datetime | None = None


class CorrectionBody(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    started_at: datetime
    ended_at: datetime
    break_minutes: Annotated[int, msgspec.Meta(ge=0, le=24 * 60)] = 0
    reason: Reason


class CorrectionView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    workday_id: uuid.UUID
    operator_id: uuid.UUID
    author_id: uuid.UUID | None
    reason: str
    before: dict[str, object]
    after: dict[str, object]
    status: str
    decided_by: uuid.UUID | None
    created_at: datetime


class Decision(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    approve: bool
    note: Annotated[Text, msgspec.Meta(max_length=1000)] = ""


# -- staff and schedules --------------------------------------------------------------------


class ShiftTimes(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    start: HHMM
    end: HHMM  # not after start: the shift ends the next day (a night shift)


class ScheduleRules(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The kind's fields: ``fixed`` — ``work_start``, ``work_end``, ``workdays`` over the
    production calendar; ``shifts`` — a ``cycle`` of shift names or ``off`` from ``anchor``,
    each named shift's times; ``flexible`` — ``hours`` per ``period``."""

    work_start: HHMM = "09:00"
    work_end: HHMM = "18:00"
    workdays: list[Annotated[int, msgspec.Meta(ge=1, le=7)]] = msgspec.field(
        default_factory=lambda: [1, 2, 3, 4, 5]
    )
    break_minutes: Annotated[int, msgspec.Meta(ge=0, le=240)] = 0
    anchor: date | None = None
    cycle: list[Annotated[str, msgspec.Meta(min_length=1, max_length=20)]] = msgspec.field(
        default_factory=list
    )
    shifts: dict[str, ShiftTimes] = msgspec.field(default_factory=dict)
    hours: Annotated[float, msgspec.Meta(gt=0, le=400)] = 40.0
    period: Literal["week", "month"] = "week"


class NewSchedule(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    organization_id: uuid.UUID
    name: Annotated[Text, msgspec.Meta(min_length=1, max_length=200)]
    kind: ScheduleKind
    timezone: Annotated[str, msgspec.Meta(max_length=64)] = ""
    rules: ScheduleRules = msgspec.field(default_factory=ScheduleRules)
    is_default: bool = False


class ScheduleView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    kind: ScheduleKind
    timezone: str
    rules: ScheduleRules
    is_default: bool


class StaffBody(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    organization_id: uuid.UUID
    schedule_id: uuid.UUID | None = None
    timezone: Annotated[str, msgspec.Meta(max_length=64)] = ""
    personnel_number: Annotated[Text, msgspec.Meta(max_length=40)] = ""
    position: Annotated[Text, msgspec.Meta(max_length=200)] = ""


class StaffView(msgspec.Struct, kw_only=True):
    operator_id: uuid.UUID
    name: str
    organization_id: uuid.UUID
    schedule_id: uuid.UUID | None
    timezone: str  # the zone in effect
    own_timezone: str
    personnel_number: str
    position: str


class PlannedDay(msgspec.Struct, kw_only=True):
    day: date
    working: bool
    start: datetime | None = None
    end: datetime | None = None
    hours: float = 0.0
    shift: str = ""  # the shift's name (shifts), "" otherwise


# -- absences ---------------------------------------------------------------------------------


class NewAbsence(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=4)]
    first: date
    last: date
    operator_id: uuid.UUID | None = None  # None: the caller
    note: Annotated[Text, msgspec.Meta(max_length=1000)] = ""


class AbsenceView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    operator_id: uuid.UUID
    operator_name: str
    organization_id: uuid.UUID
    code: str
    code_name: str
    first: date
    last: date
    status: AbsenceStatus
    note: str


# -- the team now ---------------------------------------------------------------------------


class TeamRow(msgspec.Struct, kw_only=True):
    operator_id: uuid.UUID
    name: str
    organization_id: uuid.UUID
    state: str  # working, break, finished, absent, not_started, day_off
    since: datetime | None = None
    late: bool = False
    absence: str | None = None
    auto_closed: bool = False
    worked_seconds: int = 0


class Violation(msgspec.Struct, kw_only=True):
    operator_id: uuid.UUID
    name: str
    day: date | None
    kind: Literal["late", "early_finish", "short_day", "underworked", "auto_closed"]
    minutes: int = 0  # how late, how early, how short
    detail: str = ""


# -- the organization's own settings -------------------------------------------------------

NoticeKind = Literal["late", "early_finish", "short_day", "underworked"]
PayCode = Annotated[
    str, msgspec.Meta(min_length=1, max_length=12, pattern=r"^[0-9A-Za-zА-Яа-яЁё._-]+$(?!\n)")
]


class OrganizationPolicy(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An organization's own timekeeping settings (its subtree inherits them): which
    violations are notified and to whom, and the pay-type codes of the T-12 payroll part
    (``worked``, ``night``, ``weekend`` or a T-13 absence code → the accountant's code)."""

    notify_violations: list[NoticeKind] = msgspec.field(default_factory=list)
    notify_supervisors: bool = True  # timekeeping.manage over the person's organization
    notify_staffer: bool = False  # the person themselves
    pay_codes: dict[str, PayCode] = msgspec.field(default_factory=dict)


class PolicyView(msgspec.Struct, kw_only=True):
    organization_id: uuid.UUID
    inherited_from: uuid.UUID | None  # the organization whose settings apply; None: defaults
    policy: OrganizationPolicy


# -- events ---------------------------------------------------------------------------------


class WorkdayChanged(Event, tag="timekeeping.workday_changed"):
    """A workday started, went on a break, continued or finished (``auto``: closed by the
    system, left open)."""

    operator_id: uuid.UUID
    workday_id: uuid.UUID
    state: str
    action: str
    auto: bool = False


class AbsenceChanged(Event, tag="timekeeping.absence_changed"):
    operator_id: uuid.UUID
    absence_id: uuid.UUID
    status: str
    code: str


class CorrectionRequested(Event, tag="timekeeping.correction_requested"):
    operator_id: uuid.UUID
    correction_id: uuid.UUID
    workday_id: uuid.UUID
    status: str


EVENTS = (WorkdayChanged, AbsenceChanged, CorrectionRequested)
