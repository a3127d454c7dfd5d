"""Acceptance: 1,000 jobs with random transient failures and a worker killed with SIGKILL in the
middle; every job's effect is applied exactly once — in-process executor and arq on Redis."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from plugins_for_tests.jobsink import Apply
from plugins_for_tests.support import (
    PLUGIN_PATHS,
    cli_env,
    enqueue_many,
    job_counts,
    jobs_redis_url,
    jobs_runtime,
    runs_by_key,
    sink,
    unionline_cli,
    wait_for,
    waited,
)

from unionline.runtime import Runtime
from unionline.testing import require_service

JOBS = 1000


@pytest.fixture(autouse=True)
def jobsink_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNIONLINE_PLUGIN_PATHS", PLUGIN_PATHS)


async def running_ids(rt: Runtime) -> list[int]:
    rows = await rt.db.fetch("SELECT id FROM system_job WHERE status = 'running' ORDER BY id")
    return [int(r["id"]) for r in rows]


@pytest.mark.slow
@pytest.mark.parametrize("executor", ["inprocess", "arq"])
async def test_thousand_flaky_jobs_and_a_killed_worker_apply_each_effect_once(
    executor: str, unionline_database_url: str, tmp_path: Path
) -> None:
    redis = None
    if executor == "arq":
        require_service("Redis", "127.0.0.1", 6379)
        redis = jobs_redis_url()
    # With arq the test process only dispatches (pushes messages); it never runs jobs itself.
    async with jobs_runtime(
        unionline_database_url, execute_jobs=redis is not None, redis_url=redis
    ) as rt:
        await enqueue_many(rt, JOBS, lambda n: Apply(value=n, fail_rate=0.2, sleep=0.01))
        env = cli_env(unionline_database_url, redis, queue=rt.settings.jobs.queue)
        log = tmp_path / "workers.log"

        first = unionline_cli("worker", env=env, cwd=tmp_path, log=log)
        try:

            async def well_under_way() -> bool:
                return (await sink(rt)).effects >= JOBS // 3 and bool(await running_ids(rt))

            await wait_for(well_under_way, 90, "the first worker to get going")
        finally:
            first.send_signal(signal.SIGKILL)
            await waited(first, 30)
        orphans = await running_ids(rt)  # leased to a process that no longer exists
        assert orphans, "the worker was killed with no job in hand"
        assert (await sink(rt)).effects < JOBS

        second = unionline_cli("worker", env=env, cwd=tmp_path, log=log)
        try:

            async def all_done() -> bool:
                return (await job_counts(rt))["done"] == JOBS

            try:
                await wait_for(all_done, 90, "the second worker to finish every job")
            except TimeoutError:
                counts = await job_counts(rt)
                pytest.fail(f"not finished: {counts}\n{log.read_text()[-3000:]}")
        finally:
            second.send_signal(signal.SIGTERM)
            status = await waited(second, 60)
        assert status == 0, log.read_text()[-3000:]

        state = await sink(rt)
        assert (state.effects, state.applied, state.total) == (JOBS, JOBS, sum(range(JOBS)))
        assert state.runs > JOBS  # transient failures and the crash made jobs run again
        assert await job_counts(rt) == {"pending": 0, "running": 0, "done": JOBS, "dead": 0}
        runs = await runs_by_key(rt)
        for job_id in orphans:  # taken up again by the second worker after the lease expired
            job = await rt.jobs.get(job_id)
            assert job is not None and job.idempotency_key is not None
            assert second.pid in {pid for _, pid in runs[job.idempotency_key]}
