"""Job test helpers: a runtime with the ``jobsink`` plugin, worker subprocesses, sink state."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import msgspec
from redis.exceptions import RedisError

from plugins_for_tests.jobsink import JOB, Apply, create_tables
from unionline import runtime
from unionline.jobs import STATUSES, InProcessExecutor, JobView
from unionline.runtime import Runtime
from unionline.testing import support as testing
from unionline.testing.support import TEST_SECRET, redis_url

TESTS_DIR = Path(__file__).resolve().parent.parent
PLUGIN_PATHS = "jobsink=plugins_for_tests.jobsink"
# Quick retries and leases so crash recovery happens within a test.
FAST_JOBS = {"backoff_base": 0.05, "backoff_max": 0.5, "poll_interval": 0.05, "lease_seconds": 1.5}


def jobs_redis_url() -> str:
    """The test Redis; every test uses a queue of its own there (``jobs.queue``)."""
    return redis_url()


async def forget_queue(url: str, queue: str) -> None:
    """Delete every Redis key of ``queue`` (its messages and marks): "Redis lost them"."""
    from redis.asyncio import Redis

    client = Redis.from_url(url)
    try:
        keys = [key async for key in client.scan_iter(match=f"*{queue}*", count=1000)]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@contextlib.asynccontextmanager
async def jobs_runtime(
    database_url: str, *, execute_jobs: bool = False, **overrides: Any
) -> AsyncIterator[Runtime]:
    """A started runtime with ``jobsink`` enabled, its sink tables created."""
    jobs = {**FAST_JOBS, "queue": f"unionline-test:{uuid.uuid4().hex[:12]}"}
    jobs |= overrides.pop("jobs", {})
    # make_settings was called test_settings before (pytest would collect that name).
    make_settings = getattr(testing, "make_settings", None) or testing.test_settings
    settings = make_settings(database_url, plugins=["jobsink"], jobs=jobs, **overrides)
    rt = runtime.build(*runtime.from_settings(settings))
    try:
        async with rt.running(migrate=True, execute_jobs=execute_jobs):
            await create_tables(rt.db)
            yield rt
    finally:
        if settings.redis_url:
            with contextlib.suppress(OSError, RedisError):
                await forget_queue(settings.redis_url, settings.jobs.queue)


async def enqueue_many(
    rt: Runtime, count: int, payload: Callable[[int], Apply], batch: int = 100
) -> list[int]:
    ids: list[int] = []
    for start in range(0, count, batch):
        async with rt.db.transaction():
            for n in range(start, min(count, start + batch)):
                job_id = await rt.jobs.enqueue(JOB, payload(n), key=f"sink-{n}")
                assert job_id is not None
                ids.append(job_id)
    return ids


async def job_counts(rt: Runtime) -> dict[str, int]:
    """Jobs of the ``jobsink`` plugin by status (core plugins may have jobs of their own)."""
    rows = await rt.db.fetch(
        "SELECT status, COUNT(*) AS n FROM system_job WHERE name = {} GROUP BY status", JOB
    )
    return {s: 0 for s in STATUSES} | {r["status"]: int(r["n"]) for r in rows}


async def sink_jobs(rt: Runtime, status: str | None = None) -> list[JobView]:
    return [job for job in await rt.jobs.list(status, limit=10_000) if job.name == JOB]


async def settle(rt: Runtime, timeout: float = 30.0) -> None:
    """Run jobs in this process until none is pending or running (retries included)."""
    executor = InProcessExecutor(rt.jobs)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            await executor.drain(timeout=timeout)
            counts = await job_counts(rt)
            if counts["pending"] == 0 and counts["running"] == 0:
                return
            await asyncio.sleep(0.02)
    finally:
        await executor.stop()
    raise TimeoutError(f"jobs not settled: {await job_counts(rt)}")


async def wait_for(check: Callable[[], Any], timeout: float = 60.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.05)
    raise TimeoutError(f"timed out waiting for {what or check}")


class Sink(msgspec.Struct):
    effects: int  # rows in the sink (one per key at most)
    applied: int  # times an effect was newly applied
    total: int  # sum of applied values
    runs: int  # raw executions of the job function


async def sink(rt: Runtime) -> Sink:
    db = rt.db
    effects = await db.fetchone("SELECT COUNT(*) AS n FROM jobsink_effect")
    totals = await db.fetchone("SELECT total, applied FROM jobsink_total")
    runs = await db.fetchone("SELECT COUNT(*) AS n FROM jobsink_run")
    assert effects and totals and runs
    return Sink(int(effects["n"]), int(totals["applied"]), int(totals["total"]), int(runs["n"]))


async def runs_by_key(rt: Runtime) -> dict[str, list[tuple[int, int]]]:
    """(attempt, pid) of every execution, by idempotency key."""
    rows = await rt.db.fetch("SELECT key, attempt, pid FROM jobsink_run")
    found: dict[str, list[tuple[int, int]]] = {}
    for row in rows:
        found.setdefault(row["key"], []).append((int(row["attempt"]), int(row["pid"])))
    return found


def cli_env(database_url: str, redis: str | None = None, **jobs: Any) -> dict[str, str]:
    """Environment for a ``unionline`` subprocess on this database with ``jobsink`` enabled."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIONLINE_")}
    env |= {
        "UNIONLINE_SECRET_KEY": TEST_SECRET,
        "UNIONLINE_DATABASE_URL": database_url,
        "UNIONLINE_PLUGINS": "jobsink",
        "UNIONLINE_PLUGIN_PATHS": PLUGIN_PATHS,
        "UNIONLINE_LOG__LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS_DIR), env.get("PYTHONPATH")])),
    }
    if redis:
        env["UNIONLINE_REDIS_URL"] = redis
    for key, value in {**FAST_JOBS, **jobs}.items():
        env[f"UNIONLINE_JOBS__{key.upper()}"] = str(value)
    return env


def unionline_cli(
    *args: str, env: dict[str, str], cwd: Path, log: Path | None = None
) -> subprocess.Popen[str]:
    """Start ``unionline <args>``; a long-running one logs to ``log`` (a pipe could fill up)."""
    command = [sys.executable, "-m", "unionline", *args]
    if log is None:
        return subprocess.Popen(
            command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    with log.open("a") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            command, env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT, text=True
        )


def finish(process: subprocess.Popen[str], timeout: float = 60.0) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


async def finished(process: subprocess.Popen[str], timeout: float = 60.0) -> tuple[int, str, str]:
    """:func:`finish` for a test whose own runtime is open: waiting on a thread keeps this
    event loop running, so its event relay never sits on PostgreSQL's relay lock (taken in a
    transaction) while the child's shutdown waits for that lock."""
    return await asyncio.to_thread(finish, process, timeout)


async def waited(process: subprocess.Popen[str], timeout: float) -> int:
    """``process.wait`` without blocking the event loop (see :func:`finished`)."""
    return await asyncio.to_thread(process.wait, timeout)
