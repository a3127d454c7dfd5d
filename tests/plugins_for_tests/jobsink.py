"""Test plugin ``jobsink``: one job type whose effect lands in an idempotent sink.

Enable it with ``UNIONLINE_PLUGIN_PATHS=jobsink=plugins_for_tests.jobsink`` (``tests/`` on
``PYTHONPATH``) and ``plugins = ["jobsink"]``. Every execution is counted in ``jobsink_run``;
the effect (``jobsink_effect`` keyed by the idempotency key, plus a running total) is applied
at most once however often the job runs. The payload injects the failures a test needs.
"""

from __future__ import annotations

import asyncio
import os
import random

import msgspec

import unionline
from unionline.db import Database
from unionline.registry import JobsRegistrar

JOB = "jobsink.apply"


class Apply(msgspec.Struct, kw_only=True):
    value: int = 1
    fail_times: int = 0  # the first fail_times runs of this job raise a transient error
    fail_rate: float = 0.0  # chance of a transient error before and after the effect
    flaky_attempts: int = 3  # fail_rate only applies to the first attempts (no dead letters)
    not_ready: float | None = None  # first attempt raises NotReady(retry_after=this)
    not_here: int = 0  # the first not_here attempts raise NotHere (another process would run it)
    permanent: bool = False  # raise PermanentFailure
    sleep: float = 0.0  # seconds spent "working" before the effect


async def create_tables(db: Database) -> None:
    """The sink tables (plain SQL: a test plugin needs no migrations)."""
    await db.execute(
        "CREATE TABLE IF NOT EXISTS jobsink_run (key VARCHAR(200) NOT NULL,"
        " attempt INTEGER NOT NULL, pid INTEGER NOT NULL)"
    )
    await db.execute(
        "CREATE TABLE IF NOT EXISTS jobsink_effect (key VARCHAR(200) PRIMARY KEY, value INTEGER)"
    )
    await db.execute("CREATE TABLE IF NOT EXISTS jobsink_total (total BIGINT, applied INTEGER)")
    await db.execute("INSERT INTO jobsink_total (total, applied) VALUES (0, 0)")


async def runs_of(db: Database, key: str) -> int:
    row = await db.fetchone("SELECT COUNT(*) AS n FROM jobsink_run WHERE key = {}", key)
    return int(row["n"]) if row else 0


async def apply(ctx: unionline.JobContext, payload: Apply) -> None:
    db = unionline.current().db
    key = ctx.idempotency_key
    await db.execute(
        "INSERT INTO jobsink_run (key, attempt, pid) VALUES ({}, {}, {})",
        key,
        ctx.attempt,
        os.getpid(),
    )
    if payload.permanent:
        raise unionline.PermanentFailure("the recipient does not exist")
    if payload.not_ready is not None and ctx.attempt == 1:
        raise unionline.NotReady("rate limited", retry_after=payload.not_ready)
    if ctx.attempt <= payload.not_here:
        raise unionline.NotHere("held by another process", retry_after=0.0)
    if payload.fail_times and await runs_of(db, key) <= payload.fail_times:
        raise ConnectionError(f"transient failure on attempt {ctx.attempt}")
    if payload.sleep:
        await asyncio.sleep(payload.sleep)
    rng = random.Random(f"{key}:{ctx.attempt}")
    flaky = ctx.attempt <= payload.flaky_attempts
    fail_before, fail_after = (flaky and rng.random() < payload.fail_rate for _ in range(2))
    if fail_before:
        raise ConnectionError("transient failure before the effect")
    async with db.transaction():
        row = await db.fetchone(
            "INSERT INTO jobsink_effect (key, value) VALUES ({}, {})"
            " ON CONFLICT (key) DO NOTHING RETURNING key",
            key,
            payload.value,
        )
        if row is not None:
            await db.execute(
                "UPDATE jobsink_total SET total = total + {}, applied = applied + 1", payload.value
            )
    if fail_after:
        raise ConnectionError("transient failure after the effect")


@unionline.hookimpl
def register_jobs(register: JobsRegistrar) -> None:
    register(JOB, apply, payload=Apply)
