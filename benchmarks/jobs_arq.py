"""Job throughput of the arq executor vs. raw arq no-op jobs (target ratio >= 0.5).

Both sides: the same Redis, the same number of worker processes with the same ``max_jobs`` and
poll delay, arq results not kept. Workers start first and report ready; then the clock runs
from the first enqueue until the last job has finished. ``CONCURRENT`` tasks enqueue at once,
as web requests would.

* **value** — ``JobQueue.enqueue`` of a no-op job, one per PostgreSQL transaction (the outbox
  row; the message is pushed to Redis after commit), run by ``ArqWorker`` processes that claim
  the row, run it and mark it done.
* **baseline** — ``ArqRedis.enqueue_job`` of a no-op function, run by plain arq ``Worker``
  processes.

Rounds alternate the two sides; the figures are medians of the rounds' rates. Needs PostgreSQL
(``UNIONLINE_TEST_DATABASE_URL``, else ``postgresql://postgres@127.0.0.1:5432/test``; a fresh
database is created and dropped) and Redis (``UNIONLINE_TEST_REDIS_URL``, else database 14 on
localhost; each round uses queues of its own and deletes their keys, nothing is flushed).
Standalone: ``python -m benchmarks.jobs_arq [--quick]``.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from unionline.hookspecs import hookimpl
from unionline.jobs.arq import POLL_DELAY

FIGURE = "arq executor job throughput"
TARGETS = {FIGURE: ">= 0.5"}
WORKERS = 2  # worker processes on each side
MAX_JOBS = 10  # concurrent jobs per worker process
POLL = POLL_DELAY  # arq poll delay, both sides
CONCURRENT = 10  # tasks enqueueing at once
ROOT = Path(__file__).resolve().parent.parent
SECRET = "benchmark-only-secret-key-0123456789"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


# -- the no-op job, registered by this module acting as a plugin (UNIONLINE_PLUGIN_PATHS) --


async def noop(ctx: Any, payload: Any) -> None:
    return None


@hookimpl
def register_jobs(register: Any) -> None:
    register("bench.noop", noop)


# -- worker processes -------------------------------------------------------------------------

OURS_CHILD = """
import asyncio
from unionline import runtime
from unionline.jobs.arq import ArqWorker

async def main():
    settings, host, registry = runtime.load(None)
    rt = runtime.build(settings, host, registry)
    async with rt.running(execute_jobs=False):
        await rt.redis.incr(settings.jobs.queue + ":ready")
        await ArqWorker(rt.jobs, settings.redis_url).run(asyncio.Event())

asyncio.run(main())
"""

RAW_CHILD = """
import asyncio, sys
from arq.connections import RedisSettings, create_pool
from arq.worker import Worker, func

async def noop(ctx, n):
    return None

async def main(url, queue, max_jobs, poll):
    pool = await create_pool(RedisSettings.from_dsn(url), default_queue_name=queue)
    worker = Worker(functions=[func(noop, name="noop")], queue_name=queue, redis_pool=pool,
                    max_jobs=max_jobs, poll_delay=poll, keep_result=0, handle_signals=False)
    await pool.incr(queue + ":ready")
    await worker.async_run()

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])))
"""


def start_workers(code: str, args: list[str], env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen([sys.executable, "-c", code, *args], env=env, cwd=ROOT)
        for _ in range(WORKERS)
    ]


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.kill()
    for worker in workers:
        worker.wait(30)


async def wait_ready(redis: Any, queue: str, workers: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 120
    while int(await redis.get(queue + ":ready") or 0) < len(workers):
        if any(w.poll() is not None for w in workers) or time.monotonic() > deadline:
            raise RuntimeError("a benchmark worker did not start")
        await asyncio.sleep(0.05)
    await asyncio.sleep(2 * POLL)  # past the first poll of each worker


async def wait_empty(redis: Any, queue: str) -> None:
    while await redis.zcard(queue):
        await asyncio.sleep(0.005)


def note(side: str, count: int, enqueued: float, elapsed: float) -> None:
    print(
        f"# jobs_arq {side}: {count} enqueued in {enqueued:.2f}s ({count / enqueued:.0f}/s),"
        f" all done after {elapsed:.2f}s ({count / elapsed:.0f}/s)",
        flush=True,
    )


async def in_parallel(count: int, one: Any) -> None:
    async def lane(lane_no: int) -> None:
        for n in range(lane_no, count, CONCURRENT):
            await one(n)

    await asyncio.gather(*(lane(i) for i in range(CONCURRENT)))


# -- the two sides ----------------------------------------------------------------------------


async def measure_ours(count: int, database_url: str, redis_url: str) -> float:
    from unionline import runtime
    from unionline.settings import JobSettings, Settings

    queue = f"bench:{uuid.uuid4().hex[:8]}"
    plugin_env = "benchnoop=benchmarks.jobs_arq"
    settings = Settings(
        secret_key=SECRET,
        database_url=database_url,
        redis_url=redis_url,
        plugins=["benchnoop"],
        jobs=JobSettings(queue=queue),
    )
    os.environ["UNIONLINE_PLUGIN_PATHS"] = plugin_env
    try:
        rt = runtime.build(*runtime.from_settings(settings))
    finally:
        del os.environ["UNIONLINE_PLUGIN_PATHS"]
    env = child_env(
        UNIONLINE_SECRET_KEY=SECRET,
        UNIONLINE_DATABASE_URL=database_url,
        UNIONLINE_REDIS_URL=redis_url,
        UNIONLINE_PLUGINS="benchnoop",
        UNIONLINE_PLUGIN_PATHS=plugin_env,
        UNIONLINE_JOBS__QUEUE=queue,
        UNIONLINE_JOBS__CONCURRENCY=str(MAX_JOBS),
        UNIONLINE_LOG__LEVEL="WARNING",
    )
    async with rt.running(migrate=True):  # the ArqDispatcher pushes messages after commit
        workers = start_workers(OURS_CHILD, [], env)
        try:
            await wait_ready(rt.redis, queue, workers)

            async def one(n: int) -> None:
                async with rt.db.transaction():
                    await rt.jobs.enqueue("bench.noop")

            started = time.perf_counter()
            await in_parallel(count, one)
            enqueued = time.perf_counter() - started
            await wait_empty(rt.redis, queue)
            elapsed = time.perf_counter() - started
            note("ours", count, enqueued, elapsed)
        finally:
            stop_workers(workers)
            await forget(rt.redis, queue)
        done = (await rt.jobs.counts())["done"]
        await rt.db.execute("DELETE FROM system_job")
    if done != count:
        raise RuntimeError(f"ours: {done} of {count} jobs done")
    return count / elapsed


async def measure_raw(count: int, redis_url: str) -> float:
    from arq.connections import RedisSettings, create_pool

    queue = f"bench-raw:{uuid.uuid4().hex[:8]}"
    pool = await create_pool(RedisSettings.from_dsn(redis_url), default_queue_name=queue)
    workers = start_workers(RAW_CHILD, [redis_url, queue, str(MAX_JOBS), str(POLL)], child_env())
    try:
        await wait_ready(pool, queue, workers)

        async def one(n: int) -> None:
            await pool.enqueue_job("noop", n)

        started = time.perf_counter()
        await in_parallel(count, one)
        enqueued = time.perf_counter() - started
        await wait_empty(pool, queue)
        elapsed = time.perf_counter() - started
        note("raw arq", count, enqueued, elapsed)
    finally:
        stop_workers(workers)
        await forget(pool, queue)
        await pool.aclose()
    return count / elapsed


# -- setup and entry points -------------------------------------------------------------------


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIONLINE_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env | extra


async def forget(redis: Any, queue: str) -> None:
    """Delete the keys of a finished round's queue (its health check and ready counter)."""
    keys = [key async for key in redis.scan_iter(match=f"*{queue}*", count=1000)]
    if keys:
        await redis.delete(*keys)


async def rounds(
    count: int, repeats: int, database_url: str, redis_url: str
) -> tuple[float, float]:
    ours: list[float] = []
    raw: list[float] = []
    for n in range(repeats):  # alternate which side goes first, so drift hits both
        if n % 2 == 0:
            raw.append(await measure_raw(count, redis_url))
            ours.append(await measure_ours(count, database_url, redis_url))
        else:
            ours.append(await measure_ours(count, database_url, redis_url))
            raw.append(await measure_raw(count, redis_url))
    return statistics.median(ours), statistics.median(raw)


def run(quick: bool) -> list[tuple[str, float, float, str]]:
    from unionline.testing.support import fresh_database, redis_url

    count, repeats = (500, 3) if quick else (3000, 3)
    server = os.environ.get("UNIONLINE_TEST_DATABASE_URL") or DEFAULT_POSTGRES
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), server) as database_url:
        ours, raw = asyncio.run(rounds(count, repeats, database_url, redis_url()))
    print(
        f"# jobs_arq: {count} jobs a round, {repeats} round(s); {WORKERS} worker processes"
        f" x {MAX_JOBS} jobs each side; {CONCURRENT} tasks enqueueing",
        flush=True,
    )
    unit = "jobs/s, first enqueue to last done; baseline: raw arq no-op jobs"
    return [(FIGURE, ours, raw, unit)]


if __name__ == "__main__":
    import argparse

    sys.path.insert(0, str(ROOT))  # run as a script: the workers import benchmarks.jobs_arq
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    for name, value, baseline, unit in run(quick):
        print(f"{name}: {value:.1f} vs {baseline:.1f} ({value / baseline:.2f}x) {unit}")
