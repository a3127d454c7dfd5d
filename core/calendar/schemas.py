"""Request bodies and views of the calendar API."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import msgspec

from unionline.calendar.engine import OverrideKind
from unionline.text import Text

Hours = Annotated[float, msgspec.Meta(ge=0, le=24)]
Note = Annotated[Text, msgspec.Meta(max_length=200)]
TimeZone = Annotated[Text, msgspec.Meta(min_length=1, max_length=64)]


class OverrideCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``day_off``; ``working_day`` (``hours``: its norm, default a full day); ``shortened``
    (``hours``: its norm, default a full day less one hour)."""

    day: date
    kind: OverrideKind
    hours: Hours | None = None
    note: Note = ""


class OverrideView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    day: date
    kind: OverrideKind
    hours: float | None
    note: str
    created_by: uuid.UUID | None
    created_at: float


class ZoneSet(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """An IANA time zone (``Asia/Yekaterinburg``); ``null`` inherits the parent's again."""

    timezone: TimeZone | None


class ZoneView(msgspec.Struct, kw_only=True):
    organization_id: uuid.UUID
    timezone: str | None  # the organization's own, if it set one
    effective: str  # its own, else the nearest ancestor's, else the configured default
