"""Working-time arithmetic over one calendar: pure, no database (``WorkCalendar``).

A day is working or not by, in this order: an override for that date (an organization's own
day off, working day or shortened day), the explicit ``holidays``, the production calendar when
one is named (holidays and moved days off are off, a weekend day the decree made working is
on, a pre-holiday day is one hour shorter), and finally the weekday (``workdays``).

A working day has business hours ``[work_start, work_end)`` local time, cut short at the end by
as many hours as the day is shorter than a full day (``weekly_hours / 5``): an hour on a
pre-holiday day. Its **norm** — the hours it counts toward a month's norm — is the full day less
the same cut (8 hours for a 40-hour week, 7 on a pre-holiday day).

Adding a positive duration lands inside working time or exactly at the end of a working period
(18:00 rather than 09:00 the next working day), which keeps ``add(add(t, a), b) == add(t, a + b)``
and ``between(t, add(t, d)) == d``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Literal
from zoneinfo import ZoneInfo

import msgspec

from unionline.calendar.production import DayKind, production_day

MAX_DAYS = 3660  # ten years without a working day: a configuration error, not a long wait
OverrideKind = Literal["day_off", "working_day", "shortened"]
DaySource = Literal["weekday", "production", "holidays", "override"]


class Override(msgspec.Struct, frozen=True, kw_only=True):
    """An organization's own ruling on one date, inherited by its subtree.

    ``day_off``: not working. ``working_day``: working (``hours``: its norm, default a full day).
    ``shortened``: working, ``hours`` long (default a full day less one hour).
    """

    day: date
    kind: OverrideKind
    hours: float | None = None
    organization_id: uuid.UUID | None = None  # who set it (an ancestor, for an inherited one)
    note: str = ""


class Period(msgspec.Struct, frozen=True):
    start: datetime
    end: datetime


class CalendarDay(msgspec.Struct, frozen=True, kw_only=True):
    """One date of a calendar: whether it is working, why, its norm and business hours."""

    date: date
    working: bool
    kind: DayKind  # what the production calendar (or the weekday alone) says of the date
    pre_holiday: bool  # shortened by the production calendar's pre-holiday rule
    norm_hours: float  # 0 on a day off
    periods: list[Period]  # business hours, as aware datetimes in the calendar's time zone
    source: DaySource  # what decided ``working``
    name: str = ""  # the holiday's name, or an override's note
    override: Override | None = None


class CalendarMonth(msgspec.Struct, frozen=True, kw_only=True):
    year: int
    month: int
    timezone: str
    working_days: int
    norm_hours: float
    days: list[CalendarDay]


@dataclass(frozen=True)
class WorkCalendar:
    """Business hours over a production calendar, with an organization's overrides."""

    timezone: str = "Europe/Moscow"
    work_start: time = time(9)
    work_end: time = time(18)
    workdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})  # ISO weekdays
    holidays: frozenset[date] = field(default_factory=frozenset)
    production: str | None = None  # "RU": the Russian production calendar; None: weekdays only
    overrides: Mapping[date, Override] = field(default_factory=dict)
    weekly_hours: float = 40.0

    def __post_init__(self) -> None:
        if self.work_end <= self.work_start:
            raise ValueError("work_end must be later than work_start")
        if not self.workdays:
            raise ValueError("a calendar needs at least one working weekday")
        if not 0 < self.weekly_hours <= 168:
            raise ValueError("weekly_hours must be above 0 and at most 168")
        if self.production is not None:
            production_day(date(2000, 1, 1), self.production)  # an unknown country fails here
        try:
            ZoneInfo(self.timezone)
        except (KeyError, ValueError, OSError) as exc:  # ZoneInfoNotFoundError is a KeyError
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def full_day_hours(self) -> float:
        return self.weekly_hours / 5

    # -- days --------------------------------------------------------------------------------

    def day(self, day: date) -> CalendarDay:
        """Everything the calendar says of ``day``."""
        prod = production_day(day, self.production) if self.production else None
        kind: DayKind = prod.kind if prod else ("workday" if day.isoweekday() <= 5 else "weekend")
        pre_holiday = bool(prod and prod.pre_holiday)
        name = prod.name if prod else ""
        override = self.overrides.get(day)
        source: DaySource
        norm = self.full_day_hours
        if override is not None:
            source, working = "override", override.kind != "day_off"
            if override.kind == "shortened":
                norm = override.hours if override.hours is not None else norm - 1
            elif override.kind == "working_day" and override.hours is not None:
                norm = override.hours
            name = override.note or name
        elif day in self.holidays:
            source, working = "holidays", False
        elif prod is not None and prod.kind in ("holiday", "day_off", "working_weekend"):
            source, working = "production", prod.working
        else:
            source, working = "weekday", day.isoweekday() in self.workdays
        if working and override is None and pre_holiday:
            norm -= 1
        if not working:
            return CalendarDay(
                date=day,
                working=False,
                kind=kind,
                pre_holiday=pre_holiday,
                norm_hours=0.0,
                periods=[],
                source=source,
                name=name,
                override=override,
            )
        norm = max(0.0, norm)
        return CalendarDay(
            date=day,
            working=True,
            kind=kind,
            pre_holiday=pre_holiday,
            norm_hours=norm,
            periods=self._periods(day, self.full_day_hours - norm),
            source=source,
            name=name,
            override=override,
        )

    def _periods(self, day: date, cut_hours: float) -> list[Period]:
        start = datetime.combine(day, self.work_start, self.tz)
        end = datetime.combine(day, self.work_end, self.tz)
        if cut_hours > 0:
            end = max(start, end - timedelta(hours=cut_hours))
        return [Period(start, end)] if end > start else []  # a DST jump may invert a period

    def is_working_day(self, day: date) -> bool:
        return self.day(day).working

    def periods(self, day: date) -> list[Period]:
        """The business hours of ``day`` (empty on a day off)."""
        return self.day(day).periods

    def is_working_time(self, moment: datetime) -> bool:
        local = _aware(moment).astimezone(self.tz)
        return any(p.start <= moment < p.end for p in self.periods(local.date()))

    def shift_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (before it for negative ``n``); for 0, ``day``
        itself when working, else the next working day."""
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        idle = 0
        if n == 0:
            remaining = 1
            day -= timedelta(days=1)
        while remaining:
            day += timedelta(days=step)
            idle += 1
            if idle > MAX_DAYS:
                raise ValueError("the calendar has no working day within ten years")
            if self.is_working_day(day):
                remaining -= 1
                idle = 0
        return day

    def working_days(self, first: date, last: date) -> int:
        """How many working days ``[first, last]`` holds (0 when ``last`` is before ``first``)."""
        count, day = 0, first
        while day <= last:
            count += self.is_working_day(day)
            day += timedelta(days=1)
        return count

    def month(self, year: int, month: int) -> CalendarMonth:
        """The days of a month with its working days and norm hours."""
        first = date(year, month, 1)
        days = []
        day = first
        while day.month == month:
            days.append(self.day(day))
            day += timedelta(days=1)
        return CalendarMonth(
            year=year,
            month=month,
            timezone=self.timezone,
            working_days=sum(d.working for d in days),
            norm_hours=round(sum(d.norm_hours for d in days), 2),
            days=days,
        )

    def norm_hours(self, year: int, month: int | None = None) -> float:
        """The norm of working hours for a month, or for the whole year without ``month``."""
        months = [month] if month is not None else range(1, 13)
        return round(sum(self.month(year, m).norm_hours for m in months), 2)

    # -- moments -----------------------------------------------------------------------------

    def periods_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working periods that end after ``moment``, clipped to start no earlier than it."""
        day = _aware(moment).astimezone(self.tz).date()
        idle = 0  # days in a row without working time
        while idle < MAX_DAYS:
            idle += 1
            for period in self.periods(day):
                begin = max(period.start, moment)
                if period.end > begin:
                    idle = 0
                    yield begin, period.end
            day += timedelta(days=1)
        raise ValueError("the calendar has no working time within ten years")

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment ``duration`` of working time after ``start`` (``start`` itself for zero)."""
        if duration < timedelta(0):
            raise ValueError("duration must not be negative")
        _aware(start)
        if duration == timedelta(0):
            return start
        remaining = duration
        for begin, end in self.periods_from(start):
            if remaining <= end - begin:
                return begin + remaining
            remaining -= end - begin
        raise AssertionError("unreachable: periods_from raises first")  # pragma: no cover

    def add_hours(self, start: datetime, hours: float) -> datetime:
        return self.add(start, timedelta(hours=hours))

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """The end of business on the ``n``-th working day after ``start``'s date (``n`` ≥ 0;
        0: the end of business on ``start``'s own date if that is still to come, else on the
        next working day). A deadline "within n working days"; never before ``start``."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = self.shift_working_days(_aware(start).astimezone(self.tz).date(), n)
        for _ in range(MAX_DAYS):
            periods = self.periods(day)  # empty on a working day cut to no business hours
            if periods and periods[-1].end > start:
                return periods[-1].end
            day = self.shift_working_days(day, 1)
        raise ValueError("the calendar has no working time within ten years")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time in ``[start, end)``; zero when ``end`` is not after ``start``."""
        total = timedelta(0)
        if _aware(end) <= _aware(start):
            return total
        for begin, finish in self.periods_from(start):
            if begin >= end:
                break
            total += min(finish, end) - begin
        return total


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("working-time arithmetic needs timezone-aware datetimes")
    return moment
