"""How fast the workday switches routing (plugin ``timekeeping`` through the ``routing_holds``
hook), on a real app with in-process jobs: N rounds (50; ``--quick`` 15) of

- **finish → re-routed**: an appeal is offered to A; A finishes the workday; time until the
  offer is B's (the pending offer re-routed; A gets no new ones);
- **start → offered**: an appeal waits while A's day is over and B is full; A starts; time
  until it is offered to A;

each beside the **baseline** of the core's own path from the same run: A's presence set to
«away» (the console's switch) and back to «online», timed the same way. Targets: p99 < 1 s
(the issue's bound), whatever the baseline.

Standalone: ``python -m benchmarks.workday_routing [--quick]``. SQLite by default,
PostgreSQL with ``UNIONLINE_BENCH_DATABASE_URL``. The load average is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

ROUNDS, QUICK_ROUNDS = 50, 15
TARGETS = {
    "workday routing: finish -> pending offer re-routed, p99 (ms)": "<= 0 + 1000",
    "workday routing: start -> waiting appeal offered, p99 (ms)": "<= 0 + 1000",
}


async def offered_to(appeal_id: uuid.UUID) -> uuid.UUID | None:
    from unionline.runtime import current

    row = await current().db.fetchone(
        "SELECT operator_id FROM routing_offer WHERE appeal_id = {} AND state = 'pending'",
        appeal_id,
    )
    return uuid.UUID(str(row["operator_id"])) if row else None


async def until(check: Callable[[], Awaitable[bool]], started: float) -> float:
    for _ in range(4000):
        if await check():
            return (time.perf_counter() - started) * 1000
        await asyncio.sleep(0.002)
    raise AssertionError("routing did not follow within 8 s")


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def session(url: str, rounds: int) -> list[tuple[str, float, float, str]]:
    from unionline.access import Grant
    from unionline.appeals.services import create_appeal
    from unionline.members.services import create_member
    from unionline.operators.services import create_operator
    from unionline.plugins.timekeeping import workday
    from unionline.routing import engine, presence
    from unionline.runtime import current
    from unionline.testing.support import make_settings, running_app

    settings = make_settings(url, plugins=["timekeeping"])
    async with running_app(settings, migrate=True) as h:
        r = await h.client.post(
            "/api/organizations/", json={"name": "Профком", "code": "PK"}, headers=h.admin_headers
        )
        org = uuid.UUID(r.json()["id"])
        r = await h.client.post(
            "/api/routing/queues/",
            json={
                "organization_id": str(org),
                "name": "Общая",
                "is_default": True,
                "offer_timeout": 3600,
            },
            headers=h.admin_headers,
        )
        assert r.status_code == 201, r.text
        a = await create_operator(
            "a", "password-123", grants=[Grant("operator", org)], capacity=rounds * 4
        )
        b = await create_operator(
            "b", "password-123", grants=[Grant("operator", org)], capacity=rounds * 4
        )
        for who in (a, b):
            await presence.connected(who, f"bench-{who}")
            await workday.perform(who, "start")
        member = await create_member(None, org, full_name="Иван Петров")

        async def new_appeal() -> uuid.UUID:
            view = await create_appeal(
                None, organization_id=org, member_id=member, subject="Вопрос", channel="reference"
            )
            return view.id

        async def done(*appeals: uuid.UUID) -> None:
            db = current().db
            marks = ", ".join("{}" for _ in appeals)
            await db.execute(
                f"UPDATE routing_offer SET state = 'cancelled' WHERE appeal_id IN ({marks})",
                *appeals,
            )
            await db.execute(
                f"UPDATE appeal_appeal SET status = 'closed' WHERE id IN ({marks})", *appeals
            )

        finish: list[float] = []
        start: list[float] = []
        away: list[float] = []
        back: list[float] = []
        for _ in range(rounds):
            # the product: a finishes (b takes a's offer), a starts (a gets the waiting one)
            await workday.perform(b, "break")  # only a may take the next appeal
            first = await new_appeal()
            await until(lambda x=first: _is(x, a), time.perf_counter())
            await workday.perform(b, "resume")
            t0 = time.perf_counter()
            await workday.perform(a, "finish")
            finish.append(await until(lambda x=first: _is(x, b), t0))
            await workday.perform(b, "break")
            second = await new_appeal()  # a's day is over, b on a break: it waits
            await asyncio.sleep(0.05)
            assert await offered_to(second) is None
            t0 = time.perf_counter()
            await workday.perform(a, "start")
            start.append(await until(lambda x=second: _is(x, a), t0))
            # the baseline: the console's presence switch, the core's own path
            third = await new_appeal()
            await until(lambda x=third: _is(x, a), time.perf_counter())
            await workday.perform(b, "resume")
            t0 = time.perf_counter()
            async with current().db.transaction():
                await presence.apply(a, engine.now(), chosen="away")
            away.append(await until(lambda x=third: _is(x, b), t0))
            await workday.perform(b, "break")
            fourth = await new_appeal()
            await asyncio.sleep(0.05)
            assert await offered_to(fourth) is None
            t0 = time.perf_counter()
            async with current().db.transaction():
                await presence.apply(a, engine.now(), chosen="online")
            back.append(await until(lambda x=fourth: _is(x, a), t0))
            await workday.perform(b, "resume")
            await done(first, second, third, fourth)  # each operator holds a few offers, not N
        print(
            f"# {rounds} rounds: finish→re-routed p50 {statistics.median(finish):.0f} ms,"
            f" start→offered p50 {statistics.median(start):.0f} ms; presence away→re-routed p50"
            f" {statistics.median(away):.0f} ms, online→offered p50"
            f" {statistics.median(back):.0f} ms;"
            f" load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        return [
            (
                "workday routing: finish -> pending offer re-routed, p99 (ms)",
                p99(finish),
                p99(away),
                "ms",
            ),
            (
                "workday routing: start -> waiting appeal offered, p99 (ms)",
                p99(start),
                p99(back),
                "ms",
            ),
        ]


async def _is(appeal_id: uuid.UUID, operator_id: uuid.UUID) -> bool:
    return await offered_to(appeal_id) == operator_id


def bench(rounds: int) -> list[tuple[str, float, float, str]]:
    from unionline.testing import spares
    from unionline.testing.support import fresh_database

    server = os.environ.get("UNIONLINE_BENCH_DATABASE_URL")
    engine = "PostgreSQL" if server else "SQLite"
    print(f"# workday routing on {engine}: {rounds} rounds; load average {os.getloadavg()[0]:.1f}")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), server) as url:
        rows = asyncio.run(session(url, rounds))
    spares.close()
    return rows


def run(quick: bool) -> list[tuple[str, float, float, str]]:
    return bench(QUICK_ROUNDS if quick else ROUNDS)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.workday_routing")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int)
    args = parser.parse_args(argv)
    from benchmarks.run import Row, table

    rows = bench(args.rounds or (QUICK_ROUNDS if args.quick else ROUNDS))
    print(table([Row("workday_routing", f, v, b, u, TARGETS.get(f, "")) for f, v, b, u in rows]))


if __name__ == "__main__":
    main()
