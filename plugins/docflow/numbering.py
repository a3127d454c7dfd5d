"""Registration numbers: a journal's format from parts, taken in the registering transaction.

The number is allocated at registration, never at draft (the bug that gave Carbon and xTuple
duplicate numbers), by an upsert on the journal's counter row for the year *in the
organization's time zone*. On PostgreSQL the row lock serializes registrars of one journal
until commit, and a rolled-back registration rolls its increment back: every journal is
gapless. SQLite serializes all writers anyway (immediate transactions).
"""

from __future__ import annotations

import re
import string
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec

from unionline import Invalid, current
from unionline.calendar import timezone_for

PARTS = ("seq", "case", "year", "yy", "org")
_ALLOCATE = (
    "INSERT INTO docflow_counter (id, key, value) VALUES ({}, {}, 1)"
    " ON CONFLICT (key) DO UPDATE SET value = docflow_counter.value + 1"
    " RETURNING value"
)


class Number(msgspec.Struct, frozen=True):
    text: str
    year: int
    seq: int


def check_format(number_format: str) -> None:
    """422 naming ``number_format`` unless it is text and known parts, with ``{seq}`` once."""
    try:
        parsed = list(string.Formatter().parse(number_format))
    except ValueError as exc:
        raise Invalid(f"number format: {exc}", field="number_format") from exc
    names = [name for _, name, _, _ in parsed if name is not None]
    for name, spec in ((n, s) for _, n, s, _ in parsed if n is not None):
        if name not in PARTS:
            raise Invalid(
                f"unknown part {{{name}}}; parts: " + ", ".join(f"{{{p}}}" for p in PARTS),
                field="number_format",
            )
        if spec and not (name == "seq" and re.fullmatch(r"0\d", spec)):
            raise Invalid("only {seq} takes a width, as {seq:04}", field="number_format")
    if names.count("seq") != 1:
        raise Invalid("the format needs {seq} exactly once", field="number_format")


def format_number(number_format: str, *, seq: int, year: int, case: str, org: str) -> str:
    return number_format.format(seq=seq, case=case, year=year, yy=f"{year % 100:02d}", org=org)


async def year_of(organization_id: uuid.UUID, moment: datetime) -> int:
    """The year of ``moment`` where the organization works: the journal resets at its 00:00."""
    return moment.astimezone(ZoneInfo(await timezone_for(organization_id))).year


async def allocate(journal_id: uuid.UUID, year: int) -> int:
    """The journal's next number for ``year``; inside the registering transaction only."""
    row = await current().db.fetchone(_ALLOCATE, uuid.uuid4(), f"{journal_id}:{year}")
    assert row is not None
    return int(row["value"])
