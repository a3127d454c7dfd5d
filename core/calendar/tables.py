"""Per-organization calendar data: overrides of single dates, and an organization's time zone.

Organizations are referenced by plain UUID columns, as elsewhere; the services check them.
Dates are ISO text (``YYYY-MM-DD``), which sorts and compares the same on both engines.
"""

from __future__ import annotations

from piccolo.columns import UUID, DoublePrecision, Varchar
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class CalendarOverride(Table, tablename="calendar_override"):
    """One organization's ruling on one date; its subtree inherits it unless a nearer
    organization rules on the same date. Unique per (organization, day)."""

    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)
    day = Varchar(length=10, index=True)
    kind = Varchar(length=20)  # day_off, working_day, shortened
    hours = DoublePrecision(null=True, default=None)  # the day's norm; None: the default
    note = Varchar(length=200, default="")
    created_by = UUID(null=True, default=None)
    created_at = DoublePrecision(default=0.0)


class CalendarZone(Table, tablename="calendar_zone"):
    """An organization's own time zone; its subtree inherits it."""

    organization_id = UUID(primary_key=True)
    timezone = Varchar(length=64)
    updated_at = DoublePrecision(default=0.0)
