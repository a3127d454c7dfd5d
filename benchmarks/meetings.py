"""The meetings plugin on PostgreSQL: a federation of 26 primary organizations, 200 staff and
20,000 meetings over a year, three participants each (``--quick``: 2,000).

Rows, each beside a baseline from the same run:

- **team calendar, week p95 (ms)** — ``calendar.entries`` for one primary organization's week
  (meetings in scope, their staff, the calendar sources asked) as its supervisor reads it,
  against the **bare SQL** of the same rows (the meetings of the organization touching the week
  and their participants: two statements, asyncpg) — target: p95 <= 3 × bare + 20 ms;
- **free/busy, 10 staff × 1 day p95 (ms)** — ``calendar.busy`` against the same bare SQL for
  that day — same target;
- **join links per second** — a Jitsi participant's address (claims, HS256 signature) against
  **bare ``jwt.encode``** of a fixed claim set — target: ratio >= 0.5.

Standalone: ``python -m benchmarks.meetings [--quick]``. PostgreSQL
(``UNIONLINE_BENCH_DATABASE_URL``). The load average is printed: other work moves the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec

MEETINGS, QUICK_MEETINGS = 20_000, 2_000
STAFF = 200
ORGS = 26
WEEK = "meetings: team calendar, week p95 (ms)"
BUSY = "meetings: free/busy, 10 staff x 1 day p95 (ms)"
LINKS = "meetings: Jitsi join links per second"
TARGETS = {WEEK: "<= 3 + 20", BUSY: "<= 3 + 20", LINKS: ">= 0.5"}
JITSI = {
    "provider": "jitsi",
    "jitsi_url": "https://meet.union.test",
    "jitsi_app_id": "unionline",
    "jitsi_app_secret": "bench-secret-0123456789abcdef0123",
}
START = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)


async def insert_many(db: Any, table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    width = len(rows[0]) if rows else 0
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        marks = ", ".join("(" + ", ".join("{}" for _ in range(width)) + ")" for _ in chunk)
        await db.execute(
            f"INSERT INTO {table} ({columns}) VALUES {marks}", *[v for row in chunk for v in row]
        )


async def seed(db: Any, orgs: list[uuid.UUID], count: int) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Staff spread over the organizations; meetings on working hours over a year."""
    now = datetime.now(UTC)
    staff = {org: [uuid.uuid4() for _ in range(STAFF // ORGS + 1)] for org in orgs}
    people = [(p, org) for org, ps in staff.items() for p in ps]
    await insert_many(
        db,
        "operator_operator",
        "id, login, name, email, password_hash, is_active, locale, timezone, capacity, skills,"
        " created_at, password_changed_at",
        [
            (p, f"b{n}", f"Сотрудник {n}", "", "", True, "ru", "Europe/Moscow", 10, "[]", now, 0.0)
            for n, (p, _) in enumerate(people)
        ],
    )
    rng = random.Random(7)
    meetings, participants = [], []
    for n in range(count):
        org = orgs[n % len(orgs)]
        day = START + timedelta(days=rng.randrange(365), hours=rng.randrange(9))
        mid = uuid.uuid4()
        who = rng.sample(staff[org], 3)
        meetings.append(
            (mid, org, f"Встреча {n}", day, day + timedelta(minutes=45), who[0], "jitsi",
             f"room{n:06d}", "{}", "scheduled", 0, False, False, now, now)
        )  # fmt: skip
        for i, p in enumerate(who):
            participants.append(
                (uuid.uuid4(), mid, f"{mid}:operator:{p}", p, f"Сотрудник {i}", "", "moderator",
                 "Europe/Moscow", False)
            )  # fmt: skip
    await insert_many(
        db,
        "meetings_meeting",
        "id, organization_id, title, starts_at, ends_at, organizer_id, provider, room, room_data,"
        " status, sequence, instant, absence_checked, created_at, updated_at",
        meetings,
    )
    await insert_many(
        db,
        "meetings_participant",
        "id, meeting_id, key, operator_id, name, email, role, timezone, absent_reported",
        participants,
    )
    return staff


async def bare(pool: Any, org: uuid.UUID, since: datetime, until: datetime) -> float:
    started = time.perf_counter()
    async with pool.acquire() as con:
        rows = await con.fetch(
            "SELECT * FROM meetings_meeting WHERE organization_id = $1 AND ends_at > $2"
            " AND starts_at < $3 AND status <> 'cancelled' ORDER BY starts_at",
            org,
            since,
            until,
        )
        await con.fetch(
            "SELECT * FROM meetings_participant WHERE meeting_id = ANY($1::uuid[])",
            [r["id"] for r in rows],
        )
    return time.perf_counter() - started


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] * 1000


async def session(url: str, count: int, rounds: int) -> list[tuple[str, float, float, str]]:
    import asyncpg
    import jwt

    from unionline import Actor, Grant
    from unionline.plugins.meetings import calendar, jitsi
    from unionline.plugins.meetings.providers import Joiner
    from unionline.plugins.meetings.settings import MeetingsSettings
    from unionline.runtime import current
    from unionline.settings import settings_type
    from unionline.testing.support import make_settings, running_app

    data = msgspec.to_builtins(make_settings(url, plugins=["meetings"]))
    data["meetings"] = JITSI
    settings = msgspec.convert(data, settings_type({"meetings": MeetingsSettings}))
    async with running_app(settings, migrate=True, execute_jobs=False) as h:
        fed = (
            await h.client.post(
                "/api/organizations/",
                json={"name": "Федерация", "code": "FED", "kind": "federation"},
                headers=h.admin_headers,
            )
        ).json()["id"]
        orgs = []
        for n in range(ORGS):
            r = await h.client.post(
                "/api/organizations/",
                json={"name": f"ППО {n}", "code": f"P{n:02d}", "parent_id": fed},
                headers=h.admin_headers,
            )
            orgs.append(uuid.UUID(r.json()["id"]))
        db = current().db
        staff = await seed(db, orgs, count)
        await db.execute("ANALYZE")
        reader = Actor(
            operator_id=staff[orgs[3]][0],
            grants=(Grant("supervisor", orgs[3]),),
            permissions=frozenset(h.runtime.registry.permissions),
        )
        pool = await asyncpg.create_pool(
            url.replace("postgresql+asyncpg", "postgresql"), min_size=1, max_size=2
        )
        rng = random.Random(11)
        weeks, busy, bare_week, bare_day = [], [], [], []
        try:
            for _ in range(rounds):
                since = START + timedelta(days=7 * rng.randrange(50))
                until = since + timedelta(days=7)
                started = time.perf_counter()
                await calendar.entries(reader, since, until, None, orgs[3])
                weeks.append(time.perf_counter() - started)
                bare_week.append(await bare(pool, orgs[3], since, until))
                day = since + timedelta(days=rng.randrange(5))
                started = time.perf_counter()
                await calendar.busy(reader, staff[orgs[3]][:10], day, day + timedelta(days=1))
                busy.append(time.perf_counter() - started)
                bare_day.append(await bare(pool, orgs[3], day, day + timedelta(days=1)))
        finally:
            await pool.close()

    config = MeetingsSettings(**JITSI)  # type: ignore[arg-type]
    joiner = Joiner(user_id="p", name="Мария Соколова", moderator=False, expires_at=until)
    n = 2000 if rounds < 100 else 10_000
    started = time.perf_counter()
    for _ in range(n):
        jitsi.token(config, "room", joiner)
    ours = n / (time.perf_counter() - started)
    claims = jitsi.claims(config, "room", joiner)
    started = time.perf_counter()
    for _ in range(n):
        jwt.encode(claims, config.jitsi_app_secret, algorithm="HS256")
    raw = n / (time.perf_counter() - started)
    print(
        f"# {count:,} meetings: week p95 {p95(weeks):.1f} ms (bare {p95(bare_week):.1f}),"
        f" free/busy p95 {p95(busy):.1f} ms (bare {p95(bare_day):.1f}); links {ours:.0f}/s"
        f" (jwt.encode {raw:.0f}/s); load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    return [
        (WEEK, p95(weeks), p95(bare_week), "ms"),
        (BUSY, p95(busy), p95(bare_day), "ms"),
        (LINKS, ours, raw, "per second"),
    ]


def bench(count: int, rounds: int) -> list[tuple[str, float, float, str]]:
    from unionline.testing import spares
    from unionline.testing.support import fresh_database

    server = os.environ.get(
        "UNIONLINE_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    print(
        f"# meetings on PostgreSQL: {count:,} meetings; load {os.getloadavg()[0]:.1f}", flush=True
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), server) as url:
        rows = asyncio.run(session(url, count, rounds))
    spares.close()
    return rows


def run(quick: bool) -> list[tuple[str, float, float, str]]:
    return bench(QUICK_MEETINGS, 40) if quick else bench(MEETINGS, 200)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.meetings")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    from benchmarks.run import Row, table

    rows = run(args.quick)
    print(table([Row("meetings", f, v, b, u, TARGETS.get(f, "")) for f, v, b, u in rows]))


if __name__ == "__main__":
    main()
