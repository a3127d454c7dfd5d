"""The one working-day calendar service: an organization's calendar (production calendar,
business hours, inherited overrides and time zone), and its administration.

Consumers — SLA due times, queues' business hours, docflow and task deadlines, timekeeping
norms, reports — ask :func:`calendar_for` and compute on the :class:`WorkCalendar` it returns;
none keeps its own holidays.
"""

from __future__ import annotations

import time as clock
import uuid
import zoneinfo
from datetime import date, datetime, time

import msgspec

from unionline.access import Actor, scope_for
from unionline.calendar.config import CalendarSettings, hhmm
from unionline.calendar.engine import CalendarMonth, Override, WorkCalendar
from unionline.calendar.schemas import OverrideCreate, OverrideView, ZoneSet, ZoneView
from unionline.errors import Conflict, Forbidden, Invalid, NotFound
from unionline.rows import decode_row
from unionline.runtime import current

READ = "calendar.read"
MANAGE = "calendar.manage"
FIRST_YEAR, LAST_YEAR = 1991, 2100  # the production calendar's years, and a sane horizon


class BusinessHours(msgspec.Struct, frozen=True, kw_only=True):
    """A consumer's own business hours (an SLA's, a queue's); the service adds the rest."""

    work_start: time = time(9)
    work_end: time = time(18)
    workdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})  # ISO weekdays
    holidays: frozenset[date] = frozenset()  # extra days off of this consumer only


def calendar_settings() -> CalendarSettings:
    return current().settings.section("calendar", CalendarSettings)


def default_timezone() -> str:
    """``[calendar] timezone``, else the core ``timezone``."""
    return calendar_settings().timezone or current().settings.timezone


def default_hours() -> BusinessHours:
    """``[calendar]`` business hours, for consumers that keep none of their own."""
    s = calendar_settings()
    return BusinessHours(
        work_start=hhmm(s.work_start), work_end=hhmm(s.work_end), workdays=frozenset(s.workdays)
    )


async def calendar_for(
    organization_id: uuid.UUID | None = None,
    *,
    hours: BusinessHours | None = None,
    timezone: str | None = None,
) -> WorkCalendar:
    """The working calendar of an organization: ``hours`` (default ``[calendar]``'s) over the
    production calendar, with the overrides of the organization and its ancestors (the nearest
    wins) in ``timezone`` (default: the organization's own, inherited, else the configured one).
    ``None``: the federation-wide calendar, no organization's overrides."""
    s = calendar_settings()
    h = hours or default_hours()
    path = await _path(organization_id) if organization_id is not None else []
    overrides, own_zone = await _effective(path)
    zone = timezone or own_zone or default_timezone()
    return WorkCalendar(
        timezone=zone,
        work_start=h.work_start,
        work_end=h.work_end,
        workdays=h.workdays,
        holidays=h.holidays,
        production=s.production or None,
        overrides=overrides,
        weekly_hours=s.weekly_hours,
    )


async def timezone_for(organization_id: uuid.UUID | None) -> str:
    """The organization's time zone: its own, else the nearest ancestor's, else the default."""
    path = await _path(organization_id) if organization_id is not None else []
    return await _effective_zone(path) or default_timezone()


async def _path(organization_id: uuid.UUID) -> list[uuid.UUID]:
    """From the root down to the organization (empty when it does not exist)."""
    from unionline.organizations.services import ancestors

    try:
        return await ancestors(organization_id)
    except NotFound:
        return []


def _in(values: list[uuid.UUID]) -> str:
    return ", ".join("{}" for _ in values)


async def _effective(path: list[uuid.UUID]) -> tuple[dict[date, Override], str | None]:
    """The overrides and the time zone in force along ``path`` (root first): for each date and
    for the zone, the nearest organization's. One query for both tables."""
    if not path:
        return {}, None
    rows = await current().db.fetch(
        "SELECT id, organization_id, day, kind, hours, note, created_by, created_at,"
        " '' AS timezone FROM calendar_override"
        f" WHERE organization_id IN ({_in(path)})"
        " UNION ALL SELECT organization_id AS id, organization_id, '' AS day, 'zone' AS kind,"
        " NULL AS hours, '' AS note, NULL AS created_by, updated_at AS created_at, timezone"
        f" FROM calendar_zone WHERE organization_id IN ({_in(path)})",
        *path,
        *path,
    )
    depth = {org: i for i, org in enumerate(path)}
    found: dict[date, tuple[int, Override]] = {}
    zone: tuple[int, str] | None = None
    for row in rows:
        ruling = decode_row(_Ruling, row)
        rank = depth[ruling.organization_id]
        if ruling.kind == "zone":
            if zone is None or zone[0] < rank:
                zone = (rank, ruling.timezone)
            continue
        view = decode_row(OverrideView, row)
        if view.day not in found or found[view.day][0] < rank:
            found[view.day] = (rank, _override(view))
    overrides = {day: override for day, (_, override) in found.items()}
    return overrides, zone[1] if zone else None


async def _effective_zone(path: list[uuid.UUID]) -> str | None:
    return (await _effective(path))[1]


class _Ruling(msgspec.Struct):
    """A row of :func:`_effective`'s union: an override, or (kind ``zone``) a time zone."""

    organization_id: uuid.UUID
    kind: str
    timezone: str


def _override(view: OverrideView) -> Override:
    return Override(
        day=view.day,
        kind=view.kind,
        hours=view.hours,
        organization_id=view.organization_id,
        note=view.note,
    )


# -- administration -----------------------------------------------------------------------


async def _require(actor: Actor, permission: str, organization_id: uuid.UUID) -> list[uuid.UUID]:
    """The organization's path; 403 when the actor sees it but may not do this, else 404."""
    if (await scope_for(actor, permission)).allows(organization_id):
        path = await _path(organization_id)
        if path:
            return path
    elif permission != READ and (await scope_for(actor, READ)).allows(organization_id):
        raise Forbidden(
            f"permission {permission!r} is required here",
            field="organization_id",
            extra={"permission": permission},
        )
    raise NotFound(f"organization {organization_id} does not exist", field="organization_id")


def _check_year(year: int, field: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid(f"{field} must be a year from {FIRST_YEAR} to {LAST_YEAR}", field=field)


async def month(
    actor: Actor,
    organization_id: uuid.UUID,
    year: int | None = None,
    month_number: int | None = None,
) -> CalendarMonth:
    """The organization's month as ``[calendar]`` business hours see it (``calendar.read``);
    without ``year`` or ``month``, the current ones in the organization's time zone."""
    await _require(actor, READ, organization_id)
    calendar = await calendar_for(organization_id)
    today = datetime.now(calendar.tz).date()
    year = today.year if year is None else year
    month_number = today.month if month_number is None else month_number
    _check_year(year, "year")
    if not 1 <= month_number <= 12:
        raise Invalid("month must be from 1 to 12", field="month")
    view = calendar.month(year, month_number)
    # An inherited override names its organization only to those who may see that one.
    scope = await scope_for(actor, READ)
    days = [
        msgspec.structs.replace(
            d, override=msgspec.structs.replace(d.override, organization_id=None)
        )
        if d.override is not None and not scope.allows(d.override.organization_id)
        else d
        for d in view.days
    ]
    return msgspec.structs.replace(view, days=days)


async def list_overrides(
    actor: Actor, organization_id: uuid.UUID, year: int | None = None
) -> list[OverrideView]:
    """Overrides set on the organization and the part of its subtree the actor may see."""
    from unionline.organizations.services import subtree_ids

    await _require(actor, READ, organization_id)
    scope = await scope_for(actor, READ)
    orgs = sorted(o for o in await subtree_ids([organization_id]) if scope.allows(o))
    sql = f"SELECT * FROM calendar_override WHERE organization_id IN ({_in(orgs)})"
    args: list[object] = [*orgs]
    if year is not None:
        _check_year(year, "year")
        sql += " AND day >= {} AND day <= {}"
        args += [f"{year:04d}-01-01", f"{year:04d}-12-31"]
    return await current().db.fetch_as(OverrideView, sql + " ORDER BY day, organization_id", *args)


async def create_override(
    actor: Actor, organization_id: uuid.UUID, data: OverrideCreate
) -> OverrideView:
    """Rule on one date for the organization and its subtree (``calendar.manage``); 409 when it
    already has a ruling for that date (delete it first)."""
    await _require(actor, MANAGE, organization_id)
    _check_year(data.day.year, "day")
    full = calendar_settings().weekly_hours / 5
    if data.kind == "day_off" and data.hours is not None:
        raise Invalid("a day off has no hours", field="hours")
    if data.kind == "shortened" and data.hours is not None and data.hours >= full:
        raise Invalid(f"a shortened day is shorter than a full day ({full:g} h)", field="hours")
    override_id = uuid.uuid4()
    db = current().db
    inserted = await db.fetchone(
        "INSERT INTO calendar_override"
        " (id, organization_id, day, kind, hours, note, created_by, created_at)"
        " VALUES ({}, {}, {}, {}, {}, {}, {}, {})"
        " ON CONFLICT (organization_id, day) DO NOTHING RETURNING id",
        override_id,
        organization_id,
        data.day.isoformat(),
        data.kind,
        data.hours,
        data.note.strip(),
        actor.operator_id,
        clock.time(),
    )
    if inserted is None:
        raise Conflict(
            f"the organization already has a ruling for {data.day.isoformat()}: delete it first",
            field="day",
        )
    row = await db.fetch_one_as(
        OverrideView, "SELECT * FROM calendar_override WHERE id = {}", override_id
    )
    assert row is not None
    return row


async def delete_override(actor: Actor, override_id: uuid.UUID) -> None:
    db = current().db
    row = await db.fetch_one_as(
        OverrideView, "SELECT * FROM calendar_override WHERE id = {}", override_id
    )
    if row is None or not (await scope_for(actor, READ)).allows(row.organization_id):
        raise NotFound(f"override {override_id} does not exist", field="override_id")
    await _require(actor, MANAGE, row.organization_id)
    await db.execute("DELETE FROM calendar_override WHERE id = {}", override_id)


async def get_zone(actor: Actor, organization_id: uuid.UUID) -> ZoneView:
    path = await _require(actor, READ, organization_id)
    row = await current().db.fetchone(
        "SELECT timezone FROM calendar_zone WHERE organization_id = {}", organization_id
    )
    return ZoneView(
        organization_id=organization_id,
        timezone=str(row["timezone"]) if row else None,
        effective=await _effective_zone(path) or default_timezone(),
    )


async def set_zone(actor: Actor, organization_id: uuid.UUID, data: ZoneSet) -> ZoneView:
    """Set the organization's time zone for its subtree (``null``: inherit again)."""
    await _require(actor, MANAGE, organization_id)
    db = current().db
    if data.timezone is None:
        await db.execute("DELETE FROM calendar_zone WHERE organization_id = {}", organization_id)
        return await get_zone(actor, organization_id)
    name = data.timezone.strip()
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise Invalid(f"unknown time zone {name!r}", field="timezone") from None
    await db.execute(
        "INSERT INTO calendar_zone (organization_id, timezone, updated_at) VALUES ({}, {}, {})"
        " ON CONFLICT (organization_id) DO UPDATE SET timezone = {}, updated_at = {}",
        organization_id,
        name,
        clock.time(),
        name,
        clock.time(),
    )
    return await get_zone(actor, organization_id)
