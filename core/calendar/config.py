"""The ``[calendar]`` settings section: the production calendar, the default time zone and the
business hours of consumers that keep none of their own."""

from __future__ import annotations

from datetime import time
from typing import Annotated

import msgspec

from unionline.calendar.production import COUNTRIES

HHMM = Annotated[str, msgspec.Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$(?!\n)")]


class CalendarSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    # "RU": the Russian production calendar (holidays, moved days off, working Saturdays,
    # pre-holiday days an hour shorter); "": weekdays and explicit holidays only.
    production: str = "RU"
    # The federation's time zone; "": the core ``timezone``. An organization may set its own.
    timezone: str = ""
    weekly_hours: Annotated[float, msgspec.Meta(gt=0, le=168)] = 40  # a full day is a fifth
    work_start: HHMM = "09:00"
    work_end: HHMM = "18:00"
    workdays: list[Annotated[int, msgspec.Meta(ge=1, le=7)]] = msgspec.field(
        default_factory=lambda: [1, 2, 3, 4, 5]  # ISO weekdays: Monday = 1
    )

    def __post_init__(self) -> None:
        if self.production and self.production not in COUNTRIES:
            raise ValueError(f"production must be one of {', '.join(COUNTRIES)}, or empty")
        if hhmm(self.work_end) <= hhmm(self.work_start):
            raise ValueError("work_end must be later than work_start")
        if not self.workdays:
            raise ValueError("workdays must name at least one ISO weekday (1 = Monday)")
        if self.timezone:
            from zoneinfo import ZoneInfo

            try:
                ZoneInfo(self.timezone)
            except (KeyError, ValueError) as exc:  # ZoneInfoNotFoundError is a KeyError
                raise ValueError(f"unknown time zone {self.timezone!r}") from exc


def hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))
