"""The arq executor on the real Redis: messages after commit, outbox retries, the sweeper."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import pytest
from plugins_for_tests.jobsink import JOB, Apply
from plugins_for_tests.support import (
    PLUGIN_PATHS,
    enqueue_many,
    forget_queue,
    job_counts,
    jobs_redis_url,
    jobs_runtime,
    runs_by_key,
    sink,
    sink_jobs,
    wait_for,
)
from redis.asyncio import Redis

from unionline.jobs import arq as jobs_arq
from unionline.jobs.arq import ArqDispatcher, ArqWorker
from unionline.runtime import Runtime
from unionline.testing import require_service


@pytest.fixture(autouse=True)
def jobsink_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNIONLINE_PLUGIN_PATHS", PLUGIN_PATHS)


@pytest.fixture
def redis_url() -> str:
    require_service("Redis", "127.0.0.1", 6379)
    return jobs_redis_url()


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
    counts = await job_counts(rt)
    return counts["pending"] == 0 and counts["running"] == 0


async def test_commit_queues_a_message_and_a_rollback_queues_none(
    rt: Runtime, redis: Redis
) -> None:
    queue = rt.settings.jobs.queue
    with pytest.raises(RuntimeError):
        async with rt.db.transaction():
            await rt.jobs.enqueue(JOB, Apply(), key="rolled-back")
            raise RuntimeError("rollback")
    assert await redis.zcard(queue) == 0
    async with rt.db.transaction():
        job_id = await rt.jobs.enqueue(JOB, Apply(), key="committed")
        assert await redis.zcard(queue) == 0  # not before the commit
    assert [m.decode() for m in await redis.zrange(queue, 0, -1)] == [f"{queue}:{job_id}:0"]
    assert await redis.exists(f"arq:job:{queue}:{job_id}:0")


async def test_arq_worker_retries_through_the_outbox(rt: Runtime) -> None:
    flaky = await rt.jobs.enqueue(JOB, Apply(value=2, fail_times=2), key="flaky")
    dead = await rt.jobs.enqueue(JOB, Apply(permanent=True), key="dead")
    slow = await rt.jobs.enqueue(JOB, Apply(value=3, not_ready=0.3), key="not-ready")
    # Handed back uncounted: each run still a message of its own name (attempts rise).
    away = await rt.jobs.enqueue(JOB, Apply(value=4, not_here=3), key="away", max_attempts=1)
    async with arq_worker(rt):
        await wait_for(lambda: settled(rt), 30, "jobs to settle")
    assert {j.id: j.status for j in await sink_jobs(rt)} == {
        flaky: "done",
        dead: "dead",
        slow: "done",
        away: "done",
    }
    runs = await runs_by_key(rt)
    assert sorted(a for a, _ in runs["flaky"]) == [1, 2, 3]  # each retry a new outbox attempt
    assert len(runs["dead"]) == 1 and len(runs["not-ready"]) == 2
    assert sorted(a for a, _ in runs["away"]) == [1, 2, 3, 4]
    assert (await sink(rt)).total == 9


async def test_work_survives_losing_redis(rt: Runtime, redis: Redis) -> None:
    await enqueue_many(rt, 50, lambda n: Apply(value=n))
    assert await redis.zcard(rt.settings.jobs.queue) == 50
    await forget_queue(jobs_redis_url(), rt.settings.jobs.queue)  # the messages are gone ...
    assert await redis.zcard(rt.settings.jobs.queue) == 0  # ... the outbox rows are not
    async with arq_worker(rt):
        await wait_for(lambda: settled(rt), 30, "the sweeper to recover the jobs")
    state = await sink(rt)
    assert (state.effects, state.total) == (50, sum(range(50)))
    assert (await job_counts(rt))["done"] == 50


async def test_stale_and_duplicate_messages_are_harmless(rt: Runtime, redis: Redis) -> None:
    job_id = await rt.jobs.enqueue(JOB, Apply(value=4), key="once")
    assert job_id is not None
    async with arq_worker(rt) as worker:
        await wait_for(lambda: settled(rt), 30, "the job")
        assert await worker.run_message(job_id) is None  # a late duplicate finds nothing due
    assert (await sink(rt)).runs == 1
    assert await redis.zcard(rt.settings.jobs.queue) == 0


async def test_without_redis_jobs_commit_and_run_from_the_database(
    unionline_database_url: str,
) -> None:
    nowhere = "redis://127.0.0.1:1/0"  # nothing listens there
    async with jobs_runtime(unionline_database_url, execute_jobs=True, redis_url=nowhere) as rt:
        assert isinstance(rt.executor, ArqDispatcher)
        await enqueue_many(rt, 10, lambda n: Apply(value=n))  # commits despite Redis
        async with arq_worker(rt):
            await wait_for(lambda: settled(rt), 30, "jobs to run without Redis")
        state = await sink(rt)
        assert (state.effects, state.total) == (10, sum(range(10)))


async def test_worker_returns_to_arq_when_redis_comes_back(
    unionline_database_url: str, redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jobs_arq, "REDIS_RETRY", 0.3)
    port = free_port()
    # A proxy to the test Redis, down at first.
    url = urlunsplit(urlsplit(jobs_redis_url())._replace(netloc=f"127.0.0.1:{port}"))
    async with jobs_runtime(unionline_database_url, redis_url=url) as rt:
        health = f"{rt.settings.jobs.queue}:health-check"  # written by a running arq worker
        async with arq_worker(rt):
            await enqueue_many(rt, 5, lambda n: Apply(value=n))
            await wait_for(lambda: settled(rt), 30, "jobs to run while Redis is away")
            assert not await redis.exists(health)
            async with redis_proxy(port):
                await wait_for(lambda: redis.exists(health), 30, "arq to take over")
                async with rt.db.transaction():
                    for n in range(5, 10):
                        await rt.jobs.enqueue(JOB, Apply(value=n), key=f"sink-{n}")
                await wait_for(lambda: settled(rt), 30, "the sweeper and arq to run them")
        assert (await sink(rt)).total == sum(range(10))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def redis_proxy(port: int) -> AsyncIterator[None]:
    """Forward 127.0.0.1:<port> to the real Redis (Redis "coming back")."""
    links: set[asyncio.StreamWriter] = set()

    async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        sink.close()

    async def link(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", 6379)
        links.update((writer, upstream_writer))
        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))

    server = await asyncio.start_server(link, "127.0.0.1", port)
    try:
        yield
    finally:
        server.close()
        for writer in links:
            writer.close()
