"""Absences — vacation, sick leave, business trip, days off — with their T-13 code, requested
by the person and approved by the supervisor (or entered by the supervisor, approved at once),
shown on the team calendar and exported as iCalendar. An approved absence holds the person back
from routing from the first day's start to the last day's end in their time zone: a delayed job
at each edge tells routing (:func:`edge`)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import msgspec

import unionline
from unionline import (
    Actor,
    Conflict,
    Invalid,
    JobContext,
    NotFound,
    current,
    enqueue,
    publish,
    routing_hold_changed,
)
from unionline.plugins.timekeeping import codes, rights, schedules, staff
from unionline.plugins.timekeeping.schemas import (
    AbsenceChanged,
    AbsenceView,
    Decision,
    NewAbsence,
)

EDGE_JOB = "timekeeping.absence_edge"
MAX_DAYS = 366


class AbsenceRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    operator_id: uuid.UUID
    organization_id: uuid.UUID
    code: str
    first: date
    last: date
    starts_at: datetime
    ends_at: datetime
    status: str
    note: str


class AbsenceEdge(msgspec.Struct, frozen=True):
    operator_id: uuid.UUID


COLUMNS = "id, operator_id, organization_id, code, first, last, starts_at, ends_at, status, note"


async def load(absence_id: uuid.UUID) -> AbsenceRow:
    row = await current().db.fetch_one_as(
        AbsenceRow, f"SELECT {COLUMNS} FROM timekeeping_absence WHERE id = {{}}", absence_id
    )
    if row is None:
        raise NotFound(f"absence {absence_id} does not exist", field="absence_id")
    return row


async def as_view(row: AbsenceRow) -> AbsenceView:
    return AbsenceView(
        id=row.id,
        operator_id=row.operator_id,
        operator_name=await staff.name_of(row.operator_id),
        organization_id=row.organization_id,
        code=row.code,
        code_name=codes.BY_LETTER[row.code].name_ru if row.code in codes.BY_LETTER else "",
        first=row.first,
        last=row.last,
        status=row.status,  # type: ignore[arg-type]
        note=row.note,
    )


async def create(actor: Actor, body: NewAbsence) -> AbsenceView:
    """A request of one's own (``timekeeping.use``), or — with ``timekeeping.manage`` over the
    person's organization — an absence entered for anyone, approved at once."""
    if body.code not in codes.ABSENCE_CODES:
        raise Invalid(f"{body.code!r} is not a T-13 absence code", field="code")
    if body.last < body.first:
        raise Invalid("the last day is before the first", field="last")
    if (body.last - body.first).days >= MAX_DAYS:
        raise Invalid("an absence is at most a year long", field="last")
    operator_id = body.operator_id or actor.operator_id
    if operator_id == actor.operator_id:
        actor.require(rights.USE)
        card = await staff.ensure(operator_id)
    else:
        await staff.visible(actor, operator_id, rights.MANAGE)
        card = await staff.ensure(operator_id)  # an absence holds routing only for a card
    approved = await rights.may(actor, rights.MANAGE, card.organization_id)
    planner = await schedules.planner_for(card)
    tz = ZoneInfo(planner.calendar.timezone)
    absence_id = uuid.uuid4()
    db = current().db
    async with db.transaction():
        clash = await db.fetchone(
            "SELECT id FROM timekeeping_absence WHERE operator_id = {} AND status IN"
            " ('requested', 'approved') AND first <= {} AND last >= {}",
            operator_id,
            body.last,
            body.first,
        )
        if clash is not None:
            raise Conflict("another absence covers these days", field="first")
        await db.execute(
            "INSERT INTO timekeeping_absence (id, operator_id, organization_id, code, first, last,"
            " starts_at, ends_at, status, note, requested_by, decided_by, created_at)"
            " VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            absence_id,
            operator_id,
            card.organization_id,
            body.code,
            body.first,
            body.last,
            datetime.combine(body.first, time(0), tz),
            datetime.combine(body.last + timedelta(days=1), time(0), tz),
            "approved" if approved else "requested",
            unionline.storable(body.note),
            actor.operator_id,
            actor.operator_id if approved else None,
            unionline.now(),
        )
        row = await load(absence_id)
        await _changed(row)
        if not approved:
            from unionline.plugins.timekeeping import notices

            await notices.awaiting(
                row.organization_id,
                row.id,
                "Заявка на отсутствие ждёт согласования",
                f"{await staff.name_of(operator_id)}: {row.code},"
                f" {row.first:%d.%m.%Y}–{row.last:%d.%m.%Y}",
            )
    return await as_view(row)


async def decide(actor: Actor, absence_id: uuid.UUID, decision: Decision) -> AbsenceView:
    row = await load(absence_id)
    if not await rights.may(actor, rights.MANAGE, row.organization_id):
        if row.operator_id == actor.operator_id or await rights.may(
            actor, rights.READ, row.organization_id
        ):
            actor.require(rights.MANAGE)  # they see it: 403 names the permission
        raise NotFound(f"absence {absence_id} does not exist", field="absence_id")
    if row.status != "requested":
        raise Conflict(f"the absence is {row.status} already", field="status")
    async with current().db.transaction():
        await current().db.execute(
            "UPDATE timekeeping_absence SET status = {}, decided_by = {} WHERE id = {}"
            " AND status = 'requested'",
            "approved" if decision.approve else "rejected",
            actor.operator_id,
            absence_id,
        )
        row = await load(absence_id)
        await _changed(row)
        from unionline.plugins.timekeeping import notices

        await notices.decided(
            row.operator_id, row.organization_id, f"Отсутствие {row.code}", row.id, decision.approve
        )
    return await as_view(row)


async def cancel(actor: Actor, absence_id: uuid.UUID) -> AbsenceView:
    row = await load(absence_id)
    manager = await rights.may(actor, rights.MANAGE, row.organization_id)
    if row.operator_id != actor.operator_id and not manager:
        raise NotFound(f"absence {absence_id} does not exist", field="absence_id")
    if row.status in ("rejected", "cancelled") or (row.status == "approved" and not manager):
        raise Conflict(f"the absence is {row.status}", field="status")
    async with current().db.transaction():
        await current().db.execute(
            "UPDATE timekeeping_absence SET status = 'cancelled' WHERE id = {}", absence_id
        )
        row = await load(absence_id)
        await _changed(row)
    return await as_view(row)


async def _changed(row: AbsenceRow) -> None:
    await publish(
        AbsenceChanged(
            organization_id=row.organization_id,
            operator_id=row.operator_id,
            absence_id=row.id,
            status=row.status,
            code=row.code,
        )
    )
    now = unionline.now()
    if row.starts_at <= now < row.ends_at:
        await routing_hold_changed(row.operator_id)
    if row.status == "approved":
        for edge_at in (row.starts_at, row.ends_at):
            if edge_at > now:
                await enqueue(
                    EDGE_JOB,
                    AbsenceEdge(row.operator_id),
                    key=f"{EDGE_JOB}:{row.id}:{edge_at.timestamp()}",
                    delay=(edge_at - now).total_seconds(),
                )


async def edge(ctx: JobContext | None, payload: AbsenceEdge) -> None:
    """An absence began or ended: routing reads the hold again."""
    async with current().db.transaction():
        await routing_hold_changed(payload.operator_id)


async def code_at(operator_id: uuid.UUID, at: datetime) -> str | None:
    row = await current().db.fetchone(
        "SELECT code FROM timekeeping_absence WHERE operator_id = {} AND status = 'approved'"
        " AND starts_at <= {} AND ends_at > {} LIMIT 1",
        operator_id,
        at,
        at,
    )
    return str(row["code"]) if row else None


async def listed(
    actor: Actor,
    first: date,
    last: date,
    organization_id: uuid.UUID | None = None,
    operator_id: uuid.UUID | None = None,
) -> list[AbsenceView]:
    """Absences touching ``[first, last]``: one's own, or the team's with ``timekeeping.read``
    (the team calendar), within the actor's subtree."""
    if last < first or (last - first).days > MAX_DAYS:
        raise Invalid("the period is at most a year, last not before first", field="last")
    where = ["first <= {}", "last >= {}", "status IN ('requested', 'approved')"]
    args: list[object] = [last, first]
    if operator_id is not None and operator_id == actor.operator_id and not actor.can(rights.READ):
        where.append("operator_id = {}")
        args.append(operator_id)
    else:
        ids = (await rights.filtered(actor, rights.READ, organization_id)).ids()
        if ids is not None:
            if not ids:
                return []
            where.append(f"organization_id IN ({', '.join('{}' for _ in ids)})")
            args.extend(ids)
        if operator_id is not None:
            where.append("operator_id = {}")
            args.append(operator_id)
    rows = await current().db.fetch_as(
        AbsenceRow,
        f"SELECT {COLUMNS} FROM timekeeping_absence WHERE {' AND '.join(where)}"
        " ORDER BY first, operator_id",
        *args,
    )
    return [await as_view(r) for r in rows]


def ical(views: list[AbsenceView], calendar_name: str = "Отсутствия") -> bytes:
    """The absences as an iCalendar feed (all-day events; approved ones CONFIRMED)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Unionline//timekeeping//RU")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", calendar_name)
    stamp = unionline.now()
    for v in views:
        event = Event()
        event.add("uid", f"{v.id}@unionline-timekeeping")
        event.add("summary", f"{v.operator_name}: {v.code} — {v.code_name}")
        event.add("dtstart", v.first)
        event.add("dtend", v.last + timedelta(days=1))
        event.add("dtstamp", stamp)
        event.add("status", "CONFIRMED" if v.status == "approved" else "TENTATIVE")
        event.add("categories", [v.code])
        cal.add_component(event)
    return cal.to_ical()
