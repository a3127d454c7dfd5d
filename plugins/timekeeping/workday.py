"""The workday: start, break, continue, finish — and closing a day left open.

A day belongs to the local date it started on (a night shift stays one day). One day per
person is open at a time (``open_key``); a start while yesterday's day is still open and past
its planned end plus the grace period first closes that day **at its planned end**, flagged
«закрыт автоматически» — so a forgotten finish never turns into the next morning's start, also
when the server was down for longer than a day: closing needs no job to have run on time. The
periodic job :data:`CLOSER` closes such days for everyone meanwhile.

Every change publishes ``timekeeping.workday_changed`` and calls ``routing_hold_changed``:
routing holds back whoever is not working (see :mod:`.holds`).
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec

import unionline
from unionline import (
    Conflict,
    PeriodicJob,
    current,
    publish,
    read_settings,
    routing_hold_changed,
)
from unionline.plugins.timekeeping import schedules, staff
from unionline.plugins.timekeeping.schemas import (
    Action,
    TimekeepingSettings,
    WorkdayChanged,
)


def settings() -> TimekeepingSettings:
    """The config file's ``[timekeeping]`` (what needs a restart: the chore's period)."""
    return current().settings.section("timekeeping", TimekeepingSettings)


_CACHE = "timekeeping.settings"


async def live_settings() -> TimekeepingSettings:
    """The settings as an administrator last saved them («Администрирование → Настройки»), over
    the config file's; read at most every two seconds per process (routing asks often)."""
    state = current().state
    cached = state.get(_CACHE)
    if cached is not None and time.monotonic() - cached[0] < 2.0:
        return cached[1]
    found = await read_settings(TimekeepingSettings)
    state[_CACHE] = (time.monotonic(), found)
    return found


class WorkdayRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    operator_id: uuid.UUID
    organization_id: uuid.UUID
    day: object  # date (decoded by the view)
    state: str
    started_at: datetime
    ended_at: datetime | None
    planned_start: datetime | None
    planned_end: datetime | None
    close_after: datetime
    auto_closed: bool
    worked_seconds: int
    break_seconds: int


class IntervalRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    workday_id: uuid.UUID
    kind: str
    started_at: datetime
    ended_at: datetime | None


COLUMNS = (
    "id, operator_id, organization_id, day, state, started_at, ended_at, planned_start,"
    " planned_end, close_after, auto_closed, worked_seconds, break_seconds"
)


async def load(workday_id: uuid.UUID) -> WorkdayRow | None:
    return await current().db.fetch_one_as(
        WorkdayRow, f"SELECT {COLUMNS} FROM timekeeping_workday WHERE id = {{}}", workday_id
    )


async def open_day(operator_id: uuid.UUID) -> WorkdayRow | None:
    return await current().db.fetch_one_as(
        WorkdayRow,
        f"SELECT {COLUMNS} FROM timekeeping_workday WHERE open_key = {{}}",
        str(operator_id),
    )


async def intervals(workday_id: uuid.UUID) -> list[IntervalRow]:
    return await current().db.fetch_as(
        IntervalRow,
        "SELECT id, workday_id, kind, started_at, ended_at FROM timekeeping_interval"
        " WHERE workday_id = {} ORDER BY started_at, id",
        workday_id,
    )


def seconds_between(a: datetime, b: datetime) -> int:
    return max(0, int((b - a).total_seconds()))


# -- closing days left open ----------------------------------------------------------------


def auto_end(row: WorkdayRow, s: TimekeepingSettings) -> datetime:
    """When a day left open is taken to have ended: its planned end, else its start plus
    ``max_open_hours`` (a day started after its planned end, or with none)."""
    if row.planned_end is not None and row.planned_end > row.started_at:
        return row.planned_end
    return row.started_at + timedelta(hours=s.max_open_hours)


async def _close_running(row: WorkdayRow, end: datetime) -> tuple[int, int]:
    """End the running interval at ``end`` (not before it began); the seconds it adds."""
    worked = rested = 0
    for part in await intervals(row.id):
        if part.ended_at is None:
            stop = max(end, part.started_at)
            await current().db.execute(
                "UPDATE timekeeping_interval SET ended_at = {} WHERE id = {}", stop, part.id
            )
            if part.kind == "work":
                worked += seconds_between(part.started_at, stop)
            else:
                rested += seconds_between(part.started_at, stop)
    return worked, rested


async def _finish(row: WorkdayRow, end: datetime, *, auto: bool) -> None:
    worked, rested = await _close_running(row, end)
    end = max(end, row.started_at)
    await current().db.execute(
        "UPDATE timekeeping_workday SET state = 'finished', ended_at = {}, open_key = {},"
        " auto_closed = {}, worked_seconds = worked_seconds + {},"
        " break_seconds = break_seconds + {}, updated_at = {} WHERE id = {}",
        end,
        str(row.id),
        auto or row.auto_closed,
        worked,
        rested,
        unionline.now(),
        row.id,
    )
    await _changed(row, "finished", "auto_close" if auto else "finish", auto=auto)
    await _violations(row.id)


async def _violations(workday_id: uuid.UUID) -> None:
    from unionline.plugins.timekeeping.violations import notify_day

    await notify_day(workday_id)


async def _changed(row: WorkdayRow, state: str, action: str, *, auto: bool = False) -> None:
    await publish(
        WorkdayChanged(
            organization_id=row.organization_id,
            operator_id=row.operator_id,
            workday_id=row.id,
            state=state,
            action=action,
            auto=auto,
        )
    )
    await routing_hold_changed(row.operator_id)


async def close_left(at: datetime, operator_id: uuid.UUID | None = None, limit: int = 500) -> int:
    """Close the days left open past their planned end plus the grace period (inside a
    transaction); how many were closed."""
    who = " AND operator_id = {}" if operator_id is not None else ""
    args: list[object] = [at] + ([operator_id] if operator_id is not None else [])
    rows = await current().db.fetch_as(
        WorkdayRow,
        f"SELECT {COLUMNS} FROM timekeeping_workday WHERE state != 'finished'"
        f" AND close_after <= {{}}{who} ORDER BY close_after LIMIT {int(limit)}",
        *args,
    )
    s = await live_settings()
    for found in rows:
        await staff.lock(found.operator_id)  # the same lock as the person's own actions
        row = await load(found.id)
        if row is None or row.state == "finished" or row.close_after > at:
            continue  # finished or continued meanwhile
        end = auto_end(row, s)
        await _finish(row, end, auto=True)
        await _tell_closed(row, end)
    return len(rows)


async def _tell_closed(row: WorkdayRow, end: datetime) -> None:
    from datetime import date

    from unionline.plugins.timekeeping import notices

    card = await staff.card(row.operator_id)
    zone = (await schedules.planner_for(card)).calendar.timezone if card else "UTC"
    assert isinstance(row.day, date)
    await notices.day_closed(row.operator_id, row.organization_id, row.day, end, zone)


async def close_all() -> None:
    """The periodic chore: close every day left open, in batches; once a month is over, tell
    of the underworked ones (``violations.sweep_underworked``, once per month)."""
    from unionline.plugins.timekeeping.violations import sweep_underworked

    while True:
        async with current().db.transaction():
            if await close_left(unionline.now()) < 500:
                break
    async with current().db.transaction():
        await sweep_underworked(unionline.now().date())


CLOSER = PeriodicJob(
    "timekeeping.close_left", close_all, every=lambda: settings().close_every_seconds
)


# -- the day's actions -----------------------------------------------------------------------


async def perform(operator_id: uuid.UUID, action: Action, at: datetime | None = None) -> WorkdayRow:
    at = at or unionline.now()
    async with current().db.transaction():
        card = await staff.ensure(operator_id)
        await staff.lock(operator_id)  # a double click, two tabs, the chore: one at a time
        await close_left(at, operator_id)
        row = await open_day(operator_id)
        if action == "start":
            return await _start(card, row, at)
        if row is None:
            raise Conflict(
                "the workday has not started", field="action", extra={"state": "finished"}
            )
        if action == "break":
            return await _switch(row, "working", "break", at)
        if action == "resume":
            return await _switch(row, "break", "working", at)
        await _finish(row, at, auto=False)
        done = await load(row.id)
        assert done is not None
        return done


async def _start(card: staff.StaffRow, row: WorkdayRow | None, at: datetime) -> WorkdayRow:
    if row is not None:
        raise Conflict(
            "the workday has already started", field="action", extra={"state": row.state}
        )
    planner = await schedules.planner_for(card)
    local = at.astimezone(ZoneInfo(planner.calendar.timezone)).date()
    db = current().db
    same = await db.fetch_one_as(
        WorkdayRow,
        f"SELECT {COLUMNS} FROM timekeeping_workday WHERE key = {{}}",
        f"{card.operator_id}:{local.isoformat()}",
    )
    if same is not None:  # finished earlier today: the same day goes on
        day_id = same.id
        await db.execute(
            "UPDATE timekeeping_workday SET state = 'working', ended_at = NULL, open_key = {},"
            " close_after = {}, updated_at = {} WHERE id = {}",
            str(card.operator_id),
            _close_after(same.planned_end, at, await live_settings()),
            at,
            day_id,
        )
    else:
        plan = planner.day(local)
        day_id = uuid.uuid4()
        await db.execute(
            "INSERT INTO timekeeping_workday (id, operator_id, organization_id, day, key, open_key,"
            " state, started_at, ended_at, planned_start, planned_end, close_after, auto_closed,"
            " worked_seconds, break_seconds, updated_at) VALUES ({}, {}, {}, {}, {}, {},"
            " 'working', {}, NULL, {}, {}, {}, {}, 0, 0, {})",
            day_id,
            card.operator_id,
            card.organization_id,
            local,
            f"{card.operator_id}:{local.isoformat()}",
            str(card.operator_id),
            at,
            plan.start,
            plan.end,
            _close_after(plan.end, at, await live_settings()),
            False,
            at,
        )
    await _open_interval(day_id, card.operator_id, "work", at)
    started = await load(day_id)
    assert started is not None
    await _changed(started, "working", "start")
    await _violations(day_id)
    return started


def _close_after(planned_end: datetime | None, at: datetime, s: TimekeepingSettings) -> datetime:
    if planned_end is not None and planned_end > at:
        return planned_end + timedelta(minutes=s.grace_minutes)
    return at + timedelta(hours=s.max_open_hours) + timedelta(minutes=s.grace_minutes)


async def _open_interval(
    workday_id: uuid.UUID, operator_id: uuid.UUID, kind: str, at: datetime
) -> None:
    await current().db.execute(
        "INSERT INTO timekeeping_interval (id, workday_id, operator_id, kind, started_at, ended_at)"
        " VALUES ({}, {}, {}, {}, {}, NULL)",
        uuid.uuid4(),
        workday_id,
        operator_id,
        kind,
        at,
    )


async def _switch(row: WorkdayRow, expected: str, new: str, at: datetime) -> WorkdayRow:
    if row.state != expected:
        raise Conflict(
            "on a break already" if new == "break" else "not on a break",
            field="action",
            extra={"state": row.state},
        )
    worked, rested = await _close_running(row, at)
    await current().db.execute(
        "UPDATE timekeeping_workday SET state = {}, worked_seconds = worked_seconds + {},"
        " break_seconds = break_seconds + {}, updated_at = {} WHERE id = {}",
        new,
        worked,
        rested,
        at,
        row.id,
    )
    await _open_interval(row.id, row.operator_id, "work" if new == "working" else "break", at)
    await _changed(row, new, "break" if new == "break" else "resume")
    changed = await load(row.id)
    assert changed is not None
    return changed
