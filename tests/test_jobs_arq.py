"""The arq executor on the real Redis: messages after commit, outbox retries, the sweeper."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from plugins_for_tests.jobsink import JOB, Apply
from plugins_for_tests.support import (
    PLUGIN_PATHS,
    enqueue_many,
    flush_redis,
    jobs_redis_url,
    jobs_runtime,
    runs_by_key,
    sink,
    wait_for,
)
from redis.asyncio import Redis
from unionline.jobs_arq import QUEUE, ArqDispatcher, ArqWorker
from unionline.runtime import Runtime
from unionline.testing import require_service


@pytest.fixture(autouse=True)
def jobsink_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNIONLINE_PLUGIN_PATHS", PLUGIN_PATHS)


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    require_service("Redis", "127.0.0.1", 6379)
    url = jobs_redis_url()
    await flush_redis(url)
    yield url
    await flush_redis(url)


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
async def rt(unionline_database_url: str, redis_url: str) -> AsyncIterator[Runtime]:
    async with jobs_runtime(unionline_database_url, execute_jobs=True, redis_url=redis_url) as r:
        assert isinstance(r.executor, ArqDispatcher)
        yield r


@contextlib.asynccontextmanager
async def arq_worker(rt: Runtime) -> AsyncIterator[ArqWorker]:
    worker = ArqWorker(rt.jobs, rt.settings.redis_url or "")
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        yield worker
    finally:
        stop.set()
        await task


async def settled(rt: Runtime) -> bool:
    counts = await rt.jobs.counts()
    return counts["pending"] == 0 and counts["running"] == 0


async def test_commit_queues_a_message_and_a_rollback_queues_none(
    rt: Runtime, redis: Redis
) -> None:
    with pytest.raises(RuntimeError):
        async with rt.db.transaction():
            await rt.jobs.enqueue(JOB, Apply(), key="rolled-back")
            raise RuntimeError("rollback")
    assert await redis.zcard(QUEUE) == 0
    async with rt.db.transaction():
        job_id = await rt.jobs.enqueue(JOB, Apply(), key="committed")
        assert await redis.zcard(QUEUE) == 0  # not before the commit
    assert [m.decode() for m in await redis.zrange(QUEUE, 0, -1)] == [f"ul:{job_id}:0"]
    assert await redis.exists(f"arq:job:ul:{job_id}:0")


async def test_arq_worker_retries_through_the_outbox(rt: Runtime) -> None:
    flaky = await rt.jobs.enqueue(JOB, Apply(value=2, fail_times=2), key="flaky")
    dead = await rt.jobs.enqueue(JOB, Apply(permanent=True), key="dead")
    slow = await rt.jobs.enqueue(JOB, Apply(value=3, not_ready=0.3), key="not-ready")
    async with arq_worker(rt):
        await wait_for(lambda: settled(rt), 30, "jobs to settle")
    assert {j.id: j.status for j in await rt.jobs.list()} == {
        flaky: "done",
        dead: "dead",
        slow: "done",
    }
    runs = await runs_by_key(rt)
    assert sorted(a for a, _ in runs["flaky"]) == [1, 2, 3]  # each retry a new outbox attempt
    assert len(runs["dead"]) == 1 and len(runs["not-ready"]) == 2
    assert (await sink(rt)).total == 5


async def test_work_survives_losing_redis(rt: Runtime, redis: Redis) -> None:
    await enqueue_many(rt, 50, lambda n: Apply(value=n))
    assert await redis.zcard(QUEUE) == 50
    await redis.flushdb()  # every message is gone; the outbox rows are not
    async with arq_worker(rt):
        await wait_for(lambda: settled(rt), 30, "the sweeper to recover the jobs")
    state = await sink(rt)
    assert (state.effects, state.total) == (50, sum(range(50)))
    assert (await rt.jobs.counts())["done"] == 50


async def test_stale_and_duplicate_messages_are_harmless(rt: Runtime, redis: Redis) -> None:
    job_id = await rt.jobs.enqueue(JOB, Apply(value=4), key="once")
    assert job_id is not None
    async with arq_worker(rt) as worker:
        await wait_for(lambda: settled(rt), 30, "the job")
        assert await worker.run_message(job_id) is None  # a late duplicate finds nothing due
    assert (await sink(rt)).runs == 1
    assert await redis.zcard(QUEUE) == 0
