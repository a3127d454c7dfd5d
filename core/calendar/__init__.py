"""The working-day calendar: public API for the core and plugins (docs/calendar.md).

One calendar for everything that counts working time — SLA due times, queues' business hours,
docflow and task deadlines, timekeeping norms, reports: business hours over the Russian
production calendar (holidays, moved days off, working Saturdays, pre-holiday days an hour
shorter), per-organization overrides inherited down the federation tree, and time zones.

    from unionline.calendar import calendar_for

    cal = await calendar_for(organization_id)
    due = cal.add_hours(now, 4)                    # 4 working hours later
    deadline = cal.add_working_days(now, 3)        # end of business, 3 working days on
    spent = cal.between(opened, closed)            # working time between two moments
    cal.month(2026, 5).norm_hours                  # 151.0: the month's norm (40-hour week)
"""

from __future__ import annotations

from unionline.calendar.engine import (
    CalendarDay,
    CalendarMonth,
    Override,
    OverrideKind,
    Period,
    WorkCalendar,
)
from unionline.calendar.production import ProductionDay, production_day
from unionline.calendar.services import (
    BusinessHours,
    calendar_for,
    default_hours,
    default_timezone,
    timezone_for,
)

__all__ = [
    "BusinessHours",
    "CalendarDay",
    "CalendarMonth",
    "Override",
    "OverrideKind",
    "Period",
    "ProductionDay",
    "WorkCalendar",
    "calendar_for",
    "default_hours",
    "default_timezone",
    "production_day",
    "timezone_for",
]
