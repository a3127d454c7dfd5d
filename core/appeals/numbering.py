"""Public appeal numbers ``{ORG}-{YYYY}-{seq}``: gap-free per organization and year.

The number is taken in the same transaction as the appeal insert, by an upsert on the
counter row. On PostgreSQL the row lock serializes concurrent creators of one organization
until commit; a rolled-back transaction rolls its increment back too, so no number is lost.
SQLite serializes all writers anyway (immediate transactions).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec

from unionline.db import current_tx
from unionline.runtime import current

_ALLOCATE = (
    "INSERT INTO appeal_counter (organization_id, year, last_seq) VALUES ({}, {}, 1)"
    " ON CONFLICT (organization_id, year)"
    " DO UPDATE SET last_seq = appeal_counter.last_seq + 1"
    " RETURNING last_seq"
)


class Number(msgspec.Struct, frozen=True):
    text: str
    year: int
    seq: int


def format_number(code: str, year: int, seq: int) -> str:
    return f"{code}-{year:04d}-{seq}"


def year_of(moment: datetime, timezone: str) -> int:
    """The calendar year of ``moment`` where the union works (``settings.timezone``)."""
    return moment.astimezone(ZoneInfo(timezone)).year


async def allocate(organization_id: uuid.UUID, code: str, moment: datetime) -> Number:
    """Take the next number; must run inside the transaction that inserts the appeal."""
    if current_tx() is None:
        raise RuntimeError("appeal numbers are allocated inside the appeal's transaction")
    year = year_of(moment, current().settings.timezone)
    row = await current().db.fetchone(_ALLOCATE, organization_id, year)
    assert row is not None
    seq = int(row["last_seq"])
    return Number(format_number(code, year, seq), year, seq)
