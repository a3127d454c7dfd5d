"""PeriodicJob: one run per time slot whoever schedules it, the next slot scheduled after every
run (a failed one too), ``now`` at startup, a period read from settings at each scheduling."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from unionline import PeriodicJob, hookimpl
from unionline.registry import JobsRegistrar
from unionline.settings import Settings
from unionline.testing import AppHarness
from unionline.testing.support import running_app

HOUR = 3600.0
runs: list[str] = []
period = [60.0]


async def tidy() -> None:
    runs.append("tidy")
    if runs.count("tidy") == 1:
        raise RuntimeError("disk full")


async def sweep() -> None:
    runs.append("sweep")


TIDY = PeriodicJob("chores.tidy", tidy, every=HOUR)
SWEEP = PeriodicJob("chores.sweep", sweep, every=lambda: period[0])


class Chores:
    @hookimpl
    def register_jobs(self, register: JobsRegistrar) -> None:
        TIDY.register(register)
        SWEEP.register(register)

    @hookimpl
    async def startup(self, app: Any) -> None:
        await TIDY.schedule()


@pytest.fixture
async def h(unionline_settings: Settings) -> AsyncIterator[AppHarness]:
    runs.clear()
    period[0] = 60.0
    chores = {"chores": Chores()}
    async with running_app(unionline_settings, migrate=True, extra_plugins=chores) as harness:
        yield harness


async def pending(h: AppHarness, name: str) -> list[str]:
    rows = await h.runtime.db.fetch(
        "SELECT idempotency_key FROM system_job WHERE name = {} AND status = 'pending'", name
    )
    return sorted(r["idempotency_key"] for r in rows)


def next_slot(name: str, every: float, since: float) -> set[str]:
    """The key of the slot after ``since``, or after now (a slot may begin in between)."""
    return {f"{name}:{int(t // every) + 1}" for t in (since, time.time())}


async def test_one_run_per_slot_whoever_schedules_it(h: AppHarness) -> None:
    [scheduled] = await pending(h, TIDY.name)  # by the startup hook
    assert scheduled in next_slot(TIDY.name, HOUR, time.time() - 60)
    await TIDY.schedule()  # another process starting: the same slot, no second run
    assert await pending(h, TIDY.name) == [scheduled]
    at = 1_800_000_000.0  # a slot is counted from the epoch and starts on the hour
    job_id = await TIDY.schedule(at=at)
    slot = int(at // HOUR) + 1
    [row] = await h.runtime.db.fetch(
        "SELECT idempotency_key, run_at FROM system_job WHERE id = {}", job_id
    )
    assert row["idempotency_key"] == f"chores.tidy:{slot}"
    assert float(row["run_at"]) == pytest.approx(slot * HOUR, abs=1.0)


async def test_a_failed_run_still_schedules_the_next_slot(h: AppHarness) -> None:
    await h.runtime.db.execute("DELETE FROM system_job WHERE name = {}", TIDY.name)
    before = time.time()
    with pytest.raises(RuntimeError):
        await TIDY.run(None, None)  # the job is retried as any job; the chore goes on
    [scheduled] = await pending(h, TIDY.name)
    assert scheduled in next_slot(TIDY.name, HOUR, before)


async def test_now_runs_at_once_and_the_period_is_read_at_each_scheduling(
    h: AppHarness,
) -> None:
    before = time.time()
    assert await SWEEP.schedule(now=True) is not None
    await h.settle()
    assert runs == ["sweep"]
    [by_the_run] = await pending(h, SWEEP.name)
    assert by_the_run in next_slot(SWEEP.name, 60.0, before)
    period[0] = 3600.0  # the setting changed: the next scheduling uses it
    before = time.time()
    await SWEEP.schedule()
    [by_us] = set(await pending(h, SWEEP.name)) - {by_the_run}
    assert by_us in next_slot(SWEEP.name, 3600.0, before)
