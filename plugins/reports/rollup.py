"""The daily rollup, kept from events and rebuilt from raw data — the same sums either way.

:func:`refresh` recounts a few appeals: under a lock on their ``reports_appeal`` rows it reads
their timelines, asks :func:`.metrics.contributions`, and adds the difference from what they
contributed before to the rollup cells (a cell that comes to all zeros is deleted). It runs from
``on_event`` for every appeal event, seconds after the commit, and from the catch-up pass for
appeals changed since its mark (an event missed in a crash). :func:`rebuild` recounts every
appeal and sums the rollup from the contributions with one ``GROUP BY``; it reports how many
cells differed from the rollup kept by events — zero unless something was missed.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import msgspec

from unionline import PeriodicJob, appeal_settings, current, now
from unionline.calendar import WorkCalendar, calendar_for
from unionline.plugins.reports import slices, sums
from unionline.plugins.reports.metrics import (
    COUNTERS,
    AppealInput,
    EntryInput,
    Outcome,
    Targets,
    add_into,
    contributions,
)
from unionline.rows import IdRow, decode_rows

CELL = ("organization_id", "day", "operator_id", "channel")  # a cell of the daily rollup
COLUMNS = (*CELL, *COUNTERS)
CONTRIBUTED = (*CELL, "hour", *COUNTERS)  # a contribution's row: the cell, split by hour
Cell = tuple[uuid.UUID, int, uuid.UUID, str]  # organization, day, operator, channel
Key = slices.ContributionKey  # the cell and the hour
BATCH = 500


class _Entry(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    appeal_id: uuid.UUID
    kind: str
    author_id: uuid.UUID | None
    old: str | None = None
    new: str | None = None
    elsewhere: str | None = None
    created_at: datetime


class RebuildResult(msgspec.Struct, kw_only=True):
    appeals: int
    contributions: int
    cells: int
    differing_cells: int  # rollup cells the kept rollup had otherwise (0: it matched exactly)
    seconds: float


class Calendars:
    """Each organization's SLA calendar, read once per pass."""

    def __init__(self) -> None:
        self.hours = appeal_settings().business_hours()
        self.found: dict[uuid.UUID, WorkCalendar] = {}

    async def of(self, organization_id: uuid.UUID) -> WorkCalendar:
        if organization_id not in self.found:
            self.found[organization_id] = await calendar_for(organization_id, hours=self.hours)
        return self.found[organization_id]


def targets() -> Targets:
    s = appeal_settings()
    return Targets(first_response_hours=s.first_response_hours, resolution_hours=s.resolution_hours)


def _marks(n: int) -> str:
    return ", ".join("{}" for _ in range(n))


def _json(column: str, key: str) -> str:
    if current().db.is_postgres:
        return f"({column} ->> '{key}')"
    return f"CAST(json_extract({column}, '$.{key}') AS TEXT)"


async def _inputs(ids: Sequence[uuid.UUID]) -> tuple[list[AppealInput], dict[uuid.UUID, list]]:
    db = current().db
    appeals = await db.fetch_as(
        AppealInput,
        "SELECT id, organization_id, channel, created_at, merged_into_id, queue_id, tags"
        " FROM appeal_appeal"
        f" WHERE id IN ({_marks(len(ids))})",
        *ids,
    )
    sql = (
        f"SELECT id, appeal_id, kind, author_id, {_json('data', 'old')} AS old,"
        f" {_json('data', 'new')} AS new, {_json('data', 'sent_elsewhere')} AS elsewhere,"
        " created_at FROM appeal_timeline"
        f" WHERE appeal_id IN ({_marks(len(ids))})"
        " AND kind IN ('message_in', 'message_out', 'status_changed', 'assigned')"
    )
    if db.is_postgres:  # typed values already: skip the generic decoder (the rebuild's hot path)
        rows = [_Entry(**r) for r in await db.fetch(sql, *ids)]
    else:
        rows = await db.fetch_as(_Entry, sql, *ids)
    entries: dict[uuid.UUID, list[EntryInput]] = {}
    for r in rows:
        data: dict[str, Any] = {"old": r.old, "new": r.new}
        if r.elsewhere not in (None, "", "0", "false"):
            data["sent_elsewhere"] = True
        entries.setdefault(r.appeal_id, []).append(
            EntryInput(
                id=r.id,
                appeal_id=r.appeal_id,
                kind=r.kind,
                author_id=r.author_id,
                data=data,
                created_at=r.created_at,
            )
        )
    return appeals, entries


async def compute(
    ids: Sequence[uuid.UUID], calendars: Calendars, goal: Targets
) -> list[tuple[AppealInput, Outcome]]:
    appeals, entries = await _inputs(ids)
    return [
        (
            a,
            contributions(a, entries.get(a.id, ()), await calendars.of(a.organization_id), goal),
        )
        for a in appeals
    ]


def keyed(appeal: AppealInput, outcome: Outcome) -> dict[Key, list[int]]:
    return {
        (appeal.organization_id, day, operator, appeal.channel, hour): values
        for (day, hour, operator), values in outcome.cells.items()
    }


# -- kept from events ---------------------------------------------------------------------------


async def refresh(appeal_ids: Iterable[uuid.UUID]) -> int:
    """Recount these appeals now; answers how many rollup cells changed."""
    ids = sorted(set(appeal_ids))
    changed = 0
    for start in range(0, len(ids), BATCH):
        changed += await _refresh_batch(ids[start : start + BATCH])
    return changed


async def _refresh_batch(ids: list[uuid.UUID]) -> int:
    db = current().db
    async with db.transaction():
        await db.execute(
            "INSERT INTO reports_appeal (appeal_id, organization_id, refreshed_at)"
            " SELECT id, organization_id, {} FROM appeal_appeal"
            f" WHERE id IN ({_marks(len(ids))}) ON CONFLICT (appeal_id) DO NOTHING",
            now(),
            *ids,
        )
        lock = " FOR UPDATE" if db.is_postgres else ""
        await db.fetch(
            f"SELECT appeal_id FROM reports_appeal WHERE appeal_id IN ({_marks(len(ids))})"
            f" ORDER BY appeal_id{lock}",
            *ids,
        )
        before = await _stored(ids)
        labelled = await slices.stored_labels(ids)
        computed = await compute(ids, Calendars(), targets())
        delta: dict[Cell, list[int]] = {}
        sliced: dict[slices.SliceKey, list[int]] = {}
        for appeal, outcome in computed:
            after, old = keyed(appeal, outcome), before.get(appeal.id, {})
            labels, old_labels = slices.labels_of(appeal), labelled.get(appeal.id, slices.NONE)
            if after != old:
                for key, values in old.items():
                    add_into(delta, key[:4], values, -1)
                for key, values in after.items():
                    add_into(delta, key[:4], values)
                await _replace_contributions(appeal.id, after)
            if after != old or labels != old_labels:
                slices.sliced(old, old_labels, sliced, -1)
                slices.sliced(after, labels, sliced)
            if labels != old_labels:
                await slices.write_labels(appeal.id, labels)
            await db.execute(
                "UPDATE reports_appeal SET held_by = {}, held_since = {}, refreshed_at = {}"
                " WHERE appeal_id = {}",
                outcome.held_by,
                outcome.held_since,
                now(),
                appeal.id,
            )
        await sums.add("reports_daily", CELL, delta)
        await sums.add("reports_slice", slices.SLICE, sliced)
    return sum(1 for v in delta.values() if any(v))


async def _stored(ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[Key, list[int]]]:
    rows = await current().db.fetch(
        f"SELECT appeal_id, {', '.join(CONTRIBUTED)} FROM reports_contribution"
        f" WHERE appeal_id IN ({_marks(len(ids))})",
        *ids,
    )
    found: dict[uuid.UUID, dict[Key, list[int]]] = {}
    for r, cell in zip(rows, decode_rows(_Contributed, rows), strict=True):
        key = (cell.organization_id, cell.day, cell.operator_id, cell.channel, cell.hour)
        found.setdefault(cell.appeal_id, {})[key] = [int(r[c]) for c in COUNTERS]
    return found


class _Contributed(msgspec.Struct, frozen=True):
    """A contribution's cell (its counters are read by name, COUNTERS being many)."""

    appeal_id: uuid.UUID
    organization_id: uuid.UUID
    day: int
    operator_id: uuid.UUID
    channel: str
    hour: int


async def _replace_contributions(appeal_id: uuid.UUID, cells: dict[Key, list[int]]) -> None:
    db = current().db
    await db.execute("DELETE FROM reports_contribution WHERE appeal_id = {}", appeal_id)
    await insert_contributions([(appeal_id, key, values) for key, values in cells.items()])


async def insert_contributions(rows: list[tuple[uuid.UUID, Key, list[int]]]) -> None:
    if current().db.is_postgres:
        return await _unnest_contributions(rows)
    per = max(1, 900 // (len(CONTRIBUTED) + 1))
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        values = ", ".join(f"({_marks(len(CONTRIBUTED) + 1)})" for _ in chunk)
        args: list[Any] = []
        for appeal_id, key, counters in chunk:
            args += [appeal_id, *key, *counters]
        await current().db.execute(
            f"INSERT INTO reports_contribution (appeal_id, {', '.join(CONTRIBUTED)})"
            f" VALUES {values}",
            *args,
        )


async def _unnest_contributions(rows: list[tuple[uuid.UUID, Key, list[int]]]) -> None:
    """PostgreSQL: one statement per 20,000 rows, a column array each (few parameters)."""
    types = ["uuid", "uuid", "int", "uuid", "text", "int", *("bigint" for _ in COUNTERS)]
    for start in range(0, len(rows), 20000):
        chunk = rows[start : start + 20000]
        columns: list[list[Any]] = [[] for _ in types]
        for appeal_id, key, counters in chunk:
            for i, value in enumerate((appeal_id, *key, *counters)):
                columns[i].append(value)
        arrays = ", ".join(f"{{}}::{t}[]" for t in types)
        await current().db.execute(
            f"INSERT INTO reports_contribution (appeal_id, {', '.join(CONTRIBUTED)})"
            f" SELECT * FROM unnest({arrays})",
            *columns,
        )


# -- the catch-up pass ----------------------------------------------------------------------------

MARGIN = timedelta(minutes=5)  # commits land out of order: look back this far past the mark


async def catch_up(limit: int = 5000) -> int:
    """Recount appeals changed since the mark (minus a margin); move the mark on."""
    db = current().db
    row = await db.fetch_one_as(_At, "SELECT at FROM reports_mark WHERE name = 'catch_up'")
    mark = row.at if row else None
    since = (mark - MARGIN) if mark else datetime(1970, 1, 1, tzinfo=now().tzinfo)

    class _Changed(msgspec.Struct):
        id: uuid.UUID
        updated_at: datetime

    changed = await db.fetch_as(
        _Changed,
        "SELECT id, updated_at FROM appeal_appeal WHERE updated_at >= {}"
        " ORDER BY updated_at LIMIT {}",
        since,
        limit,
    )
    if not changed:
        return 0
    await refresh([c.id for c in changed])
    newest = changed[-1].updated_at
    await db.execute(
        "INSERT INTO reports_mark (name, at) VALUES ('catch_up', {})"
        " ON CONFLICT (name) DO UPDATE SET at = excluded.at",
        newest,
    )
    return len(changed)


class _At(msgspec.Struct):
    at: datetime


# -- rebuilt from raw data ----------------------------------------------------------------------


async def rebuild() -> RebuildResult:
    """Recount every appeal and sum the rollup again; say how many cells differed."""
    started = time.perf_counter()
    db = current().db
    async with db.transaction():
        if db.is_postgres:
            await db.execute(
                "LOCK TABLE reports_appeal, reports_contribution, reports_daily, reports_tag,"
                " reports_slice IN EXCLUSIVE MODE"
            )
        for table in ("reports_contribution", "reports_appeal", "reports_tag"):
            await db.execute(f"DELETE FROM {table}")
        appeals, written = await _recount_all()
        differing = await _resum()
    return RebuildResult(
        appeals=appeals,
        contributions=written,
        cells=await _count("reports_daily"),
        differing_cells=differing,
        seconds=round(time.perf_counter() - started, 3),
    )


async def _recount_all() -> tuple[int, int]:
    db = current().db
    calendars, goal = Calendars(), targets()
    last = uuid.UUID(int=0)
    appeals = written = 0
    while True:
        rows = await db.fetch_as(
            IdRow,
            "SELECT id FROM appeal_appeal WHERE id > {} ORDER BY id LIMIT {}",
            last,
            BATCH * 4,
        )
        if not rows:
            return appeals, written
        ids = [r.id for r in rows]
        last = ids[-1]
        batch: list[tuple[uuid.UUID, Key, list[int]]] = []
        states: list[Any] = []
        tags: list[tuple[uuid.UUID, str]] = []
        for appeal, outcome in await compute(ids, calendars, goal):
            batch += [(appeal.id, k, v) for k, v in keyed(appeal, outcome).items()]
            labels = slices.labels_of(appeal)
            states += [appeal.id, appeal.organization_id, outcome.held_by, outcome.held_since,
                       labels.queue]  # fmt: skip
            tags += [(appeal.id, t) for t in labels.tags]
        await insert_contributions(batch)
        await _insert_states(states)
        await slices.insert_tags(tags)
        appeals += len(ids)
        written += len(batch)


async def _insert_states(flat: list[Any]) -> None:
    moment = now()
    if current().db.is_postgres:  # five arrays, one statement (few parameters to compile)
        columns = [flat[i::5] for i in range(5)]
        await current().db.execute(
            "INSERT INTO reports_appeal (appeal_id, organization_id, held_by, held_since,"
            " queue, refreshed_at) SELECT a, o, h, s, q, {} FROM unnest({}::uuid[], {}::uuid[],"
            " {}::uuid[], {}::timestamptz[], {}::text[]) AS t(a, o, h, s, q)",
            moment,
            *columns,
        )
        return
    per = 150
    for start in range(0, len(flat), per * 5):
        chunk = flat[start : start + per * 5]
        n = len(chunk) // 5
        values = ", ".join("({}, {}, {}, {}, {}, {})" for _ in range(n))
        args: list[Any] = []
        for i in range(n):
            args += [*chunk[i * 5 : i * 5 + 5], moment]
        await current().db.execute(
            "INSERT INTO reports_appeal (appeal_id, organization_id, held_by, held_since,"
            f" queue, refreshed_at) VALUES {values}",
            *args,
        )


SUMMED = (
    f"SELECT {', '.join(CELL)}, {', '.join(f'CAST(SUM({c}) AS BIGINT) AS {c}' for c in COUNTERS)}"
    f" FROM reports_contribution GROUP BY {', '.join(CELL)}"
)


async def _resum() -> int:
    """Replace the rollups (daily, and by queue, tag and hour) by the sums of the
    contributions; answer how many rows differed."""
    daily = await _resummed("reports_daily", COLUMNS, SUMMED)
    return daily + await _resummed("reports_slice", (*slices.SLICE, *COUNTERS), slices.SUMMED)


async def _resummed(table: str, columns: Sequence[str], summed: str) -> int:
    """Replace ``table`` by ``summed`` (computed once, into a temporary table that a failed
    rebuild's rollback takes away) and answer how many rows differed either way."""
    db = current().db
    nonzero = " OR ".join(f"{c} <> 0" for c in COUNTERS)
    cols = ", ".join(columns)
    fresh = f"SELECT * FROM ({summed}) s WHERE {nonzero}"
    await db.execute(f"CREATE TEMP TABLE reports_fresh AS {fresh}")
    one = await db.fetchone(
        f"SELECT COUNT(*) AS n FROM (SELECT {cols} FROM {table}"
        f" EXCEPT SELECT {cols} FROM reports_fresh) d"
    )
    other = await db.fetchone(
        f"SELECT COUNT(*) AS n FROM (SELECT {cols} FROM reports_fresh"
        f" EXCEPT SELECT {cols} FROM {table}) d"
    )
    await db.execute(f"DELETE FROM {table}")
    await db.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM reports_fresh")
    await db.execute("DROP TABLE reports_fresh")
    if db.is_postgres:  # the table is new from end to end: plan the next reports on it
        await db.execute(f"ANALYZE {table}")
    return int(one["n"] if one else 0) + int(other["n"] if other else 0)


async def _count(table: str) -> int:
    row = await current().db.fetchone(f"SELECT COUNT(*) AS n FROM {table}")
    return int(row["n"]) if row else 0


# -- from events --------------------------------------------------------------------------------


async def on_event(event: Any) -> None:
    """Recount the appeal an event is about (and a merged appeal's source) seconds after it."""
    ids = [getattr(event, name, None) for name in ("appeal_id", "source_id")]
    found = [i for i in ids if isinstance(i, uuid.UUID)]
    if found:
        await refresh(found)


async def _catch_up() -> None:
    while await catch_up() >= 5000:
        pass


CATCH_UP = PeriodicJob("reports.catch_up", _catch_up, every=60.0)
