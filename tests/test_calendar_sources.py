"""``CalendarQuery.sql_where``: the one WHERE fragment a calendar source (tasks, docflow,
timekeeping) builds from a query — the time window on a moment or a span, the organizations and
operators as ``IN (…)`` — run against a real table on the engine under test: no id lists, empty
ones (nothing, without asking the database) and many ids."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from piccolo.columns import UUID, Timestamptz
from piccolo.table import Table

from unionline import CalendarQuery
from unionline.db import Database
from unionline.testing.support import fresh_database, postgres_server_url

pytestmark = pytest.mark.database

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


class ItemTable(Table, tablename="test_calendar_item"):
    id = UUID(primary_key=True)
    org_id = UUID()
    who_id = UUID()
    starts_at = Timestamptz()
    ends_at = Timestamptz()


class Item(msgspec.Struct, frozen=True):
    id: uuid.UUID


@pytest.fixture
def items_url(tmp_path: Path) -> Iterator[str]:
    with fresh_database(tmp_path, postgres_server_url()) as url:
        yield url


@pytest.fixture
async def items_db(items_url: str) -> AsyncIterator[Database]:
    db = Database(items_url)
    ItemTable._meta.db = db.engine
    await db.start()
    try:
        await ItemTable.create_table(if_not_exists=True)
        yield db
    finally:
        await db.stop()


ORGS = [uuid.uuid4() for _ in range(3)]
PEOPLE = [uuid.uuid4() for _ in range(3)]


async def _seed(db: Database) -> dict[str, uuid.UUID]:
    """Items at T0 + 0 h, 1 h, … (one hour long), org and person by index."""
    ids: dict[str, uuid.UUID] = {}
    for hour, (org, who) in enumerate([(0, 0), (0, 1), (1, 1), (2, 2), (1, 0)]):
        key = uuid.uuid4()
        ids[f"{hour}"] = key
        start = T0 + timedelta(hours=hour)
        await db.execute(
            "INSERT INTO test_calendar_item (id, org_id, who_id, starts_at, ends_at)"
            " VALUES ({}, {}, {}, {}, {})",
            key,
            ORGS[org],
            PEOPLE[who],
            start,
            start + timedelta(hours=1),
        )
    return ids


async def _found(db: Database, query: CalendarQuery, *, span: bool = False) -> set[str] | None:
    found = query.sql_where(
        organization="org_id",
        operator="who_id",
        at=None if span else "starts_at",
        during=("starts_at", "ends_at") if span else None,
    )
    if found is None:
        return None
    where, args = found
    rows = await db.fetch_as(Item, f"SELECT id FROM test_calendar_item WHERE {where}", *args)
    return {str(r.id) for r in rows}


def _query(
    since_h: float,
    until_h: float,
    orgs: list[uuid.UUID] | None = None,
    people: list[uuid.UUID] | None = None,
) -> CalendarQuery:
    return CalendarQuery(
        organization_ids=None if orgs is None else tuple(orgs),
        operator_ids=None if people is None else tuple(people),
        since=T0 + timedelta(hours=since_h),
        until=T0 + timedelta(hours=until_h),
    )


async def test_window_organizations_and_operators(items_db: Database) -> None:
    ids = await _seed(items_db)

    def named(*hours: int) -> set[str]:
        return {str(ids[f"{h}"]) for h in hours}

    assert await _found(items_db, _query(0, 5)) == named(0, 1, 2, 3, 4)
    # a moment: since <= at < until
    assert await _found(items_db, _query(1, 3)) == named(1, 2)
    # a span touching the window: starts < until and ends > since
    assert await _found(items_db, _query(1.5, 3), span=True) == named(1, 2)
    assert await _found(items_db, _query(0, 5, orgs=[ORGS[1]])) == named(2, 4)
    assert await _found(items_db, _query(0, 5, people=[PEOPLE[1], PEOPLE[2]])) == named(1, 2, 3)
    both = _query(0, 5, orgs=[ORGS[0], ORGS[1]], people=[PEOPLE[0]])
    assert await _found(items_db, both) == named(0, 4)


async def test_an_empty_list_matches_nothing_without_a_query(items_db: Database) -> None:
    await _seed(items_db)
    assert await _found(items_db, _query(0, 5, orgs=[])) is None
    assert await _found(items_db, _query(0, 5, people=[]), span=True) is None
    assert await _found(items_db, _query(0, 5, orgs=ORGS, people=[])) is None


async def test_many_ids(items_db: Database) -> None:
    ids = await _seed(items_db)
    many_orgs = [uuid.uuid4() for _ in range(2000)] + [ORGS[2]]
    many_people = [*PEOPLE, *(uuid.uuid4() for _ in range(2000))]
    query = _query(0, 5, orgs=many_orgs, people=many_people)
    assert await _found(items_db, query) == {str(ids["3"])}


def test_no_window_column_is_only_the_lists() -> None:
    query = _query(0, 1, orgs=[ORGS[0]])
    assert query.sql_where(organization="o", operator="p") == ("o IN ({})", [ORGS[0]])
    assert _query(0, 1).sql_where(organization="o", operator="p") == ("1 = 1", [])
