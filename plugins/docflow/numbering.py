"""Registration numbers: a journal's format from parts, taken in the registering transaction.

The number is allocated at registration, never at draft (the bug that gave Carbon and xTuple
duplicate numbers), by an upsert on the journal's counter row for the year *in the
organization's time zone* (or one row for all years: ``reset = never``). On PostgreSQL the row
lock serializes registrars of one journal until commit, and a rolled-back registration rolls
its increment back: every journal is gapless. SQLite serializes all writers anyway (immediate
transactions).

The lock is the journal's bottleneck, so it is taken as late as possible: everything the card
needs is read and checked first, then on PostgreSQL one statement takes the number and writes
it into the card (the number's text composed in SQL around the counter's value); only the
event's insert and the commit follow under the lock.
"""

from __future__ import annotations

import re
import string
import uuid
from datetime import UTC, datetime, timedelta
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
    """422 naming ``number_format`` unless it is text and known parts, with ``{seq}`` once;
    ``extra.problem`` says what is wrong (``braces``, ``unknown_part`` with the ``part`` and the
    ``parts`` known, ``width`` with the ``part``, ``no_seq``, ``seq_twice``) for the console to
    say it in words at the field."""
    try:
        parsed = list(string.Formatter().parse(number_format))
    except ValueError as exc:
        raise _bad(f"number format: {exc}", "braces") from exc
    names = [name for _, name, _, _ in parsed if name is not None]
    for name, spec in ((n, s) for _, n, s, _ in parsed if n is not None):
        if name not in PARTS:
            parts = ", ".join(f"{{{p}}}" for p in PARTS)
            raise _bad(f"unknown part {{{name}}}; parts: {parts}", "unknown_part", name)
        if spec and not (name == "seq" and re.fullmatch(r"0\d", spec)):
            raise _bad("only {seq} takes a width, as {seq:04}", "width", name)
    if not names.count("seq"):
        raise _bad("the format needs {seq}", "no_seq")
    if names.count("seq") > 1:
        raise _bad("the format takes {seq} only once", "seq_twice")


def _bad(message: str, problem: str, part: str | None = None) -> Invalid:
    extra: dict[str, object] = {"problem": problem}
    if part is not None:
        extra["part"] = part
    if problem == "unknown_part":
        extra["parts"] = list(PARTS)
    return Invalid(message, field="number_format", extra=extra)


def format_number(number_format: str, *, seq: int, year: int, case: str, org: str) -> str:
    return number_format.format(seq=seq, case=case, year=year, yy=f"{year % 100:02d}", org=org)


async def year_of(organization_id: uuid.UUID, moment: datetime) -> int:
    """The year of ``moment`` where the organization works: the journal resets at its 00:00.
    Away from New Year (every zone lies within UTC-12..UTC+14) the year is the same in every
    zone and no time zone is read."""
    utc = moment.astimezone(UTC)
    earliest, latest = (utc - timedelta(hours=12)).year, (utc + timedelta(hours=14)).year
    if earliest == latest:
        return earliest
    return moment.astimezone(ZoneInfo(await timezone_for(organization_id))).year


def counter_key(journal_id: uuid.UUID, year: int, reset: str) -> str:
    return f"{journal_id}:{year if reset == 'yearly' else 'all'}"


async def allocate(journal_id: uuid.UUID, year: int, reset: str = "yearly") -> int:
    """The journal's next number for ``year``; inside the registering transaction only."""
    key = counter_key(journal_id, year, reset)
    row = await current().db.fetchone(_ALLOCATE, uuid.uuid4(), key)
    assert row is not None
    return int(row["value"])


def split_format(number_format: str, *, year: int, case: str, org: str) -> tuple[str, int, str]:
    """The number's text before ``{seq}``, the sequence's width (0: as is) and the text after
    it — every other part filled in."""
    parts = {"case": case, "year": year, "yy": f"{year % 100:02d}", "org": org}
    before: list[str] = []
    after: list[str] = []
    width, side = 0, before
    for literal, name, spec, _ in string.Formatter().parse(number_format):
        side.append(literal)
        if name is None:
            continue
        if name == "seq":
            width, side = (int(spec) if spec else 0), after
        else:
            side.append(format(parts[name], spec or ""))
    return "".join(before), width, "".join(after)


_TAKE = (
    "WITH c AS (" + _ALLOCATE + ")"
    " UPDATE docflow_document SET journal_id = {}, year = {}, seq = c.value,"
    " number = {} || CASE WHEN length(c.value::text) >= {} THEN c.value::text"
    " ELSE lpad(c.value::text, {}, '0') END || {},"
    " registered_at = {}, status = {}, updated_at = {}"
    " FROM c WHERE docflow_document.id = {}"
    " RETURNING docflow_document.seq, docflow_document.number"
)


class Taken(msgspec.Struct, frozen=True):
    seq: int
    number: str


async def take(
    *,
    journal_id: uuid.UUID,
    number_format: str,
    case: str,
    org: str,
    reset: str,
    year: int,
    document_id: uuid.UUID,
    moment: datetime,
    status: str,
) -> Taken:
    """Take the journal's next number and write it into the card, in the registering
    transaction: on PostgreSQL one statement (the counter's row lock is held from here to the
    commit), on SQLite the counter's upsert and the card's update."""
    db = current().db
    key = counter_key(journal_id, year, reset)
    if db.is_postgres:
        before, width, after = split_format(number_format, year=year, case=case, org=org)
        row = await db.fetchone(
            _TAKE,
            uuid.uuid4(),
            key,
            journal_id,
            year,
            before,
            width,
            width,
            after,
            moment,
            status,
            moment,
            document_id,
        )
        assert row is not None
        return Taken(seq=int(row["seq"]), number=str(row["number"]))
    seq = await allocate(journal_id, year, reset)
    number = format_number(number_format, seq=seq, year=year, case=case, org=org)
    await db.execute(
        "UPDATE docflow_document SET journal_id = {}, year = {}, seq = {}, number = {},"
        " registered_at = {}, status = {}, updated_at = {} WHERE id = {}",
        journal_id,
        year,
        seq,
        number,
        moment,
        status,
        moment,
        document_id,
    )
    return Taken(seq=seq, number=number)
