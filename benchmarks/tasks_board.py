"""The tasks plugin's kanban at size: one project of 5,000 cards on PostgreSQL, served by a real
app (uvicorn) with a second operator's console socket open.

Rows, each against a baseline from the same run:

- **board load**, p95 of ``GET /api/tasks/board?project_id=`` (HTTP, the service, every card
  in the answer) against the **bare card statement** (the board's cards as rows, through
  asyncpg — the service itself has PostgreSQL build each column's JSON); and against the
  issue's 300 ms;
- **move**, p95 of ``POST /api/tasks/{id}/move`` (a random card between two random cards of a
  random stage) against the bare one-row ``UPDATE`` through asyncpg; and against 50 ms;
- **rows written per move** (inserts + updates + deletes of the tasks tables and the event log,
  from ``pg_stat_user_tables`` before and after the moves) against 4 (the card, its history line,
  the event and the relay giving it its log position) — O(1): it does not grow with the board;
- **live**, p95 from sending a move to the watching console receiving ``tasks.moved`` against
  300 ms.

Standalone: ``python -m benchmarks.tasks_board [--quick] [--cards N]``. Note ``uptime``: other
work on the machine moves these figures.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

CARDS, QUICK_CARDS = 5_000, 1_000
REPEATS, QUICK_REPEATS = 60, 20
TARGETS = {
    "tasks board load p95 vs 300 ms": "< 1",
    "tasks move p95 vs 50 ms": "< 1",
    "tasks rows written per move vs 4": "<= 1",
    "tasks move seen by a watching console p95 vs 300 ms": "< 1",
}


# The card, its history line, the event (inserted, then given its log position by the relay).
MOVE_TABLES = ("tasks_task", "tasks_history", "tasks_comment", "tasks_link", "system_event")


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


async def seed(db: Any, cards: int) -> tuple[uuid.UUID, list[uuid.UUID], list[uuid.UUID]]:
    """A project with four stages and ``cards`` cards spread over them, in bulk."""
    from unionline.plugins.tasks.ranks import spread

    org = (await db.fetch("SELECT id FROM organization_organization LIMIT 1"))[0]["id"]
    project = uuid.uuid4()
    now = datetime.now(UTC)
    await db.execute(
        "INSERT INTO tasks_project (id, organization_id, name, description, archived, created_at)"
        " VALUES ({}, {}, {}, '', false, {})",
        project,
        org,
        "Колдоговор",
        now,
    )
    stages = [uuid.uuid4() for _ in range(4)]
    for i, (stage, name) in enumerate(
        zip(stages, ("Новые", "В работе", "Проверка", "Готово"), strict=True)
    ):
        await db.execute(
            "INSERT INTO tasks_stage (id, project_id, name, position, status)"
            " VALUES ({}, {}, {}, {}, '')",
            stage,
            project,
            name,
            i,
        )
    ranks = spread(cards)
    ids = [uuid.uuid4() for _ in range(cards)]
    async with db.transaction():
        for n, card in enumerate(ids):
            await db.execute(
                "INSERT INTO tasks_task (id, organization_id, project_id, stage_id, rank, title,"
                " description, status, priority, acceptance, tags, checklist_total, checklist_done,"
                " subtasks_total, subtasks_done, comments, created_at, updated_at) VALUES ({}, {},"
                " {}, {}, {}, {}, '', 'new', 'normal', false, '[]', 0, 0, 0, 0, 0, {}, {})",
                card,
                org,
                project,
                stages[n % 4],
                ranks[n],
                f"Карточка {n}: проверить выплаты цеха",
                now,
                now,
            )
    return project, stages, ids


async def written(conn: Any) -> dict[str, int]:
    """Rows inserted, updated or deleted so far, by table."""
    await conn.execute("SELECT pg_stat_clear_snapshot()")
    rows = await conn.fetch(
        "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del AS n FROM pg_stat_user_tables"
    )
    return {r["relname"]: int(r["n"]) for r in rows}


async def settled(conn: Any, ready: Any, timeout: float = 30.0) -> dict[str, int]:
    """The table statistics once ``ready`` holds of them (polled; a deadline as a guard)."""
    deadline = time.monotonic() + timeout
    while True:
        found = await written(conn)
        if ready(found) or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.2)


def delta(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {k: v - before.get(k, 0) for k, v in after.items() if v != before.get(k, 0)}


async def session(url: str, cards: int, repeats: int) -> list[tuple[str, float, float, str]]:
    import asyncpg
    import httpx

    from unionline import create_app
    from unionline.access import Grant
    from unionline.operators.services import create_operator, create_token
    from unionline.testing import serve
    from unionline.testing.support import make_settings

    settings = make_settings(url, plugins=["tasks"])
    app = create_app(settings, migrate=True)
    async with serve(app) as base:
        runtime = app.state.runtime
        db = runtime.db
        admin = await create_operator("admin", "password-123", grants=[Grant("admin", None)])
        headers = {"Authorization": f"Bearer {await create_token(admin, 'bench')}"}
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client:
            r = await client.post("/api/organizations/", json={"name": "Профком", "code": "PK"})
            assert r.status_code == 201, r.text
            started = time.perf_counter()
            project, stages, ids = await seed(db, cards)
            print(f"#   {cards:,} cards in {time.perf_counter() - started:.0f} s", flush=True)
            raw = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
            try:
                return await measure(client, raw, base, headers, project, stages, ids, repeats)
            finally:
                await raw.close()


async def measure(
    client: Any,
    raw: Any,
    base: str,
    headers: dict[str, str],
    project: uuid.UUID,
    stages: list[uuid.UUID],
    ids: list[uuid.UUID],
    repeats: int,
) -> list[tuple[str, float, float, str]]:
    from unionline.plugins.tasks.store import CARD_COLUMNS
    from unionline.testing.console import console_client

    bare_sql = (
        f'SELECT {CARD_COLUMNS} FROM tasks_task WHERE project_id = $1 ORDER BY rank COLLATE "C", id'
    )
    load, bare_load = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        r = await client.get("/api/tasks/board", params={"project_id": str(project)})
        load.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200 and sum(len(c["cards"]) for c in r.json()["columns"]) == len(
            ids
        )
        t = time.perf_counter()
        await raw.fetch(bare_sql, project)
        bare_load.append((time.perf_counter() - t) * 1000)

    # The seed's inserts reach pg_stat_user_tables a second or two late: wait for them, or
    # they would be counted as the moves' writes.
    before = await settled(raw, lambda w: w.get("tasks_task", 0) >= len(ids))
    move, bare_move, live = [], [], []
    async with console_client(base, headers) as viewer:
        for _ in range(repeats):
            card = random.choice(ids)
            stage = random.choice(stages)
            others = await raw.fetchval(  # columns drift from a quarter of the board each
                "SELECT count(*) FROM tasks_task WHERE stage_id = $1 AND id <> $2", stage, card
            )
            neighbours = await raw.fetch(
                "SELECT id FROM tasks_task WHERE stage_id = $1 AND id <> $2"
                ' ORDER BY rank COLLATE "C" OFFSET $3 LIMIT 2',
                stage,
                card,
                random.randrange(0, max(1, others - 2)),
            )
            body = {
                "stage_id": str(stage),
                "after_id": str(neighbours[0]["id"]),
                "before_id": str(neighbours[1]["id"]),
            }
            t = time.perf_counter()
            r = await client.post(f"/api/tasks/{card}/move", json=body)
            move.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, r.text
            await viewer.until(
                lambda f, wanted=str(card): (
                    f.get("type") == "event"
                    and f.get("event") == "tasks.moved"
                    and f.get("data", {}).get("task_id") == wanted
                ),
                timeout=30,
            )
            live.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            await raw.execute(
                "UPDATE tasks_task SET rank = rank, updated_at = now() WHERE id = $1", card
            )
            bare_move.append((time.perf_counter() - t) * 1000)
    # statistics reach pg_stat_user_tables within a second or two: wait for every move's line
    moved = before.get("tasks_history", 0) + repeats
    await settled(raw, lambda w: w.get("tasks_history", 0) >= moved)
    await asyncio.sleep(1.0)  # and for stragglers of the same flush (events' log positions)
    changed = delta(await written(raw), before)
    changed["tasks_task"] = changed.get("tasks_task", 0) - repeats  # less the bare UPDATEs
    print(f"#   rows written during {repeats} moves, by table: {changed}", flush=True)
    # What the moves wrote; the rest is the machinery of any request (an API token's last use,
    # presence heartbeats, periodic jobs), not the move's.
    rows = sum(changed.get(t, 0) for t in MOVE_TABLES) / repeats
    return [
        (
            "tasks board load p95 (ms), HTTP",
            quantile(load, 0.95),
            quantile(bare_load, 0.95),
            f"ms; {len(ids):,} cards; p50 {quantile(load, 0.5):.1f}"
            f" vs {quantile(bare_load, 0.5):.1f}; baseline: bare SQL",
        ),
        ("tasks board load p95 vs 300 ms", quantile(load, 0.95), 300.0, "ms"),
        (
            "tasks move p95 (ms), HTTP",
            quantile(move, 0.95),
            quantile(bare_move, 0.95),
            f"ms; p50 {quantile(move, 0.5):.1f} vs {quantile(bare_move, 0.5):.1f};"
            " baseline: one-row UPDATE",
        ),
        ("tasks move p95 vs 50 ms", quantile(move, 0.95), 50.0, "ms"),
        (
            "tasks rows written per move vs 4",
            rows,
            4.0,
            "rows: the card, its history line, the event and its log position",
        ),
        (
            "tasks move seen by a watching console p95 vs 300 ms",
            quantile(live, 0.95),
            300.0,
            f"ms; p50 {quantile(live, 0.5):.1f}",
        ),
    ]


def bench(cards: int, repeats: int) -> list[tuple[str, float, float, str]]:
    from unionline.testing import spares
    from unionline.testing.support import fresh_database

    server = os.environ.get(
        "UNIONLINE_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    print(
        f"# tasks board on PostgreSQL: {cards:,} cards; load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), server) as url:
        rows = asyncio.run(session(url, cards, repeats))
    spares.close()
    return rows


def run(quick: bool) -> list[tuple[str, float, float, str]]:
    return bench(QUICK_CARDS if quick else CARDS, QUICK_REPEATS if quick else REPEATS)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tasks_board")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--cards", type=int)
    args = parser.parse_args(argv)
    from benchmarks.run import Row, table

    cards = args.cards or (QUICK_CARDS if args.quick else CARDS)
    rows = bench(cards, QUICK_REPEATS if args.quick else REPEATS)
    print(table([Row("tasks_board", f, v, b, u, TARGETS.get(f, "")) for f, v, b, u in rows]))


if __name__ == "__main__":
    main()
