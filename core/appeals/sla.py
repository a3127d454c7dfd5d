"""Business-hours arithmetic for SLA due times: pure functions over a working calendar.

Working time is ``[work_start, work_end)`` local time on working weekdays that are not
holidays. Adding a positive duration lands inside working time or exactly at the end of a
working period (18:00 rather than 09:00 the next working day), which keeps
``add(add(t, a), b) == add(t, a + b)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

MAX_DAYS = 3660  # ten years without a working day: a configuration error, not a long wait


@dataclass(frozen=True)
class Calendar:
    timezone: str = "Europe/Moscow"
    work_start: time = time(9)
    work_end: time = time(18)
    workdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})  # ISO weekdays
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.work_end <= self.work_start:
            raise ValueError("work_end must be later than work_start")
        if not self.workdays:
            raise ValueError("a calendar needs at least one working weekday")

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_workday(self, day: date) -> bool:
        return day.isoweekday() in self.workdays and day not in self.holidays

    def period(self, day: date) -> tuple[datetime, datetime]:
        """The working period of ``day`` as aware datetimes (whether or not it is a workday)."""
        return (
            datetime.combine(day, self.work_start, self.tz),
            datetime.combine(day, self.work_end, self.tz),
        )

    def periods_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working periods that end after ``moment``, clipped to start no earlier than it."""
        day = _aware(moment).astimezone(self.tz).date()
        idle = 0  # days in a row without working time
        while idle < MAX_DAYS:
            idle += 1
            if self.is_workday(day):
                start, end = self.period(day)
                begin = max(start, moment)
                if end > begin:  # also skips a period a DST jump turned inside out
                    idle = 0
                    yield begin, end
            day += timedelta(days=1)
        raise ValueError("the calendar has no working time within ten years")


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("business-hours arithmetic needs timezone-aware datetimes")
    return moment


def is_working_time(calendar: Calendar, moment: datetime) -> bool:
    local = _aware(moment).astimezone(calendar.tz)
    if not calendar.is_workday(local.date()):
        return False
    start, end = calendar.period(local.date())
    return start <= moment < end


def add_business_time(calendar: Calendar, start: datetime, duration: timedelta) -> datetime:
    """The moment ``duration`` of working time after ``start`` (``start`` itself for zero)."""
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    _aware(start)
    if duration == timedelta(0):
        return start
    remaining = duration
    for begin, end in calendar.periods_from(start):
        if remaining <= end - begin:
            return begin + remaining
        remaining -= end - begin
    raise AssertionError("unreachable: periods_from raises first")  # pragma: no cover


def add_business_hours(calendar: Calendar, start: datetime, hours: float) -> datetime:
    return add_business_time(calendar, start, timedelta(hours=hours))


def business_time_between(calendar: Calendar, start: datetime, end: datetime) -> timedelta:
    """Working time in ``[start, end)``; zero when ``end`` is not after ``start``."""
    total = timedelta(0)
    if _aware(end) <= _aware(start):
        return total
    for begin, finish in calendar.periods_from(start):
        if begin >= end:
            break
        total += min(finish, end) - begin
    return total
