"""Who is where right now, for the supervisor: working, on a break, finished, absent, not yet
started (late when past the planned start), with the day's hours so far. Three statements for
the whole team (cards, their open or today's days with the running stretch, absences now);
calendars are built once per organization, schedule and zone."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec

import unionline
from unionline import Actor, current
from unionline.plugins.timekeeping import rights, sheet, staff, workday
from unionline.plugins.timekeeping.schemas import PlannedDay, TeamRow


class _Day(msgspec.Struct, kw_only=True):
    operator_id: uuid.UUID
    day: date
    state: str
    started_at: datetime
    ended_at: datetime | None
    planned_start: datetime | None
    auto_closed: bool
    close_after: datetime
    worked_seconds: int
    running_kind: str | None
    running_since: datetime | None


class _Away(msgspec.Struct):
    operator_id: uuid.UUID
    code: str


async def now_view(actor: Actor, organization_id: uuid.UUID | None = None) -> list[TeamRow]:
    cards = await staff.in_scope(actor, rights.READ)
    if organization_id is not None:
        within = await rights.filtered(actor, rights.READ, organization_id)
        cards = [c for c in cards if within.allows(c.organization_id)]
    if not cards:
        return []
    at = unionline.now()
    late_after = timedelta(minutes=(await workday.live_settings()).late_minutes)
    days, away = await _read(at)
    names = await sheet.names_of([c.operator_id for c in cards])
    planners = sheet.Planners()
    rows = []
    for card in cards:
        planner = await planners.get(card)
        local = at.astimezone(ZoneInfo(planner.calendar.timezone)).date()
        rows.append(
            _row(card, names.get(card.operator_id, ""), days.get(card.operator_id), local,
                 planner.day(local), away.get(card.operator_id), at, late_after)
        )  # fmt: skip
    rows.sort(key=lambda r: r.name.lower())
    return rows


async def _read(at: datetime) -> tuple[dict[uuid.UUID, list[_Day]], dict[uuid.UUID, str]]:
    """Days still open or started within the last two days, with their running stretch; the
    absences in force now."""
    db = current().db
    found = await db.fetch_as(
        _Day,
        "SELECT w.operator_id, w.day, w.state, w.started_at, w.ended_at, w.planned_start,"
        " w.auto_closed, w.close_after, w.worked_seconds, i.kind AS running_kind,"
        " i.started_at AS running_since"
        " FROM timekeeping_workday w LEFT JOIN timekeeping_interval i"
        "  ON i.workday_id = w.id AND i.ended_at IS NULL"
        " WHERE w.state != 'finished' OR w.started_at >= {}",
        at - timedelta(days=2),
    )
    days: dict[uuid.UUID, list[_Day]] = {}
    for d in found:
        days.setdefault(d.operator_id, []).append(d)
    away = await db.fetch_as(
        _Away,
        "SELECT operator_id, code FROM timekeeping_absence WHERE status = 'approved'"
        " AND starts_at <= {} AND ends_at > {}",
        at,
        at,
    )
    return days, {a.operator_id: a.code for a in away}


def _row(
    card: staff.StaffRow,
    name: str,
    days: list[_Day] | None,
    local: date,
    plan: PlannedDay,
    absent: str | None,
    at: datetime,
    late_after: timedelta,
) -> TeamRow:
    base = TeamRow(
        operator_id=card.operator_id, name=name, organization_id=card.organization_id, state=""
    )
    mine = days or []
    row = next((d for d in mine if d.state != "finished"), None) or next(
        (d for d in mine if d.day == local), None
    )
    if row is None:
        if absent is not None:
            return msgspec.structs.replace(base, state="absent", absence=absent)
        if not plan.working:
            return msgspec.structs.replace(base, state="day_off")
        late = plan.start is not None and at > plan.start + late_after
        return msgspec.structs.replace(base, state="not_started", late=late)
    if row.state != "finished" and row.close_after <= at:  # left open: the chore closes it soon
        row = msgspec.structs.replace(row, state="finished", auto_closed=True, running_kind=None)
    worked = row.worked_seconds
    if row.running_kind == "work" and row.running_since is not None:
        worked += max(0, int((at - row.running_since).total_seconds()))
    since = row.running_since or row.started_at
    if row.state == "finished":
        since = row.ended_at or since
    late = row.planned_start is not None and row.started_at > row.planned_start + late_after
    return msgspec.structs.replace(
        base,
        state=row.state,
        since=since,
        late=late,
        auto_closed=row.auto_closed,
        worked_seconds=worked,
        absence=absent,
    )
