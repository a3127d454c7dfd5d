"""The timekeeping plugin's tables. Cross-domain ids (operators, organizations) are plain
UUIDs; a composite uniqueness is one ``key`` column (piccolo has no composite constraint)."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    UUID,
    Boolean,
    Date,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class Schedule(Table, tablename="timekeeping_schedule"):
    """A work schedule of an organization: fixed (5/2), shifts (2/2 day/night) or flexible."""

    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)
    name = Varchar(length=200)
    kind = Varchar(length=20)  # fixed, shifts, flexible
    timezone = Varchar(length=64, default="")  # "": the organization's
    rules = JSON(default={})  # the kind's own fields (schemas.ScheduleRules)
    is_default = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class Staff(Table, tablename="timekeeping_staff"):
    """A person whose time is kept: their organization, schedule and own time zone."""

    operator_id = UUID(primary_key=True)
    organization_id = UUID(index=True)
    schedule_id = UUID(null=True, default=None, index=True)
    timezone = Varchar(length=64, default="")  # "": the schedule's, else the organization's
    personnel_number = Varchar(length=40, default="")
    position = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Workday(Table, tablename="timekeeping_workday"):
    """One workday of a person, on the local date it started (a night shift stays one day)."""

    id = UUID(primary_key=True, default=UUID4())
    operator_id = UUID(index=True)
    organization_id = UUID(index=True)
    day = Date(index=True)
    key = Varchar(length=60, unique=True)  # operator:day
    # One open day per person: the operator id while working or on a break, else the day's id.
    open_key = Varchar(length=40, unique=True)
    state = Varchar(length=20)  # working, break, finished
    started_at = Timestamptz()
    ended_at = Timestamptz(null=True, default=None)
    planned_start = Timestamptz(null=True, default=None)
    planned_end = Timestamptz(null=True, default=None)
    close_after = Timestamptz(index=True)  # left open, it is closed automatically after this
    auto_closed = Boolean(default=False)
    worked_seconds = Integer(default=0)  # of closed work intervals
    break_seconds = Integer(default=0)
    updated_at = Timestamptz(default=TimestamptzNow())


class Interval(Table, tablename="timekeeping_interval"):
    """A stretch of work or break within a workday."""

    id = UUID(primary_key=True, default=UUID4())
    workday_id = UUID(index=True)
    operator_id = UUID(index=True)
    kind = Varchar(length=10)  # work, break
    started_at = Timestamptz()
    ended_at = Timestamptz(null=True, default=None)


class Correction(Table, tablename="timekeeping_correction"):
    """A change to a past workday: who asked, why, before and after; applied or awaiting the
    supervisor's approval (per setting)."""

    id = UUID(primary_key=True, default=UUID4())
    workday_id = UUID(index=True)
    operator_id = UUID(index=True)
    organization_id = UUID(index=True)
    author_id = UUID(null=True, default=None)
    reason = Text()
    before = JSON(default={})
    after = JSON(default={})
    status = Varchar(length=20)  # pending, applied, rejected
    decided_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    decided_at = Timestamptz(null=True, default=None)


class Absence(Table, tablename="timekeeping_absence"):
    """A vacation, sick leave, business trip or day off with its T-13 code, from ``first`` to
    ``last`` (local dates, inclusive); ``starts_at``/``ends_at`` are those days' bounds in the
    person's time zone, for routing."""

    id = UUID(primary_key=True, default=UUID4())
    operator_id = UUID(index=True)
    organization_id = UUID(index=True)
    code = Varchar(length=4)
    first = Date()
    last = Date()
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz(index=True)
    status = Varchar(length=20)  # requested, approved, rejected, cancelled
    note = Text(default="")
    requested_by = UUID(null=True, default=None)
    decided_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Policy(Table, tablename="timekeeping_policy"):
    """An organization's own settings (``schemas.OrganizationPolicy``); its subtree inherits
    the nearest one up the tree."""

    organization_id = UUID(primary_key=True)
    data = JSON(default={})
    updated_by = UUID(null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())


class Sweep(Table, tablename="timekeeping_sweep"):
    """A periodic check done once (``underworked:2026-11``): its notices are not looked for
    again."""

    key = Varchar(length=60, primary_key=True)
    done_at = Timestamptz(default=TimestamptzNow())


TABLES = (Schedule, Staff, Workday, Interval, Correction, Absence, Policy, Sweep)
