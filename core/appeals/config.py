"""The ``[appeals]`` settings section: reopen window, SLA targets and the SLA's business hours
(joined with the production calendar by :mod:`unionline.calendar`)."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated

import msgspec

from unionline.appeals.sla import Calendar
from unionline.calendar import BusinessHours

HHMM = Annotated[str, msgspec.Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$(?!\n)")]


class AppealSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    # A member reply to a resolved appeal within this many days reopens it; later, or to a
    # closed appeal, it starts a new appeal linked to the old one.
    reopen_window_days: Annotated[float, msgspec.Meta(ge=0)] = 7
    first_response_hours: Annotated[float, msgspec.Meta(ge=0)] = 4  # business hours
    resolution_hours: Annotated[float, msgspec.Meta(ge=0)] = 40  # business hours
    work_start: HHMM = "09:00"  # in the core ``timezone``
    work_end: HHMM = "18:00"
    workdays: list[Annotated[int, msgspec.Meta(ge=1, le=7)]] = msgspec.field(
        default_factory=lambda: [1, 2, 3, 4, 5]  # ISO weekdays: Monday = 1
    )
    holidays: list[date] = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        if hhmm(self.work_end) <= hhmm(self.work_start):
            raise ValueError("work_end must be later than work_start")
        if not self.workdays:
            raise ValueError("workdays must name at least one ISO weekday (1 = Monday)")

    def business_hours(self) -> BusinessHours:
        """The SLA's business hours, which the calendar service joins with the production
        calendar and the organization's overrides (``sla.sla_calendar``)."""
        return BusinessHours(
            work_start=hhmm(self.work_start),
            work_end=hhmm(self.work_end),
            workdays=frozenset(self.workdays),
            holidays=frozenset(self.holidays),
        )

    def calendar(self, timezone: str) -> Calendar:
        """These hours alone, without the production calendar or any organization's days."""
        return Calendar(
            timezone=timezone,
            work_start=hhmm(self.work_start),
            work_end=hhmm(self.work_end),
            workdays=frozenset(self.workdays),
            holidays=frozenset(self.holidays),
        )


def hhmm(value: str) -> time:
    """``"09:30"`` as a time (routing's queues read their own business hours with it)."""
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def appeal_settings() -> AppealSettings:
    from unionline.runtime import current

    return current().settings.section("appeals", AppealSettings)
