"""Violations for the supervisor over a period: a late start, an early finish, a short day
(worked less than planned), a day closed automatically, and an underworked period (the hours
worked against the hours planned over the period, absences excepted) — flexible schedules know
only the last — and their notices, as the organization's policy asks (:mod:`.policy`)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import msgspec

import unionline
from unionline import Actor, Invalid, current
from unionline.plugins.timekeeping import notices, policy, rights, schedules, staff, workday
from unionline.plugins.timekeeping.schemas import (
    OrganizationPolicy,
    TimekeepingSettings,
    Violation,
)


class _Day(msgspec.Struct, kw_only=True):
    operator_id: uuid.UUID
    organization_id: uuid.UUID
    day: date
    started_at: datetime
    ended_at: datetime | None
    planned_start: datetime | None
    planned_end: datetime | None
    auto_closed: bool
    worked_seconds: int
    state: str


_DAY = (
    "operator_id, organization_id, day, started_at, ended_at, planned_start, planned_end,"
    " auto_closed, worked_seconds, state"
)


async def listed(
    actor: Actor, first: date, last: date, organization_id: uuid.UUID | None = None
) -> list[Violation]:
    if last < first or (last - first).days > 92:
        raise Invalid("the period is at most 92 days, last not before first", field="last")
    cards = await staff.in_scope(actor, rights.READ)
    if organization_id is not None:
        within = await rights.filtered(actor, rights.READ, organization_id)
        cards = [c for c in cards if within.allows(c.organization_id)]
    found: list[Violation] = []
    for card in cards:
        found.extend(await _of(card, first, last))
    return found


async def _of(card: staff.StaffRow, first: date, last: date) -> list[Violation]:
    s = await workday.live_settings()
    name = await staff.name_of(card.operator_id)
    planner = await schedules.planner_for(card)
    flexible = planner.schedule.kind == "flexible"
    days = await current().db.fetch_as(
        _Day,
        f"SELECT {_DAY} FROM timekeeping_workday WHERE operator_id = {{}} AND day >= {{}}"
        " AND day <= {} ORDER BY day",
        card.operator_id,
        first,
        last,
    )
    absent = await _absent_days(card.operator_id, first, last)
    out: list[Violation] = []
    worked = 0.0
    for d in days:
        worked += d.worked_seconds / 3600
        if d.state != "finished":
            continue
        out.extend(of_day(card.operator_id, name, d, planner.day(d.day).hours, s, flexible))
    planned_total = 0.0
    day = first
    if card.created_at is not None:  # nothing was planned before time was kept
        day = max(first, card.created_at.astimezone(planner.tz).date())
    today = unionline.now().date()
    while day <= min(last, today):
        if day not in absent:
            planned_total += planner.day(day).hours
        day += timedelta(days=1)
    if flexible:
        weeks = ((min(last, today) - first).days + 1) / 7
        rules = planner.schedule.rules
        planned_total = rules.hours * weeks if rules.period == "week" else planned_total
    if worked + s.early_minutes / 60 < planned_total:
        out.append(
            Violation(
                operator_id=card.operator_id,
                name=name,
                day=None,
                kind="underworked",
                minutes=int((planned_total - worked) * 60),
                detail=f"{worked:.2f} of {planned_total:.2f} h",
            )
        )
    return out


def of_day(
    operator_id: uuid.UUID,
    name: str,
    d: _Day,
    planned: float,
    s: TimekeepingSettings,
    flexible: bool,
) -> list[Violation]:
    """One day's violations: lateness as soon as it started; the rest once it is finished."""
    out: list[Violation] = []
    if d.auto_closed and d.state == "finished":
        out.append(Violation(operator_id=operator_id, name=name, day=d.day, kind="auto_closed"))
    if flexible:
        return out
    if d.planned_start is not None and d.started_at > d.planned_start + timedelta(
        minutes=s.late_minutes
    ):
        minutes = int((d.started_at - d.planned_start).total_seconds() // 60)
        out.append(
            Violation(operator_id=operator_id, name=name, day=d.day, kind="late", minutes=minutes)
        )
    if d.state != "finished":
        return out
    if (
        not d.auto_closed
        and d.planned_end is not None
        and d.ended_at is not None
        and d.ended_at < d.planned_end - timedelta(minutes=s.early_minutes)
    ):
        minutes = int((d.planned_end - d.ended_at).total_seconds() // 60)
        out.append(
            Violation(
                operator_id=operator_id, name=name, day=d.day, kind="early_finish", minutes=minutes
            )
        )
    short = planned * 60 - d.worked_seconds / 60
    if planned and short > s.early_minutes:
        out.append(
            Violation(
                operator_id=operator_id, name=name, day=d.day, kind="short_day", minutes=int(short)
            )
        )
    return out


# -- notices (per the organization's policy, once per violation) ----------------------------


async def notify_day(workday_id: uuid.UUID) -> None:
    """Notify the day's violations as its organization's policy asks (after a start or a
    finish, in its transaction); each violation once (``notices.violation``'s cause)."""
    db = current().db
    d = await db.fetch_one_as(
        _Day, f"SELECT {_DAY} FROM timekeeping_workday WHERE id = {{}}", workday_id
    )
    if d is None:
        return
    view = await policy.effective(d.organization_id)
    kinds = set(view.policy.notify_violations) - {"underworked"}
    if not kinds:
        return
    card = await staff.card(d.operator_id)
    if card is None:
        return
    planner = await schedules.planner_for(card)
    s = await workday.live_settings()
    found = of_day(
        d.operator_id,
        await staff.name_of(d.operator_id),
        d,
        planner.day(d.day).hours,
        s,
        planner.schedule.kind == "flexible",
    )
    for v in found:
        if v.kind in kinds:
            await notices.violation(v, d.organization_id, view.policy)


async def sweep_underworked(today: date) -> int:
    """Once the month is over, notify everyone's underworked previous month (as their
    organization's policy asks) — once: a sweep done is marked, and each notice has its own
    cause besides. How many were notified."""
    last = today.replace(day=1) - timedelta(days=1)
    first = last.replace(day=1)
    key = f"underworked:{first:%Y-%m}"
    db = current().db
    if await db.fetchone("SELECT key FROM timekeeping_sweep WHERE key = {}", key):
        return 0
    cards = await db.fetch_as(staff.StaffRow, f"SELECT {staff.COLUMNS} FROM timekeeping_staff")
    views: dict[uuid.UUID, OrganizationPolicy | None] = {}
    told = 0
    for card in cards:
        if card.organization_id not in views:
            found = (await policy.effective(card.organization_id)).policy
            views[card.organization_id] = (
                found if "underworked" in found.notify_violations else None
            )
        wanted = views[card.organization_id]
        if wanted is None:
            continue
        for v in await _of(card, first, last):
            if v.kind == "underworked":
                await notices.violation(v, card.organization_id, wanted, period=first)
                told += 1
    await db.execute(
        "INSERT INTO timekeeping_sweep (key, done_at) VALUES ({}, {}) ON CONFLICT (key) DO NOTHING",
        key,
        unionline.now(),
    )
    return told


async def _absent_days(operator_id: uuid.UUID, first: date, last: date) -> set[date]:
    rows = await current().db.fetch(
        "SELECT first, last FROM timekeeping_absence WHERE operator_id = {} AND status ="
        " 'approved' AND first <= {} AND last >= {}",
        operator_id,
        last,
        first,
    )
    out: set[date] = set()
    for r in rows:
        d, end = _as_date(r["first"]), _as_date(r["last"])
        while d <= end:
            out.add(d)
            d += timedelta(days=1)
    return out


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
