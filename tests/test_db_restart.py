"""A PostgreSQL restart (``-m fast``, then ``-m immediate``) under load: the event relay and the
job executor resume by themselves, and every committed event is positioned and delivered.

Runs in the PostgreSQL pass only, on a throwaway cluster of its own (never the shared server).
Before the fix, the relay that was inside its transaction at the restart kept reusing piccolo's
dead transaction forever ("connection has been released back to the pool").
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import msgspec
import pytest
from pg_cluster_support import Cluster, throwaway_cluster
from plugins_for_tests.jobsink import JOB, Apply, create_tables
from plugins_for_tests.support import FAST_JOBS, PLUGIN_PATHS, job_counts

from unionline import hookimpl, runtime
from unionline.db import database_unavailable, describe_error
from unionline.events import RELAY_LOCK, Event, StoredEvent
from unionline.registry import EventsRegistrar
from unionline.runtime import Runtime
from unionline.testing.support import make_settings

LOAD = 300  # events (each with a job) published while the server restarts twice
DEADLINE = 120.0  # the whole test; a relay that never resumes fails here instead of hanging


class Tick(Event, tag="test.tick"):
    n: int


class Ticks:
    @hookimpl
    def register_events(self, register: EventsRegistrar) -> None:
        register(Tick)


@pytest.fixture
def cluster(on_postgres: bool) -> AsyncIterator[Cluster]:
    if not on_postgres:
        pytest.skip("PostgreSQL pass only (the test runs a PostgreSQL cluster of its own)")
    with throwaway_cluster() as started:
        yield started  # type: ignore[misc]


@contextlib.asynccontextmanager
async def started(cluster: Cluster) -> AsyncIterator[Runtime]:
    url = await cluster.create_database("unionline")
    settings = make_settings(url, plugins=["jobsink"], jobs=FAST_JOBS)
    rt = runtime.build(*runtime.from_settings(settings, extra_plugins={"ticks": Ticks()}))
    async with rt.running(migrate=True, execute_jobs=True):
        await create_tables(rt.db)
        yield rt


class Load:
    """Publishes ticks (each with a job in the same transaction) until stopped, retrying the
    same tick through the outages; keeps the errors it met."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.published = 0
        self.errors: list[Exception] = []
        self.stop = asyncio.Event()

    async def run(self) -> None:
        while not self.stop.is_set():
            n = self.published
            try:
                async with self.rt.db.transaction():
                    await self.rt.events.publish(Tick(n=n))
                    await self.rt.jobs.enqueue(JOB, Apply(), key=f"tick-{n}", max_attempts=1000)
            except Exception as exc:  # the server is restarting: the same tick again
                self.errors.append(exc)
                await asyncio.sleep(0.05)
                continue
            self.published += 1
            await asyncio.sleep(0.005)  # a steady stream, not a burst before the restart

    async def reached(self, count: int) -> None:
        while self.published < count:
            await asyncio.sleep(0.02)


async def relay_waiting_for_lock(url: str) -> bool:
    conn = await asyncpg.connect(url)
    try:
        return bool(
            await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND query LIKE '%pg_advisory_xact_lock%'"
            )
        )
    finally:
        await conn.close()


async def restart_with_relay_inside_its_transaction(cluster: Cluster, rt: Runtime) -> None:
    """Hold the relay's lock so the relay waits inside its transaction, then restart fast."""
    holder = await asyncpg.connect(rt.db.url)  # advisory locks are per database
    await holder.execute("SELECT pg_advisory_lock($1)", RELAY_LOCK)
    await rt.events.publish(Tick(n=-1))  # wakes the relay, which now waits for the lock
    while not await relay_waiting_for_lock(rt.db.url):
        await asyncio.sleep(0.02)
    await cluster.restart_async("fast")
    holder.terminate()


async def wait_until(check: Callable[[], Awaitable[bool]], what: str, state: object = None) -> None:
    try:
        async with asyncio.timeout(60):
            while not await check():
                await asyncio.sleep(0.1)
    except TimeoutError:
        raise AssertionError(f"not reached within a minute: {what} ({state})") from None


async def test_relay_and_jobs_resume_after_fast_and_immediate_restarts(cluster: Cluster) -> None:
    # In a task of its own: a relay that never resumes must fail the test, even when the
    # runtime's shutdown then hangs on it too (it did before the fix).
    task = asyncio.create_task(restarts_under_load(cluster))
    done, _ = await asyncio.wait({task}, timeout=DEADLINE)
    if not done:
        task.cancel()
        await asyncio.wait({task}, timeout=10)
        pytest.fail(f"the app did not recover from the restarts within {DEADLINE:.0f} s")
    task.result()


async def restarts_under_load(cluster: Cluster) -> None:
    delivered: dict[int, int] = {}  # event id -> position, as the realtime sinks saw them

    async def sink(batch: list[StoredEvent]) -> None:
        delivered.update((e.id, e.position) for e in batch)

    async with started(cluster) as rt:
        rt.events.sinks.append(sink)
        load = Load(rt)
        publishing = asyncio.create_task(load.run())
        step = LOAD // 3
        await load.reached(step)
        await restart_with_relay_inside_its_transaction(cluster, rt)
        await load.reached(load.published + step)
        await cluster.restart_async("immediate")
        await load.reached(load.published + step)
        load.stop.set()
        await publishing
        assert load.errors, "the load met no outage: the restarts did not happen under load"
        # What a web request meets during a restart is an outage (503), not a bug (500).
        assert all(database_unavailable(e) for e in load.errors), {
            describe_error(e) for e in load.errors if not database_unavailable(e)
        }

        state: dict[str, object] = {}

        async def all_positioned_and_delivered() -> bool:
            rows = await rt.db.fetch("SELECT id, position FROM system_event")
            stored = {int(r["id"]): r["position"] for r in rows}
            state["unpositioned"] = sorted(i for i, p in stored.items() if p is None)[:10]
            state["undelivered"] = sorted(set(stored) - set(delivered))[:10]
            state["differ"] = sorted(i for i in delivered if delivered[i] != stored.get(i))[:10]
            return None not in stored.values() and delivered == stored

        await wait_until(
            all_positioned_and_delivered, "every event positioned and delivered", state
        )
        positions = sorted(delivered.values())
        assert positions == list(range(1, len(positions) + 1))  # dense, each once
        rows = await rt.db.fetch("SELECT payload FROM system_event WHERE type = 'test.tick'")
        ticks = {msgspec.json.decode(r["payload"], type=Tick).n for r in rows}
        assert (
            set(range(load.published)) <= ticks
        )  # every tick committed (a lost commit reply: twice)

        async def jobs_done() -> bool:
            counts = await job_counts(rt)
            return counts["done"] >= load.published and counts["pending"] == counts["running"] == 0

        await wait_until(jobs_done, "every job done")
        await wait_until(lambda: _true(rt.events.listening), "the relay listening again")
        assert (await job_counts(rt))["dead"] == 0
    print(
        f"{len(load.errors)} publish attempts failed during the restarts; {len(delivered)} events"
    )


@pytest.fixture(autouse=True)
def jobsink_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNIONLINE_PLUGIN_PATHS", PLUGIN_PATHS)


async def _true(value: bool) -> bool:
    return value
