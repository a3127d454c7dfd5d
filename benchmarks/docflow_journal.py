"""Registration numbers under contention: 16 concurrent writers register 5,000 documents into
one journal on PostgreSQL, through the service the REST call uses (``registration.register``:
the card locked, the number taken from the journal's counter, the card updated and the event
published, one transaction each; the runtime's pool of 10 connections is shared by the 16).

Rows, each against a baseline from the same run:

- **duplicates** and **gaps** in the numbers given, against 0;
- **registration p95** against the issue's 50 ms, and against the bare counter: 16 asyncpg
  connections each running ``BEGIN; UPDATE … SET value = value + 1 … RETURNING value; COMMIT``
  the same 5,000 times (p95 of the same kind of latency, queueing included);
- **throughput**, registrations per second against the bare counter's;
- **statements per registration** (BEGIN and COMMIT aside), counted on 20 more registrations
  by one writer after the timed run, against the bare counter's one: the profile of the
  registering transaction. On PostgreSQL the number is taken by its fourth statement (the
  card locked, the journal read, then one statement takes the number and writes the card), so
  the counter row's lock is held for the event's insert (which queues its NOTIFY in the same
  statement) and the commit only.

Standalone: ``python -m benchmarks.docflow_journal [--quick] [--docs N] [--sqlite]`` (``--sqlite``:
the same on a SQLite file, the bare counter run through the app's own database). The load average is
printed before and after: other work on the machine moves these figures.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DOCS, QUICK_DOCS = 5_000, 1_000
WRITERS = 16
TARGETS = {
    "docflow duplicate numbers vs 0": "<= 1",
    "docflow gaps vs 0": "<= 1",
    "docflow registration p95 vs 50 ms": "< 1",
}


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


async def seed(db: Any, docs: int) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A journal, a kind and ``docs`` drafts, in bulk."""
    org = (await db.fetch("SELECT id FROM organization_organization LIMIT 1"))[0]["id"]
    journal, kind = uuid.uuid4(), uuid.uuid4()
    await db.execute(
        "INSERT INTO docflow_journal (id, organization_id, name, number_format, case_index,"
        " org_code) VALUES ({}, {}, 'Входящие', {}, '02-15', '')",
        journal,
        org,
        "{case}/{seq}",
    )
    await db.execute(
        "INSERT INTO docflow_kind (id, organization_id, code, name, category, requisites,"
        " journal_id, archived) VALUES ({}, {}, 'in', 'Входящее', 'incoming', '[]', {}, false)",
        kind,
        org,
        journal,
    )
    ids = [uuid.uuid4() for _ in range(docs)]
    now = datetime.now(UTC)
    async with db.transaction():
        for n, doc in enumerate(ids):
            await db.execute(
                "INSERT INTO docflow_document (id, organization_id, kind_id, category, title,"
                " summary, status, priority, requisites, correspondent, journal_id, number, stage,"
                " holders, created_at, updated_at) VALUES ({}, {}, {}, 'incoming', {}, '',"
                " 'draft', 'normal', {}, {}, {}, '', '', '[]', {}, {})",
                doc,
                org,
                kind,
                f"Письмо работодателя № {n}",
                "{}",
                "{}",
                journal,
                now,
                now,
            )
    return journal, ids


async def writers(work: list[Any], count: int) -> tuple[list[float], float]:
    """Run the coroutine factories in ``work`` with ``count`` concurrent writers: latencies
    (ms) and the wall time (s)."""
    queue = list(reversed(work))
    latencies: list[float] = []

    async def writer() -> None:
        while queue:
            job = queue.pop()
            started = time.perf_counter()
            await job()
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(writer() for _ in range(count)))
    return latencies, time.perf_counter() - started


async def bare(url: str, docs: int) -> tuple[list[float], float]:
    import asyncpg

    dsn = url.replace("postgresql+asyncpg", "postgresql")
    conns = [await asyncpg.connect(dsn) for _ in range(WRITERS)]
    await conns[0].execute("CREATE TABLE bench_counter (key text PRIMARY KEY, value int)")
    await conns[0].execute("INSERT INTO bench_counter VALUES ('j:2026', 0)")
    free = list(conns)

    async def one() -> None:
        conn = free.pop()
        try:
            async with conn.transaction():
                await conn.fetchval(
                    "UPDATE bench_counter SET value = value + 1 WHERE key = 'j:2026'"
                    " RETURNING value"
                )
        finally:
            free.append(conn)

    try:
        return await writers([one] * docs, WRITERS)
    finally:
        for conn in conns:
            await conn.close()


async def bare_in_app(db: Any, docs: int) -> tuple[list[float], float]:
    """SQLite: the bare counter through the app's own database (its single writer)."""
    await db.execute("CREATE TABLE bench_counter (key text PRIMARY KEY, value int)")
    await db.execute("INSERT INTO bench_counter VALUES ('j:2026', 0)")

    async def one() -> None:
        async with db.transaction():
            await db.fetch(
                "UPDATE bench_counter SET value = value + 1 WHERE key = 'j:2026' RETURNING value"
            )

    return await writers([one] * docs, WRITERS)


async def statements_per_registration(db: Any, registration: Any, docs: int = 20) -> float:
    """Statements one registration runs (one writer, BEGIN/COMMIT aside): the profile. Only
    this task's statements count, not the runtime's background loops'."""
    import contextvars

    _, ids = await seed(db, docs)
    engine = type(db.engine)
    original = engine.run_querystring
    mine = contextvars.ContextVar("docflow_bench_counted", default=False)
    count = 0

    async def counted(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal count
        count += mine.get()
        return await original(self, querystring, *args, **kwargs)

    engine.run_querystring = counted
    token = mine.set(True)
    try:
        for doc in ids:
            await registration.register(None, doc)
    finally:
        mine.reset(token)
        engine.run_querystring = original
    return count / docs


async def session(url: str, docs: int) -> list[tuple[str, float, float, str]]:
    import httpx

    from unionline import create_app
    from unionline.access import Grant
    from unionline.operators.services import create_operator, create_token
    from unionline.plugins.docflow import registration
    from unionline.testing import serve
    from unionline.testing.support import make_settings

    app = create_app(make_settings(url, plugins=["docflow"]), migrate=True)
    async with serve(app) as base:
        db = app.state.runtime.db
        admin = await create_operator("admin", "password-123", grants=[Grant("admin", None)])
        headers = {"Authorization": f"Bearer {await create_token(admin, 'bench')}"}
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client:
            r = await client.post("/api/organizations/", json={"name": "Профком", "code": "PK"})
            assert r.status_code == 201, r.text
        journal, ids = await seed(db, docs)
        work = [lambda d=d: registration.register(None, d) for d in ids]
        app_ms, app_s = await writers(work, WRITERS)
        rows = await db.fetch("SELECT seq FROM docflow_document WHERE journal_id = {}", journal)
        statements = await statements_per_registration(db, registration)
        if not db.is_postgres:
            bare_ms, bare_s = await bare_in_app(db, docs)
    seqs = [int(r["seq"]) for r in rows if r["seq"] is not None]
    duplicates = len(seqs) - len(set(seqs))
    gaps = len(set(range(1, docs + 1)) - set(seqs))
    if url.startswith("postgresql"):
        bare_ms, bare_s = await bare(url, docs)
    load = os.getloadavg()[0]
    return [
        ("docflow duplicate numbers vs 0", float(duplicates), 0.0, f"of {len(seqs):,} numbers"),
        ("docflow gaps vs 0", float(gaps), 0.0, f"numbers 1..{docs:,} missing"),
        ("docflow registration p95 vs 50 ms", quantile(app_ms, 0.95), 50.0, "ms"),
        (
            "docflow registration p95 (ms)",
            quantile(app_ms, 0.95),
            quantile(bare_ms, 0.95),
            f"ms; p50 {quantile(app_ms, 0.5):.1f} vs {quantile(bare_ms, 0.5):.1f};"
            " baseline: bare UPDATE … RETURNING counter, 16 writers",
        ),
        (
            "docflow registrations per second",
            docs / app_s,
            docs / bare_s,
            f"per s; {WRITERS} writers; load average {load:.1f} after",
        ),
        (
            "docflow statements per registration",
            statements,
            1.0,
            "BEGIN/COMMIT aside; baseline: the bare counter's UPDATE … RETURNING",
        ),
    ]


def bench(docs: int, sqlite: bool = False) -> list[tuple[str, float, float, str]]:
    from unionline.testing import spares
    from unionline.testing.support import fresh_database

    server = (
        None
        if sqlite
        else os.environ.get(
            "UNIONLINE_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        )
    )
    print(
        f"# docflow journal on {'SQLite' if sqlite else 'PostgreSQL'}: {docs:,} documents,"
        f" {WRITERS} writers; load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), server) as url:
        rows = asyncio.run(session(url, docs))
    spares.close()
    return rows


def run(quick: bool) -> list[tuple[str, float, float, str]]:
    return bench(QUICK_DOCS if quick else DOCS)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.docflow_journal")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--docs", type=int)
    parser.add_argument("--sqlite", action="store_true", help="the same on a SQLite file")
    args = parser.parse_args(argv)
    from benchmarks.run import Row, table

    rows = bench(args.docs or (QUICK_DOCS if args.quick else DOCS), args.sqlite)
    print(table([Row("docflow_journal", f, v, b, u, TARGETS.get(f, "")) for f, v, b, u in rows]))


if __name__ == "__main__":
    main()
