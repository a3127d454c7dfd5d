"""The job outbox: retries with backoff, NotReady, dead letters, idempotency keys, transactions,
leases taken over after a crash (SQLite, and PostgreSQL with UNIONLINE_TEST_DATABASE_URL)."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from plugins_for_tests.jobsink import JOB, Apply
from plugins_for_tests.support import (
    PLUGIN_PATHS,
    job_counts,
    jobs_runtime,
    runs_by_key,
    settle,
    sink,
    sink_jobs,
)

from unionline.jobs import Claimed, JobQueue, Queued, backoff_delay
from unionline.jobs import outbox as jobs_module
from unionline.runtime import Runtime
from unionline.settings import JobSettings


@pytest.fixture(autouse=True)
def jobsink_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNIONLINE_PLUGIN_PATHS", PLUGIN_PATHS)


@pytest.fixture
async def rt(unionline_database_url: str) -> AsyncIterator[Runtime]:
    async with jobs_runtime(unionline_database_url) as started:
        yield started


async def enqueue(rt: Runtime, payload: Apply, **options: object) -> int:
    job_id = await rt.jobs.enqueue(JOB, payload, **options)  # type: ignore[arg-type]
    assert job_id is not None
    return job_id


async def claim_one(queue: JobQueue, job_id: int):  # type: ignore[no-untyped-def]
    claimed = await queue.claim(job_id=job_id)
    assert [job.id for job in claimed] == [job_id]
    return claimed[0]


@given(
    attempt=st.integers(min_value=1, max_value=60),
    base=st.floats(min_value=0.01, max_value=100),
    cap=st.floats(min_value=0.01, max_value=10_000),
    seed=st.integers(),
)
def test_backoff_grows_exponentially_with_jitter_under_the_cap(
    attempt: int, base: float, cap: float, seed: int
) -> None:
    ceiling = min(cap, base * 2 ** (attempt - 1))
    delay = backoff_delay(attempt, base, cap, random.Random(seed))
    assert ceiling / 2 <= delay <= ceiling


async def test_transient_failures_retry_with_backoff_then_succeed(rt: Runtime) -> None:
    job_id = await enqueue(rt, Apply(value=5, fail_times=2), key="retry-me")
    base = rt.settings.jobs.backoff_base

    before = time.time()
    assert await rt.jobs.run(await claim_one(rt.jobs, job_id)) == "pending"
    first = await rt.jobs.get(job_id)
    assert first is not None and first.status == "pending" and first.attempts == 1
    assert first.last_error == "ConnectionError: transient failure on attempt 1"
    assert before + base / 2 <= first.run_at <= time.time() + base  # first retry: base/2..base

    await settle(rt)
    done = await rt.jobs.get(job_id)
    assert done is not None and done.status == "done" and done.attempts == 3
    assert sorted(a for a, _ in (await runs_by_key(rt))["retry-me"]) == [1, 2, 3]
    state = await sink(rt)
    assert (state.effects, state.applied, state.total) == (1, 1, 5)


async def test_not_ready_waits_for_retry_after(rt: Runtime) -> None:
    job_id = await enqueue(rt, Apply(not_ready=1.0))
    before = time.time()
    assert await rt.jobs.run(await claim_one(rt.jobs, job_id)) == "pending"
    job = await rt.jobs.get(job_id)
    assert job is not None and job.last_error == "NotReady: rate limited"
    assert job.run_at >= before + 1.0
    if job.run_at - time.time() > 0.5:  # not claimable before the time the job asked for
        assert await rt.jobs.claim(job_id=job_id) == []
    await settle(rt)
    assert (await sink(rt)).applied == 1


async def test_a_job_handed_back_by_other_processes_keeps_its_attempts(rt: Runtime) -> None:
    """NotHere (a SIP line's agent runs in another process): however often processes without
    it hand the job back, its own attempts are all left for where it runs."""
    job_id = await enqueue(rt, Apply(value=7, not_here=5), key="elsewhere", max_attempts=2)
    assert await rt.jobs.run(await claim_one(rt.jobs, job_id)) == "pending"
    job = await rt.jobs.get(job_id)
    assert job is not None and job.last_error == "NotHere: held by another process"
    assert (job.attempts, job.max_attempts) == (1, 3)
    await settle(rt)
    done = await rt.jobs.get(job_id)
    assert done is not None and done.status == "done"
    assert (done.attempts, done.max_attempts) == (6, 7)
    assert (await sink(rt)).total == 7


async def test_permanent_failure_is_a_dead_letter_at_once(rt: Runtime) -> None:
    job_id = await enqueue(rt, Apply(permanent=True))
    await settle(rt)
    job = await rt.jobs.get(job_id)
    assert job is not None and job.status == "dead" and job.attempts == 1
    assert job.last_error == "PermanentFailure: the recipient does not exist"
    assert [j.id for j in await sink_jobs(rt, "dead")] == [job_id]
    events = await rt.db.fetch("SELECT type, payload FROM system_event")
    assert [e["type"] for e in events] == ["system.job_dead"]


async def test_used_up_attempts_leave_a_dead_letter_with_the_last_error(rt: Runtime) -> None:
    job_id = await enqueue(rt, Apply(fail_times=100), max_attempts=3)
    await settle(rt)
    job = await rt.jobs.get(job_id)
    assert job is not None and job.status == "dead"
    assert (job.attempts, job.max_attempts) == (3, 3)
    assert job.last_error == "ConnectionError: transient failure on attempt 3"
    assert (await sink(rt)).runs == 3
    assert (await job_counts(rt))["dead"] == 1


async def test_idempotency_key_dedupes_enqueue(rt: Runtime) -> None:
    first = await rt.jobs.enqueue(JOB, Apply(value=7), key="member-42-welcome")
    second = await rt.jobs.enqueue(JOB, Apply(value=7), key="member-42-welcome")
    assert first is not None and second is None
    await settle(rt)
    assert [j.idempotency_key for j in await sink_jobs(rt)] == ["member-42-welcome"]
    assert (await runs_by_key(rt)).keys() == {"member-42-welcome"}
    assert (await sink(rt)).total == 7


async def test_job_enqueued_in_a_rolled_back_transaction_never_runs(rt: Runtime) -> None:
    told: list[list[Queued]] = []
    rt.jobs.listeners.append(told.append)
    with pytest.raises(RuntimeError, match="changed my mind"):
        async with rt.db.transaction():
            assert await rt.jobs.enqueue(JOB, Apply(), key="never") is not None
            raise RuntimeError("changed my mind")
    await settle(rt)
    assert await sink_jobs(rt) == []
    assert told == []
    assert (await sink(rt)).runs == 0
    # The same key is free again: nothing of the rolled-back job remains.
    async with rt.db.transaction():
        job_id = await rt.jobs.enqueue(JOB, Apply(), key="never")
    assert told == [[Queued(job_id, 0, told[0][0].run_at)]]


async def test_job_of_a_crashed_worker_is_taken_up_after_its_lease(rt: Runtime) -> None:
    job_id = await enqueue(rt, Apply(value=3), key="orphan")
    crashed = JobQueue(rt.db, rt.jobs.types, rt.settings.jobs)
    orphan = await claim_one(crashed, job_id)  # ... and the worker dies before running it
    assert await rt.jobs.claim(job_id=job_id) == []  # its lease still holds
    job = await rt.jobs.get(job_id)
    assert job is not None and job.status == "running"

    await asyncio.sleep(rt.settings.jobs.lease_seconds)
    taken = await claim_one(rt.jobs, job_id)
    assert taken.attempts == 2
    assert await rt.jobs.run(taken) == "done"
    # The crashed worker comes back to life and finishes too: the effect still happens once,
    # and its outcome no longer counts (it lost the lease).
    assert await crashed.run(orphan) == "done"
    job = await rt.jobs.get(job_id)
    assert job is not None and job.status == "done" and job.attempts == 2
    state = await sink(rt)
    assert (state.runs, state.applied, state.total) == (2, 1, 3)


async def test_long_job_keeps_its_lease_while_it_runs(unionline_database_url: str) -> None:
    async with jobs_runtime(unionline_database_url, jobs={"lease_seconds": 0.6}) as rt:
        job_id = await enqueue(rt, Apply(sleep=1.5))
        other = JobQueue(rt.db, rt.jobs.types, rt.settings.jobs)
        running = asyncio.create_task(rt.jobs.run(await claim_one(rt.jobs, job_id)))
        while not running.done():  # past several lease lengths nobody else can take it
            assert await other.claim(job_id=job_id) == []
            await asyncio.sleep(0.1)
        assert running.result() == "done"
        assert (await sink(rt)).runs == 1


async def test_by_default_a_dead_workers_job_is_free_again_within_half_a_minute(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    defaults = JobSettings()
    job_id = await enqueue(rt, Apply(value=5))
    crashed = JobQueue(rt.db, rt.jobs.types, defaults)
    await claim_one(crashed, job_id)  # ... and its worker is killed (no heartbeat any more)
    survivor = JobQueue(rt.db, rt.jobs.types, defaults)
    assert await survivor.claim(job_id=job_id) == []
    later = time.time() + 31
    monkeypatch.setattr(jobs_module, "time", SimpleNamespace(time=lambda: later))
    taken = await claim_one(survivor, job_id)
    assert taken.attempts == 2


async def test_a_missed_heartbeat_does_not_fail_the_running_job(
    unionline_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with jobs_runtime(unionline_database_url, jobs={"lease_seconds": 0.6}) as rt:
        job_id = await enqueue(rt, Apply(sleep=1.0))
        renew = rt.jobs._renew
        failures = [OSError("database away")]

        async def flaky(job: Claimed) -> bool:
            if failures:
                raise failures.pop()
            return await renew(job)

        monkeypatch.setattr(rt.jobs, "_renew", flaky)
        assert await rt.jobs.run(await claim_one(rt.jobs, job_id)) == "done"
        assert not failures
        assert (await sink(rt)).runs == 1


async def test_job_interrupted_by_a_stopping_worker_is_due_again(rt: Runtime) -> None:
    job_id = await enqueue(rt, Apply(sleep=30))
    running = asyncio.create_task(rt.jobs.run(await claim_one(rt.jobs, job_id)))
    await asyncio.sleep(0.2)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    job = await rt.jobs.get(job_id)
    assert job is not None and job.status == "pending" and job.attempts == 1
    assert job.last_error == "interrupted: the worker stopped"
    assert job.run_at <= time.time()
    assert [j.id for j in await rt.jobs.claim()] == [job_id]


async def test_unknown_job_name_and_wrong_payload_are_refused(rt: Runtime) -> None:
    with pytest.raises(KeyError, match="not registered"):
        await rt.jobs.enqueue("nope.nothing", None)
    with pytest.raises(TypeError, match="Apply payload"):
        await rt.jobs.enqueue(JOB, None)


async def test_claims_made_together_share_a_statement_and_never_double_claim(rt: Runtime) -> None:
    ids = [await enqueue(rt, Apply(value=n), key=f"k{n}") for n in range(5)]
    got = await asyncio.gather(*(rt.jobs.claim_one(i) for i in [*ids, ids[0]]))
    claimed = [job.id for job in got if job is not None]
    assert sorted(claimed) == ids  # the duplicate request for ids[0] got nothing
    assert got.count(None) == 1


async def test_claim_for_a_caller_that_went_away_is_handed_back(rt: Runtime) -> None:
    job_id = await enqueue(rt, Apply())
    asking = asyncio.create_task(rt.jobs.claim_one(job_id))
    await asyncio.sleep(0)  # the request is made ...
    asking.cancel()  # ... and its worker stops before the answer comes
    with pytest.raises(asyncio.CancelledError):
        await asking
    await rt.jobs.quiesce()
    job = await rt.jobs.get(job_id)
    assert job is not None and (job.status, job.attempts) == ("pending", 0)
    assert [j.id for j in await rt.jobs.claim()] == [job_id]


async def test_claims_and_done_marks_made_together_all_land(rt: Runtime) -> None:
    ids = [await enqueue(rt, Apply(value=n), key=f"k{n}") for n in range(4)]
    running = [await rt.jobs.claim_one(i) for i in ids[:2]]
    # Submitted at the same moment: one statement (on PostgreSQL, both kinds at once).
    book = rt.jobs.book
    results = await asyncio.gather(
        book.done(ids[0]), book.done(ids[1]), book.claim(ids[2]), book.claim(ids[3])
    )
    assert results[:2] == [True, True]
    assert [job.id for job in results[2:]] == ids[2:]  # type: ignore[union-attr]
    assert running[0] is not None and running[1] is not None
    statuses = {j.id: j.status for j in await sink_jobs(rt)}
    assert statuses == dict(zip(ids, ["done", "done", "running", "running"], strict=True))
    assert await book.done(ids[0]) is False  # no longer ours to finish
