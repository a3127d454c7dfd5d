"""Typed rows (``unionline.rows``, ``Database.fetch_as``): one decoder turns what either engine
hands back — UUIDs or their text, JSON text, timestamps as text or datetimes, 0/1, numbers —
into the Struct's field types; a property test round-trips random values through a real table
on the engine under test, read by a plain ``SELECT`` and by expressions (which SQLite returns
untyped)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from piccolo.columns import JSON, UUID, Boolean, Integer, Numeric, Timestamptz
from piccolo.table import Table

from unionline.db import Database
from unionline.rows import RowTypeError, db_value, decode_row
from unionline.testing.support import fresh_database, postgres_server_url


class Note(msgspec.Struct):
    text: str
    count: int


class Sample(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    other_id: uuid.UUID | None
    at: datetime
    maybe_at: datetime | None
    data: dict[str, Any]
    items: list[Any]
    note: Note | None
    flag: bool
    amount: Decimal
    n: int


class SampleTable(Table, tablename="test_row_sample"):
    id = UUID(primary_key=True)
    other_id = UUID(null=True, default=None)
    at = Timestamptz()
    maybe_at = Timestamptz(null=True, default=None)
    data = JSON()
    items = JSON()
    note = JSON(null=True, default=None)
    flag = Boolean()
    amount = Numeric(digits=(14, 4))
    n = Integer()


COLUMNS = list(Sample.__struct_fields__)
# Every column through an expression: SQLite then returns text, numbers and 0/1 (no declared
# type); PostgreSQL keeps the types. Both must decode to the same Struct.
UNTYPED = ", ".join(f"COALESCE({c}, {c}) AS {c}" for c in COLUMNS)

# -- the decoder alone ------------------------------------------------------------------------


def test_sqlite_text_becomes_the_field_types() -> None:
    key = uuid.uuid4()
    row = {
        "id": str(key),
        "other_id": None,
        "at": "2026-03-01 09:30:00.5+03:00",
        "maybe_at": "2026-03-01 09:30:00",  # no zone: read as UTC
        "data": '{"a": [1, "б"]}',
        "items": "[]",
        "note": '{"text": "x", "count": 2}',
        "flag": 1,
        "amount": 12.5,
        "n": "7",
        "extra": "a column the Struct does not name",
    }
    sample = decode_row(Sample, row)
    assert sample.id == key and sample.other_id is None
    assert sample.at == datetime(2026, 3, 1, 6, 30, 0, 500000, tzinfo=UTC)
    assert sample.at.tzinfo is UTC
    assert sample.maybe_at == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    assert sample.data == {"a": [1, "б"]} and sample.items == [] and sample.note == Note("x", 2)
    assert sample.flag is True and sample.amount == Decimal("12.5") and sample.n == 7


def test_null_json_is_empty_where_the_field_cannot_be_none() -> None:
    row = {**_row(), "data": None, "items": None, "note": None}
    sample = decode_row(Sample, row)
    assert (sample.data, sample.items, sample.note) == ({}, [], None)


def test_text_that_looks_like_json_stays_text_in_a_text_field() -> None:
    class Named(msgspec.Struct):
        name: str
        payload: Any

    named = decode_row(Named, {"name": '{"a": 1}', "payload": "[1]"})
    assert named == Named(name='{"a": 1}', payload="[1]")


def test_a_row_that_does_not_fit_names_the_struct_and_field() -> None:
    with pytest.raises(RowTypeError, match=r"Sample.*\$\.id"):
        decode_row(Sample, {**_row(), "id": None})
    with pytest.raises(RowTypeError, match="missing required field `flag`"):
        decode_row(Sample, {k: v for k, v in _row().items() if k != "flag"})


def test_db_value_writes_json_as_text() -> None:
    assert db_value({"a": "б"}) == '{"a": "б"}'
    assert db_value([1, 2]) == "[1, 2]"
    assert db_value(Note("x", 1)) == '{"text": "x", "count": 1}'
    key = uuid.uuid4()
    assert db_value(key) is key


def _row() -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "other_id": None,
        "at": datetime.now(UTC),
        "maybe_at": None,
        "data": "{}",
        "items": "[]",
        "note": None,
        "flag": 0,
        "amount": "1",
        "n": 1,
    }


# -- through a real table, on the engine under test ---------------------------------------------


@pytest.fixture
def sample_url(tmp_path: Path) -> Iterator[str]:
    with fresh_database(tmp_path, postgres_server_url()) as url:
        yield url


@pytest.fixture
async def sample_db(sample_url: str) -> AsyncIterator[Database]:
    db = Database(sample_url)
    SampleTable._meta.db = db.engine
    await db.start()
    try:
        await SampleTable.create_table(if_not_exists=True)
        yield db
    finally:
        await db.stop()


offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
moments = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.none() | offsets
)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
samples = st.builds(
    Sample,
    id=st.uuids(),
    other_id=st.none() | st.uuids(),
    at=moments,
    maybe_at=st.none() | moments,
    data=st.dictionaries(st.text(max_size=8), json_values, max_size=5),
    items=st.lists(json_values, max_size=5),
    note=st.none() | st.builds(Note, st.text(max_size=20), st.integers(-1000, 1000)),
    flag=st.booleans(),
    amount=st.decimals(-(10**9), 10**9, places=4, allow_nan=False, allow_infinity=False),
    n=st.integers(-(2**31), 2**31 - 1),
)


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@pytest.mark.database
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sample=samples)
async def test_values_round_trip_through_a_table(sample_db: Database, sample: Sample) -> None:
    values = [db_value(getattr(sample, c)) for c in COLUMNS]
    names, marks = ", ".join(COLUMNS), ", ".join("{}" for _ in COLUMNS)
    await sample_db.execute("DELETE FROM test_row_sample WHERE id = {}", sample.id)  # a rerun
    returned = await sample_db.fetch_one_as(
        Sample, f"INSERT INTO test_row_sample ({names}) VALUES ({marks}) RETURNING *", *values
    )
    where = "FROM test_row_sample WHERE id = {}"
    typed = await sample_db.fetch_one_as(Sample, f"SELECT * {where}", sample.id)
    untyped = await sample_db.fetch_as(Sample, f"SELECT {UNTYPED} {where}", sample.id)
    expected = msgspec.structs.replace(
        sample,
        at=as_utc(sample.at),
        maybe_at=None if sample.maybe_at is None else as_utc(sample.maybe_at),
    )
    for read in (returned, typed, *untyped):
        assert read == expected
        assert read is not None and read.at.tzinfo == UTC
        assert read.maybe_at is None or read.maybe_at.utcoffset() == timedelta(0)
        assert isinstance(read.id, uuid.UUID) and isinstance(read.amount, Decimal)
    assert len(untyped) == 1
