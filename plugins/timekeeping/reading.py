"""Reading workdays: a day as the API shows it (the running stretch counted up to now), the
caller's day with today's plan and absence, a person's days over a period; and the caller's
own action (``act``), answered with their day."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import unionline
from unionline import Actor, Invalid, current
from unionline.plugins.timekeeping import rights, schedules, staff
from unionline.plugins.timekeeping.schemas import Action, IntervalView, MyDay, WorkdayView
from unionline.plugins.timekeeping.workday import (
    COLUMNS,
    WorkdayRow,
    intervals,
    open_day,
    perform,
    seconds_between,
)


async def act(actor: Actor, action: Action) -> MyDay:
    """The caller's own workday action (``timekeeping.use``)."""
    actor.require(rights.USE)
    await perform(actor.operator_id, action)
    return await my_day(actor.operator_id)


async def view(row: WorkdayRow, at: datetime | None = None) -> WorkdayView:
    parts = await intervals(row.id)
    worked, rested = row.worked_seconds, row.break_seconds
    at = at or unionline.now()
    for part in parts:
        if part.ended_at is None:  # the running interval counts up to now
            if part.kind == "work":
                worked += seconds_between(part.started_at, at)
            else:
                rested += seconds_between(part.started_at, at)
    return WorkdayView(
        id=row.id,
        operator_id=row.operator_id,
        organization_id=row.organization_id,
        day=row.day,  # type: ignore[arg-type]
        state=row.state,  # type: ignore[arg-type]
        started_at=row.started_at,
        ended_at=row.ended_at,
        planned_start=row.planned_start,
        planned_end=row.planned_end,
        auto_closed=row.auto_closed,
        worked_seconds=worked,
        break_seconds=rested,
        intervals=[
            IntervalView(kind=p.kind, started_at=p.started_at, ended_at=p.ended_at) for p in parts
        ],
    )


async def my_day(operator_id: uuid.UUID) -> MyDay:
    """The person's open day, else today's; today's plan and absence."""
    from unionline.plugins.timekeeping import absences

    at = unionline.now()
    card = await staff.card(operator_id) or await staff.provisional(operator_id)
    planner = await schedules.planner_for(card)
    local = at.astimezone(ZoneInfo(planner.calendar.timezone)).date()
    row = await open_day(operator_id) or await current().db.fetch_one_as(
        WorkdayRow,
        f"SELECT {COLUMNS} FROM timekeeping_workday WHERE key = {{}}",
        f"{operator_id}:{local.isoformat()}",
    )
    plan = planner.day(local)
    return MyDay(
        workday=await view(row, at) if row is not None else None,
        absent=await absences.code_at(operator_id, at),
        planned_start=plan.start,
        planned_end=plan.end,
    )


async def listed(
    actor: Actor, first: date, last: date, operator_id: uuid.UUID | None = None
) -> list[WorkdayView]:
    """Workdays of ``[first, last]``: one's own, or someone's of the actor's subtree
    (``timekeeping.read``); at most 92 days."""
    if last < first or (last - first).days > 92:
        raise Invalid("the period is at most 92 days, last not before first", field="last")
    who = operator_id or actor.operator_id
    if who == actor.operator_id:
        actor.require(rights.USE)
    else:
        await staff.visible(actor, who)
    rows = await current().db.fetch_as(
        WorkdayRow,
        f"SELECT {COLUMNS} FROM timekeeping_workday WHERE operator_id = {{}} AND day >= {{}}"
        " AND day <= {} ORDER BY day",
        who,
        first,
        last,
    )
    at = unionline.now()
    return [await view(r, at) for r in rows]
