"""Who timekeeping keeps: a staff card per person (organization, schedule, own time zone),
made on their first workday or by the supervisor. Routing follows the workday of people with a
card only, so enabling the plugin holds nobody back until they start keeping time."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec

import unionline
from unionline import Actor, Invalid, NotFound, current
from unionline.calendar import timezone_for
from unionline.plugins.timekeeping import rights
from unionline.plugins.timekeeping.schemas import StaffBody, StaffView
from unionline.rows import IdRow


class StaffRow(msgspec.Struct, kw_only=True):
    operator_id: uuid.UUID
    organization_id: uuid.UUID
    schedule_id: uuid.UUID | None
    timezone: str
    personnel_number: str
    position: str
    created_at: datetime | None = None


COLUMNS = (
    "operator_id, organization_id, schedule_id, timezone, personnel_number, position, created_at"
)


async def card(operator_id: uuid.UUID) -> StaffRow | None:
    return await current().db.fetch_one_as(
        StaffRow, f"SELECT {COLUMNS} FROM timekeeping_staff WHERE operator_id = {{}}", operator_id
    )


async def home_organization(operator_id: uuid.UUID) -> uuid.UUID:
    """The organization of the person's first grant over one, else the federation's root."""
    actor = await unionline.actor_for(operator_id)
    for grant in actor.grants if actor else ():
        if grant.organization_id is not None:
            return grant.organization_id
    row = await current().db.fetch_one_as(
        IdRow,
        "SELECT id FROM organization_organization WHERE parent_id IS NULL ORDER BY created_at"
        " LIMIT 1",
    )
    if row is None:
        raise Invalid("there is no organization to keep time in", field="organization_id")
    return row.id


async def provisional(operator_id: uuid.UUID) -> StaffRow:
    """The card a person would get, not stored (looking at one's day makes no card)."""
    return StaffRow(
        operator_id=operator_id,
        organization_id=await home_organization(operator_id),
        schedule_id=None,
        timezone="",
        personnel_number="",
        position="",
    )


async def ensure(operator_id: uuid.UUID) -> StaffRow:
    """The person's card, made from their home organization when they have none."""
    found = await card(operator_id)
    if found is not None:
        return found
    organization_id = await home_organization(operator_id)
    await current().db.execute(
        "INSERT INTO timekeeping_staff (operator_id, organization_id, schedule_id, timezone,"
        " personnel_number, position, created_at) VALUES ({}, {}, NULL, '', '', '', {})"
        " ON CONFLICT (operator_id) DO NOTHING",
        operator_id,
        organization_id,
        unionline.now(),
    )
    made = await card(operator_id)
    assert made is not None
    return made


async def lock(operator_id: uuid.UUID) -> None:
    """Hold the person's card until the transaction ends: one workday change at a time per
    person across processes (PostgreSQL; SQLite has a single writer)."""
    if current().db.is_postgres:
        await current().db.execute(
            "SELECT operator_id FROM timekeeping_staff WHERE operator_id = {} FOR UPDATE",
            operator_id,
        )


async def zone_of(row: StaffRow, schedule_zone: str = "") -> str:
    """The person's own zone, else their schedule's, else their organization's."""
    return row.timezone or schedule_zone or await timezone_for(row.organization_id)


def check_zone(zone: str, field: str = "timezone") -> None:
    if not zone:
        return
    try:
        ZoneInfo(zone)
    except (KeyError, ValueError, OSError) as exc:
        raise Invalid(f"unknown time zone {zone!r}", field=field) from exc


async def name_of(operator_id: uuid.UUID) -> str:
    row = await current().db.fetchone(
        "SELECT name, login FROM operator_operator WHERE id = {}", operator_id
    )
    if row is None:
        return ""
    return str(row["name"] or row["login"])


async def view(row: StaffRow) -> StaffView:
    from unionline.plugins.timekeeping import schedules

    schedule = await schedules.schedule_of(row)
    return StaffView(
        operator_id=row.operator_id,
        name=await name_of(row.operator_id),
        organization_id=row.organization_id,
        schedule_id=row.schedule_id,
        timezone=await zone_of(row, schedule.timezone if schedule else ""),
        own_timezone=row.timezone,
        personnel_number=row.personnel_number,
        position=row.position,
    )


async def visible(actor: Actor, operator_id: uuid.UUID, permission: str = rights.READ) -> StaffRow:
    """A person's card (one's own, or someone's whose organization the actor holds
    ``permission`` over; a person without one: the card they would get); 404 otherwise."""
    row = await card(operator_id)
    if row is None and await unionline.actor_for(operator_id) is not None:
        row = await provisional(operator_id)  # the card they would get: nothing is written
    if row is None or (
        operator_id != actor.operator_id
        and not await rights.may(actor, permission, row.organization_id)
    ):
        raise NotFound(f"staff {operator_id} does not exist", field="operator_id")
    return row


async def put(actor: Actor, operator_id: uuid.UUID, body: StaffBody) -> StaffView:
    """Set a person's card (``timekeeping.manage`` over the organization, old and new)."""
    await rights.require_in_scope(actor, rights.MANAGE, body.organization_id)
    check_zone(body.timezone)
    person = await unionline.actor_for(operator_id)
    scope = await rights.scope(actor, rights.MANAGE)
    if person is None or not any(
        scope.allows(g.organization_id) if g.organization_id else scope.everything
        for g in person.grants
    ):  # only someone granted a role within the actor's subtree
        raise NotFound(f"operator {operator_id} does not exist", field="operator_id")
    old = await card(operator_id)
    if old is not None:
        await rights.require_in_scope(actor, rights.MANAGE, old.organization_id)
    if body.schedule_id is not None:
        from unionline.plugins.timekeeping import schedules

        await schedules.load_visible(actor, body.schedule_id, field="schedule_id")
    async with current().db.transaction():
        await current().db.execute(
            "INSERT INTO timekeeping_staff (operator_id, organization_id, schedule_id, timezone,"
            " personnel_number, position, created_at) VALUES ({}, {}, {}, {}, {}, {}, {})"
            " ON CONFLICT (operator_id) DO UPDATE SET organization_id = excluded.organization_id,"
            " schedule_id = excluded.schedule_id, timezone = excluded.timezone,"
            " personnel_number = excluded.personnel_number, position = excluded.position",
            operator_id,
            body.organization_id,
            body.schedule_id,
            body.timezone,
            unionline.storable(body.personnel_number),
            unionline.storable(body.position),
            unionline.now(),
        )
    row = await card(operator_id)
    assert row is not None
    return await view(row)


async def in_scope(actor: Actor, permission: str = rights.READ) -> list[StaffRow]:
    """The cards of the actor's subtree."""
    ids = (await rights.scope(actor, permission)).ids()
    if ids is None:
        return await current().db.fetch_as(
            StaffRow, f"SELECT {COLUMNS} FROM timekeeping_staff ORDER BY operator_id"
        )
    if not ids:
        return []
    marks = ", ".join("{}" for _ in ids)
    return await current().db.fetch_as(
        StaffRow,
        f"SELECT {COLUMNS} FROM timekeeping_staff WHERE organization_id IN ({marks})"
        " ORDER BY operator_id",
        *ids,
    )
