"""Violations for the supervisor over a period: a late start, an early finish, a short day
(worked less than planned), a day closed automatically, and an underworked period (the hours
worked against the hours planned over the period, absences excepted) — flexible schedules know
only the last."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import msgspec

import unionline
from unionline import Actor, Invalid, current
from unionline.plugins.timekeeping import rights, schedules, staff, workday
from unionline.plugins.timekeeping.schemas import Violation


class _Day(msgspec.Struct, kw_only=True):
    operator_id: uuid.UUID
    day: date
    started_at: datetime
    ended_at: datetime | None
    planned_start: datetime | None
    planned_end: datetime | None
    auto_closed: bool
    worked_seconds: int
    state: str


async def listed(
    actor: Actor, first: date, last: date, organization_id: uuid.UUID | None = None
) -> list[Violation]:
    if last < first or (last - first).days > 92:
        raise Invalid("the period is at most 92 days, last not before first", field="last")
    cards = await staff.in_scope(actor, rights.READ)
    if organization_id is not None:
        await rights.require_in_scope(actor, rights.READ, organization_id)
        inside = await unionline.subtree_ids([organization_id])
        cards = [c for c in cards if c.organization_id in inside]
    found: list[Violation] = []
    for card in cards:
        found.extend(await _of(card, first, last))
    return found


async def _of(card: staff.StaffRow, first: date, last: date) -> list[Violation]:
    s = await workday.live_settings()
    late_after = timedelta(minutes=s.late_minutes)
    early_before = timedelta(minutes=s.early_minutes)
    name = await staff.name_of(card.operator_id)
    planner = await schedules.planner_for(card)
    flexible = planner.schedule.kind == "flexible"
    days = await current().db.fetch_as(
        _Day,
        "SELECT operator_id, day, started_at, ended_at, planned_start, planned_end, auto_closed,"
        " worked_seconds, state FROM timekeeping_workday WHERE operator_id = {} AND day >= {}"
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
        if d.auto_closed:
            out.append(
                Violation(operator_id=card.operator_id, name=name, day=d.day, kind="auto_closed")
            )
        if flexible:
            continue
        if d.planned_start is not None and d.started_at > d.planned_start + late_after:
            minutes = int((d.started_at - d.planned_start).total_seconds() // 60)
            out.append(
                Violation(
                    operator_id=card.operator_id, name=name, day=d.day, kind="late", minutes=minutes
                )
            )
        if (
            not d.auto_closed
            and d.planned_end is not None
            and d.ended_at is not None
            and d.ended_at < d.planned_end - early_before
        ):
            minutes = int((d.planned_end - d.ended_at).total_seconds() // 60)
            out.append(
                Violation(
                    operator_id=card.operator_id,
                    name=name,
                    day=d.day,
                    kind="early_finish",
                    minutes=minutes,
                )
            )
        planned = planner.day(d.day).hours
        short = planned * 60 - d.worked_seconds / 60
        if planned and short > s.early_minutes:
            out.append(
                Violation(
                    operator_id=card.operator_id,
                    name=name,
                    day=d.day,
                    kind="short_day",
                    minutes=int(short),
                )
            )
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
