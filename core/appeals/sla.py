"""SLA due times on the working-day calendar (:mod:`unionline.calendar`).

The arithmetic lives in :class:`unionline.calendar.WorkCalendar`; this module keeps the SLA's
names for it and says which calendar an appeal's SLA runs on: the ``[appeals]`` business hours
over the production calendar, with the overrides and time zone of the appeal's organization.

Adding a positive duration lands inside working time or exactly at the end of a working period
(18:00 rather than 09:00 the next working day), which keeps ``add(add(t, a), b) == add(t, a + b)``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from unionline.calendar import WorkCalendar, calendar_for
from unionline.calendar.engine import MAX_DAYS

__all__ = [
    "MAX_DAYS",
    "Calendar",
    "add_business_hours",
    "add_business_time",
    "business_time_between",
    "is_working_time",
    "sla_calendar",
]


@dataclass(frozen=True)
class Calendar(WorkCalendar):
    """A calendar of weekdays and explicit holidays only (no production calendar unless
    named), as the SLA settings used to describe one on their own."""

    def is_workday(self, day: date) -> bool:
        return self.is_working_day(day)

    def period(self, day: date) -> tuple[datetime, datetime]:
        """The nominal business hours of ``day`` (whether or not it is a workday)."""
        return (
            datetime.combine(day, self.work_start, self.tz),
            datetime.combine(day, self.work_end, self.tz),
        )


async def sla_calendar(organization_id: uuid.UUID | None) -> WorkCalendar:
    """The calendar an organization's appeals count their SLA on."""
    from unionline.appeals.config import appeal_settings

    return await calendar_for(organization_id, hours=appeal_settings().business_hours())


def is_working_time(calendar: WorkCalendar, moment: datetime) -> bool:
    return calendar.is_working_time(moment)


def add_business_time(calendar: WorkCalendar, start: datetime, duration: timedelta) -> datetime:
    """The moment ``duration`` of working time after ``start`` (``start`` itself for zero)."""
    return calendar.add(start, duration)


def add_business_hours(calendar: WorkCalendar, start: datetime, hours: float) -> datetime:
    return calendar.add_hours(start, hours)


def business_time_between(calendar: WorkCalendar, start: datetime, end: datetime) -> timedelta:
    """Working time in ``[start, end)``; zero when ``end`` is not after ``start``."""
    return calendar.between(start, end)
