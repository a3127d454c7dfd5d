"""The numbers of the monthly time sheet (form T-13): for each person of an organization's
subtree and each day of the month, the T-13 codes with their hours.

* work is split by the person's **local calendar day** (a night shift from 20:00 to 08:00
  counts 4 hours on its first day and 8 on the next, never 12 on one) and into **night hours**
  (22:00–06:00, Labour Code art. 96): ``Я`` day hours, ``Н`` night hours;
* work on a day off — the production calendar's (a holiday, a weekend; a working Saturday is
  a working day) or, for shifts, the schedule's — is ``РВ``;
* an approved absence writes its code (``ОТ``, ``Б``, ``К``, …) with no hours;
* a day off with no work is ``В``; a past working day with neither work nor absence is ``НН``;
* the month's **norm** is the production calendar's (``unionline.calendar``), per person in
  their own calendar and time zone.

One query reads the month's work for everyone, one their absences; calendars are built once
per organization, schedule and zone.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import msgspec

import unionline
from unionline import Actor, Invalid, current
from unionline.plugins.timekeeping import codes, policy, rights, schedules, staff

NIGHT_START, NIGHT_END = time(22), time(6)


class Cell(msgspec.Struct, kw_only=True):
    """A day of the sheet: its codes and, in the same order, their hours (0 for a code
    written without hours); ``worked`` the hours worked that day (``РВ`` and ``Н`` may hold
    the same night hours, counted once here)."""

    codes: list[str] = msgspec.field(default_factory=list)
    hours: list[float] = msgspec.field(default_factory=list)
    worked: float = 0.0


class PayLine(msgspec.Struct, kw_only=True):
    """A line of the T-12 payroll part: a kind of payment the time sheet knows — ``worked``
    (work on working days), ``night``, ``weekend`` (work on days off and holidays) or an
    absence by its T-13 code — with its days and hours and the organization's pay-type code
    for it (``""``: not set in the organization's ``pay_codes``)."""

    kind: str
    name: str
    code: str
    days: int
    hours: float


class SheetRow(msgspec.Struct, kw_only=True):
    number: int
    operator_id: uuid.UUID
    name: str
    position: str
    personnel_number: str
    timezone: str
    cells: list[Cell]
    first_half_days: int
    first_half_hours: float
    second_half_days: int
    second_half_hours: float
    days_worked: int
    hours_worked: float
    night_hours: float
    weekend_hours: float
    norm_hours: float
    absences: dict[str, int]
    pay: list[PayLine] = msgspec.field(default_factory=list)


class Sheet(msgspec.Struct, kw_only=True):
    organization_id: uuid.UUID
    organization_name: str
    year: int
    month: int
    days: int
    norm_hours: float
    working_days: int
    rows: list[SheetRow]


class _Work(msgspec.Struct):
    operator_id: uuid.UUID
    started_at: datetime
    ended_at: datetime | None
    day: date  # the workday's own date: work on a day off is decided by it


class _Hours(msgspec.Struct):
    """One local day's work: day and night hours, of a regular day and of a day off."""

    day: float = 0.0
    night: float = 0.0
    off_day: float = 0.0
    off_night: float = 0.0


class _Absence(msgspec.Struct):
    operator_id: uuid.UUID
    code: str
    first: date
    last: date


def month_days(year: int, month: int) -> list[date]:
    first = date(year, month, 1)
    out, d = [], first
    while d.month == month:
        out.append(d)
        d += timedelta(days=1)
    return out


def split_hours(start: datetime, end: datetime, tz: ZoneInfo) -> dict[date, tuple[float, float]]:
    """``[start, end)`` in ``tz`` as (day hours, night hours) per local calendar day."""
    out: dict[date, list[float]] = defaultdict(lambda: [0.0, 0.0])
    cursor = start.astimezone(tz)
    stop = end.astimezone(tz)
    while cursor < stop:
        local = cursor.replace(tzinfo=None)
        day = local.date()
        edges = [
            datetime.combine(day, NIGHT_END),
            datetime.combine(day, NIGHT_START),
            datetime.combine(day + timedelta(days=1), time(0)),
        ]
        nxt_local = min(e for e in edges if e > local)
        nxt = datetime.fromtimestamp(
            min(stop.timestamp(), nxt_local.replace(tzinfo=tz).timestamp()), tz
        )
        hours = (nxt - cursor).total_seconds() / 3600
        night = local.time() >= NIGHT_START or local.time() < NIGHT_END
        out[day][1 if night else 0] += hours
        cursor = nxt
    return {d: (v[0], v[1]) for d, v in out.items()}


def _r(value: float) -> float:
    return round(value + 1e-9, 2)


async def build(
    actor: Actor, organization_id: uuid.UUID, year: int, month: int, *, today: date | None = None
) -> Sheet:
    if not 1991 <= year <= 2100:
        raise Invalid("year is out of range", field="year")
    if not 1 <= month <= 12:
        raise Invalid("month is 1 to 12", field="month")
    await rights.require_in_scope(actor, rights.READ, organization_id)
    inside = await unionline.subtree_ids([organization_id])
    cards = [c for c in await staff.in_scope(actor, rights.READ) if c.organization_id in inside]
    return await compute(organization_id, cards, year, month, today=today)


async def compute(
    organization_id: uuid.UUID,
    cards: list[staff.StaffRow],
    year: int,
    month: int,
    *,
    today: date | None = None,
) -> Sheet:
    days = month_days(year, month)
    today = today or unionline.now().date()
    planners = Planners()
    org_calendar = (await schedules.planner_for_org(organization_id)).calendar
    month_cal = org_calendar.month(year, month)
    work, absent = await _read(cards, days)
    names = await names_of([c.operator_id for c in cards])
    pay_codes = (await policy.effective(organization_id)).policy.pay_codes
    rows = []
    for number, card in enumerate(
        sorted(cards, key=lambda c: (names.get(c.operator_id, ""), str(c.operator_id))), 1
    ):
        planner = await planners.get(card)
        row = _person(
            number, card, names.get(card.operator_id, ""), planner, days, work, absent, today
        )
        row.pay = pay_lines(row, pay_codes)
        rows.append(row)
    org_row = await current().db.fetchone(
        "SELECT name FROM organization_organization WHERE id = {}", organization_id
    )
    return Sheet(
        organization_id=organization_id,
        organization_name=str(org_row["name"]) if org_row else "",
        year=year,
        month=month,
        days=len(days),
        norm_hours=month_cal.norm_hours,
        working_days=month_cal.working_days,
        rows=rows,
    )


class Planners:
    """Planners built once per organization, schedule and zone."""

    def __init__(self) -> None:
        self.cache: dict[tuple[uuid.UUID, uuid.UUID | None, str], schedules.Planner] = {}

    async def get(self, card: staff.StaffRow) -> schedules.Planner:
        key = (card.organization_id, card.schedule_id, card.timezone)
        if key not in self.cache:
            self.cache[key] = await schedules.planner_for(card)
        return self.cache[key]


async def _read(
    cards: list[staff.StaffRow], days: list[date]
) -> tuple[dict[uuid.UUID, list[_Work]], dict[uuid.UUID, list[_Absence]]]:
    work: dict[uuid.UUID, list[_Work]] = defaultdict(list)
    absent: dict[uuid.UUID, list[_Absence]] = defaultdict(list)
    if not cards:
        return work, absent
    lo = datetime.combine(days[0] - timedelta(days=2), time(0), ZoneInfo("UTC"))
    hi = datetime.combine(days[-1] + timedelta(days=2), time(0), ZoneInfo("UTC"))
    wanted = {c.operator_id for c in cards}
    db = current().db
    # One statement for the month (everyone's), filtered here: an IN list of 500 ids is
    # slower on both engines than the time range alone.
    for row in await db.fetch_as(
        _Work,
        "SELECT i.operator_id, i.started_at, i.ended_at, w.day FROM timekeeping_interval i"
        " JOIN timekeeping_workday w ON w.id = i.workday_id"
        " WHERE i.kind = 'work' AND i.started_at < {} AND (i.ended_at IS NULL OR i.ended_at > {})",
        hi,
        lo,
    ):
        if row.operator_id in wanted:
            work[row.operator_id].append(row)
    for a in await db.fetch_as(
        _Absence,
        "SELECT operator_id, code, first, last FROM timekeeping_absence WHERE status = 'approved'"
        " AND first <= {} AND last >= {}",
        days[-1],
        days[0],
    ):
        if a.operator_id in wanted:
            absent[a.operator_id].append(a)
    return work, absent


async def names_of(ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = await current().db.fetch_as(_Named, "SELECT id, name, login FROM operator_operator")
    wanted = set(ids)
    return {r.id: r.name or r.login for r in rows if r.id in wanted}


class _Named(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str | None
    login: str


def _person(
    number: int,
    card: staff.StaffRow,
    name: str,
    planner: schedules.Planner,
    days: list[date],
    work: dict[uuid.UUID, list[_Work]],
    absent: dict[uuid.UUID, list[_Absence]],
    today: date,
) -> SheetRow:
    tz = ZoneInfo(planner.calendar.timezone)
    hours: dict[date, _Hours] = defaultdict(_Hours)
    now = unionline.now()
    for w in work.get(card.operator_id, []):
        off = planner.is_day_off(w.day)
        for d, (day_h, night_h) in split_hours(w.started_at, w.ended_at or now, tz).items():
            got = hours[d]
            if off:
                got.off_day += day_h
                got.off_night += night_h
            else:
                got.day += day_h
                got.night += night_h
    codes_on: dict[date, str] = {}
    for a in absent.get(card.operator_id, []):
        d = max(a.first, days[0])
        while d <= min(a.last, days[-1]):
            codes_on[d] = a.code
            d += timedelta(days=1)
    cells: list[Cell] = []
    totals = {"days1": 0, "hours1": 0.0, "days2": 0, "hours2": 0.0, "night": 0.0, "weekend": 0.0}
    absences: dict[str, int] = defaultdict(int)
    for d in days:
        cell = _cell(d, hours.get(d), codes_on.get(d), planner, today)
        cells.append(cell)
        worked = cell.worked
        half = "1" if d.day <= 15 else "2"
        if worked:
            totals["days" + half] += 1
            totals["hours" + half] += worked
        for c, h in zip(cell.codes, cell.hours, strict=True):
            if c == "Н":
                totals["night"] += h
            if c == "РВ":
                totals["weekend"] += h
        if d in codes_on:
            absences[codes_on[d]] += 1
        elif "НН" in cell.codes:
            absences["НН"] += 1
    return SheetRow(
        number=number,
        operator_id=card.operator_id,
        name=name,
        position=card.position,
        personnel_number=card.personnel_number,
        timezone=planner.calendar.timezone,
        cells=cells,
        first_half_days=int(totals["days1"]),
        first_half_hours=_r(totals["hours1"]),
        second_half_days=int(totals["days2"]),
        second_half_hours=_r(totals["hours2"]),
        days_worked=int(totals["days1"] + totals["days2"]),
        hours_worked=_r(totals["hours1"] + totals["hours2"]),
        night_hours=_r(totals["night"]),
        weekend_hours=_r(totals["weekend"]),
        norm_hours=planner.calendar.month(days[0].year, days[0].month).norm_hours,
        absences=dict(sorted(absences.items())),
    )


def pay_lines(row: SheetRow, pay_codes: dict[str, str]) -> list[PayLine]:
    """The person's T-12 payroll lines from their cells: days and hours worked on working
    days, night hours, work on days off, and each absence code's days."""
    worked_days = night_days = weekend_days = 0
    worked = night = weekend = 0.0
    for cell in row.cells:
        by_code = dict(zip(cell.codes, cell.hours, strict=True))
        off = by_code.get("РВ", 0.0)
        regular = _r(cell.worked - off)
        if regular > 0:
            worked_days += 1
            worked += regular
        if by_code.get("Н"):
            night_days += 1
            night += by_code["Н"]
        if off:
            weekend_days += 1
            weekend += off
    found = [
        (kind, days, hours)
        for kind, days, hours in (
            ("worked", worked_days, worked),
            ("night", night_days, night),
            ("weekend", weekend_days, weekend),
        )
        if days
    ]
    found += [(code, n, 0.0) for code, n in row.absences.items() if n]
    return [
        PayLine(
            kind=kind,
            name=policy.PAY_KINDS.get(kind) or codes.BY_LETTER[kind].name_ru,
            code=pay_codes.get(kind, ""),
            days=days,
            hours=_r(hours),
        )
        for kind, days, hours in found
    ]


def _cell(
    d: date,
    worked: _Hours | None,
    absence: str | None,
    planner: schedules.Planner,
    today: date,
) -> Cell:
    if absence is not None:
        return Cell(codes=[absence], hours=[0.0])
    w = worked or _Hours()
    day_h, night_h, off_h = _r(w.day), _r(w.night + w.off_night), _r(w.off_day + w.off_night)
    total = _r(w.day + w.night + w.off_day + w.off_night)
    if total > 0:
        cell = Cell(worked=total)
        for code, value in (("Я", day_h), ("Н", night_h), ("РВ", off_h)):
            if value:
                cell.codes.append(code)
                cell.hours.append(value)
        return cell
    if planner.is_day_off(d):
        return Cell(codes=["В"], hours=[0.0])
    if d < today:
        return Cell(codes=["НН"], hours=[0.0])
    return Cell()
