"""Schedules and what they plan for a date.

* ``fixed`` — business hours (``work_start``–``work_end`` on ``workdays``) over the working-day
  calendar (``unionline.calendar``: the production calendar's holidays, moved days off, working
  Saturdays and pre-holiday days, the organization's overrides);
* ``shifts`` — a ``cycle`` of named shifts and ``off`` days repeating from ``anchor``: 2/2 is
  ``["day", "day", "off", "off"]``, day/night ``["day", "night", "off", "off"]`` with
  ``night`` from 20:00 to 08:00 (a shift ending at or before its start ends the next day); the
  production calendar does not move shifts;
* ``flexible`` — ``hours`` per ``period`` (week or month), no fixed start: only an underworked
  period is a violation.

A person without a schedule of their own follows their organization's default (the nearest
one up the tree), else the ``[calendar]`` business hours as a fixed schedule.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import msgspec

import unionline
from unionline import Actor, Invalid, NotFound, current
from unionline.calendar import BusinessHours, WorkCalendar, calendar_for
from unionline.plugins.timekeeping import rights
from unionline.plugins.timekeeping.schemas import (
    NewSchedule,
    PlannedDay,
    ScheduleKind,
    ScheduleRules,
    ScheduleView,
)
from unionline.plugins.timekeeping.staff import StaffRow, check_zone, zone_of
from unionline.rows import db_value


class ScheduleRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    kind: ScheduleKind
    timezone: str
    rules: ScheduleRules
    is_default: bool


COLUMNS = "id, organization_id, name, kind, timezone, rules, is_default"
BUILT_IN = ScheduleRow(
    id=uuid.UUID(int=0),
    organization_id=uuid.UUID(int=0),
    name="",
    kind="fixed",
    timezone="",
    rules=ScheduleRules(),
    is_default=True,
)


def as_view(row: ScheduleRow) -> ScheduleView:
    return ScheduleView(**msgspec.structs.asdict(row))


def _hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def check_rules(kind: ScheduleKind, rules: ScheduleRules) -> None:
    if kind == "fixed":
        if _hhmm(rules.work_end) <= _hhmm(rules.work_start):
            raise Invalid("work_end must be later than work_start", field="rules.work_end")
        if not rules.workdays:
            raise Invalid("a fixed schedule needs working weekdays", field="rules.workdays")
    if kind == "shifts":
        if rules.anchor is None:
            raise Invalid("a shift schedule needs the date its cycle starts", field="rules.anchor")
        if not rules.cycle or len(rules.cycle) > 62:
            raise Invalid("a shift cycle has 1 to 62 days", field="rules.cycle")
        for name in rules.cycle:
            if name != "off" and name not in rules.shifts:
                raise Invalid(f"the cycle names an unknown shift {name!r}", field="rules.cycle")


async def create(actor: Actor, body: NewSchedule) -> ScheduleView:
    await rights.require_in_scope(actor, rights.MANAGE, body.organization_id)
    check_zone(body.timezone)
    check_rules(body.kind, body.rules)
    schedule_id = uuid.uuid4()
    db = current().db
    async with db.transaction():
        if body.is_default:
            await db.execute(
                "UPDATE timekeeping_schedule SET is_default = {} WHERE organization_id = {}",
                False,
                body.organization_id,
            )
        await db.execute(
            "INSERT INTO timekeeping_schedule (id, organization_id, name, kind, timezone, rules,"
            " is_default, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
            schedule_id,
            body.organization_id,
            unionline.storable(body.name),
            body.kind,
            body.timezone,
            db_value(body.rules),
            body.is_default,
            unionline.now(),
        )
    return as_view(await load(schedule_id))


async def load(schedule_id: uuid.UUID, field: str = "schedule_id") -> ScheduleRow:
    row = await current().db.fetch_one_as(
        ScheduleRow, f"SELECT {COLUMNS} FROM timekeeping_schedule WHERE id = {{}}", schedule_id
    )
    if row is None:
        raise NotFound(f"schedule {schedule_id} does not exist", field=field)
    return row


async def load_visible(
    actor: Actor, schedule_id: uuid.UUID, field: str = "schedule_id"
) -> ScheduleRow:
    """A schedule of the actor's subtree or of an organization above it (inherited); 404."""
    row = await load(schedule_id, field)
    if await rights.may(actor, rights.READ, row.organization_id) or await rights.may(
        actor, rights.USE, row.organization_id
    ):
        return row
    raise NotFound(f"schedule {schedule_id} does not exist", field=field)


async def listed(actor: Actor, organization_id: uuid.UUID) -> list[ScheduleView]:
    """The schedules an organization may use: its own and its ancestors' (none for an
    organization outside the scope or of none at all)."""
    if not (await rights.filtered(actor, rights.READ, organization_id)).allows(organization_id):
        return []
    line = await unionline.organization_ancestors(organization_id)
    ids = list(line)
    marks = ", ".join("{}" for _ in ids)
    rows = await current().db.fetch_as(
        ScheduleRow,
        f"SELECT {COLUMNS} FROM timekeeping_schedule WHERE organization_id IN ({marks})"
        " ORDER BY name, id",
        *ids,
    )
    return [as_view(r) for r in rows]


async def schedule_of(row: StaffRow) -> ScheduleRow | None:
    """The person's schedule, else the nearest default up their organization's line."""
    if row.schedule_id is not None:
        with_own = await current().db.fetch_one_as(
            ScheduleRow,
            f"SELECT {COLUMNS} FROM timekeeping_schedule WHERE id = {{}}",
            row.schedule_id,
        )
        if with_own is not None:
            return with_own
    line = await unionline.organization_ancestors(row.organization_id)
    ids = list(line)
    marks = ", ".join("{}" for _ in ids)
    defaults = await current().db.fetch_as(
        ScheduleRow,
        f"SELECT {COLUMNS} FROM timekeeping_schedule WHERE is_default = {{}}"
        f" AND organization_id IN ({marks})",
        True,
        *ids,
    )
    by_org = {d.organization_id: d for d in defaults}
    for organization_id in reversed(ids):
        if organization_id in by_org:
            return by_org[organization_id]
    return None


class Planner:
    """What one person's schedule plans, day by day (a calendar built once)."""

    def __init__(self, schedule: ScheduleRow, calendar: WorkCalendar) -> None:
        self.schedule = schedule
        self.rules = schedule.rules
        self.calendar = calendar
        self.tz = ZoneInfo(calendar.timezone)

    def day(self, day: date) -> PlannedDay:
        if self.schedule.kind == "shifts":
            return self._shift(day)
        found = self.calendar.day(day)
        if not found.working:
            return PlannedDay(day=day, working=False)
        if self.schedule.kind == "flexible":
            return PlannedDay(day=day, working=True, hours=found.norm_hours)
        start, end = found.periods[0].start, found.periods[-1].end
        return PlannedDay(day=day, working=True, start=start, end=end, hours=found.norm_hours)

    def _shift(self, day: date) -> PlannedDay:
        anchor = self.rules.anchor or day
        name = self.rules.cycle[(day - anchor).days % len(self.rules.cycle)]
        times = self.rules.shifts.get(name)
        if name == "off" or times is None:
            return PlannedDay(day=day, working=False)
        start = datetime.combine(day, _hhmm(times.start), self.tz)
        end_day = day if _hhmm(times.end) > _hhmm(times.start) else day + timedelta(days=1)
        end = datetime.combine(end_day, _hhmm(times.end), self.tz)
        hours = (end - start).total_seconds() / 3600 - self.rules.break_minutes / 60
        return PlannedDay(
            day=day, working=True, start=start, end=end, hours=round(hours, 2), shift=name
        )

    def is_day_off(self, day: date) -> bool:
        """A day off of this person: for shifts their schedule's, else the calendar's."""
        if self.schedule.kind == "shifts":
            return not self._shift(day).working
        return not self.calendar.day(day).working


_CALENDARS = "timekeeping.calendars"


async def planner_for(row: StaffRow) -> Planner:
    schedule = await schedule_of(row) or BUILT_IN
    zone = await zone_of(row, schedule.timezone)
    rules = schedule.rules
    hours = BusinessHours(
        work_start=_hhmm(rules.work_start),
        work_end=_hhmm(rules.work_end),
        workdays=frozenset(rules.workdays)
        if schedule.kind == "fixed"
        else frozenset({1, 2, 3, 4, 5}),
    )
    calendar = await calendar_for(row.organization_id, hours=hours)
    if calendar.timezone != zone:
        calendar = dataclasses.replace(calendar, timezone=zone)
    return Planner(schedule, calendar)


async def plan(row: StaffRow, day: date) -> PlannedDay:
    return (await planner_for(row)).day(day)


async def planner_for_org(organization_id: uuid.UUID) -> Planner:
    """The built-in fixed schedule over the organization's calendar (its month's norm)."""
    calendar = await calendar_for(organization_id)
    return Planner(BUILT_IN, calendar)
