"""Deferred work: the outbox table is the source of truth; executors only run what it holds.

``enqueue()`` writes a job row in the caller's transaction, so work exists exactly when the
change that asked for it committed. Executors claim rows with a lease (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL), renewed while the job runs; a row whose lease expired (its worker
crashed) is claimed again. Job functions must be idempotent: ``ctx.idempotency_key`` names the
job across attempts. Failures retry with exponential backoff and jitter; after ``max_attempts``
the job is a dead letter. Executors: :mod:`unionline.jobs.inprocess` and
:mod:`unionline.jobs.arq`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import time
import traceback
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import msgspec

from unionline.db import current_tx
from unionline.errors import NotHere, NotReady, PermanentFailure
from unionline.jobs.batch import Bookkeeping
from unionline.renewal import renewing

if TYPE_CHECKING:
    from unionline.db import Database
    from unionline.events import EventBus
    from unionline.registry import JobType
    from unionline.settings import JobSettings

log = logging.getLogger("unionline.jobs")

__all__ = ["STATUSES", "Claimed", "JobContext", "JobQueue", "JobView", "Queued", "backoff_delay"]

STATUSES = ("pending", "running", "done", "dead")


class JobContext(msgspec.Struct, kw_only=True):
    """What a job function knows about the attempt it is running."""

    job_id: int
    name: str
    attempt: int
    max_attempts: int
    idempotency_key: str  # the caller's key, or "job:<id>"


class JobView(msgspec.Struct, kw_only=True):
    """A job as admins see it (``unionline jobs``, ``GET /api/jobs``)."""

    id: int
    name: str
    status: str
    attempts: int
    max_attempts: int
    run_at: float
    idempotency_key: str | None
    last_error: str | None
    created_at: float
    finished_at: float | None


class Claimed(msgspec.Struct, kw_only=True):
    """A job leased to this worker; ``retry_at`` is set by :meth:`JobQueue.run` on a retry."""

    id: int
    name: str
    payload: str
    idempotency_key: str | None
    attempts: int
    max_attempts: int
    retry_at: float | None = None


class Queued(msgspec.Struct, frozen=True):
    """A job that became due for a run (told to ``JobQueue.listeners`` after commit).

    ``attempts`` is the row's attempt count at that moment: (id, attempts) names one run of
    the job, which lets the arq executor dedupe its Redis messages.
    """

    id: int
    attempts: int
    run_at: float


_INSERT = (
    "INSERT INTO system_job (name, payload, idempotency_key, status, attempts,"
    " max_attempts, run_at, created_at) VALUES ({}, {}, {}, 'pending', 0, {}, {}, {})"
    " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id"
)


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random = random) -> float:  # type: ignore[assignment]
    """Full-jitter exponential backoff: uniform in [base*2^(n-1)/2, base*2^(n-1)], capped."""
    ceiling = min(cap, base * 2 ** max(0, attempt - 1))
    return ceiling / 2 + rng.random() * ceiling / 2


class JobQueue:
    """Enqueue, claim, finish and administer jobs; shared by every executor."""

    def __init__(self, db: Database, jobs: dict[str, JobType], settings: JobSettings) -> None:
        self.db = db
        self.types = jobs
        self.settings = settings
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.events: EventBus | None = None
        # Told, after commit, about jobs that were enqueued or retried by an admin.
        self.listeners: list[Callable[[list[Queued]], Any]] = []
        # Claims by id and "done" marks made at the same moment share one statement.
        self.book = Bookkeeping(self)

    # -- enqueue --------------------------------------------------------------------------

    async def enqueue(
        self,
        name: str,
        payload: msgspec.Struct | None = None,
        *,
        key: str | None = None,
        delay: float = 0.0,
        max_attempts: int | None = None,
    ) -> int | None:
        """Add a job in the current transaction (or on its own); returns its id, or None when
        a job with this idempotency ``key`` already exists."""
        job = self.types.get(name)
        if job is None:
            raise KeyError(f"job {name!r} is not registered (register_jobs)")
        if job.payload is not None and not isinstance(payload, job.payload):
            raise TypeError(f"job {name!r} takes a {job.payload.__name__} payload")
        attempts = max_attempts or job.max_attempts or self.settings.max_attempts
        now = time.time()
        args = (name, msgspec.json.encode(payload).decode(), key, attempts, now + delay, now)
        tx = current_tx()
        if tx is None:  # one statement commits on its own: no BEGIN and COMMIT round trips
            row = await self.db.fetchone(_INSERT, *args)
            if row is not None:
                await self._committed([Queued(int(row["id"]), 0, now + delay)])
            return None if row is None else int(row["id"])
        row = await self.db.fetchone(_INSERT, *args)
        if row is None:
            return None
        pending = tx.data.setdefault("jobs", [])
        if not pending:
            tx.on_commit(lambda: self._committed(pending))
        pending.append(Queued(int(row["id"]), 0, now + delay))
        return int(row["id"])

    async def _committed(self, jobs: list[Queued]) -> None:
        for listener in self.listeners:
            try:
                result = listener(jobs)
                if asyncio.iscoroutine(result):
                    await result
            except Exception:  # a listener only accelerates: the rows are already committed
                log.exception("job listener %r failed", listener)

    # -- claiming and finishing -----------------------------------------------------------

    def claim_sql(self, ids: int = 0) -> str:
        lock = " FOR UPDATE SKIP LOCKED" if self.db.is_postgres else ""
        pick = f"id IN ({', '.join(['{}'] * ids)}) AND " if ids else ""
        return (
            "UPDATE system_job SET status = 'running', attempts = attempts + 1,"
            " locked_until = {}, locked_by = {} WHERE id IN ("
            f" SELECT id FROM system_job WHERE {pick}("
            "  (status = 'pending' AND run_at <= {}) OR (status = 'running' AND locked_until < {}))"
            f" ORDER BY run_at LIMIT {{}}{lock}){self.unsynced}"
            " RETURNING id, name, payload, idempotency_key, attempts, max_attempts"
        )

    @property
    def unsynced(self) -> str:
        """On PostgreSQL, let a bookkeeping statement commit without waiting for the disk.

        A database crash can then forget the last moments of claims and outcomes, which only
        makes those jobs run again, as a crashed worker would (job functions are idempotent);
        each commit no longer waits for a WAL flush. Enqueueing is never unsynced: it is part
        of the caller's transaction.
        """
        if not self.db.is_postgres:
            return ""
        return " AND set_config('synchronous_commit', 'off', true) IS NOT NULL"

    async def claim(
        self, limit: int = 10, job_id: int | None = None, *, ids: list[int] | None = None
    ) -> list[Claimed]:
        """Lease up to ``limit`` due jobs (or just ``job_id``, or those of ``ids`` that are
        due) to this worker. One statement: atomic without an explicit transaction."""
        ids = [job_id] if job_id is not None else list(ids or [])
        rows = await self.db.fetch(self.claim_sql(len(ids)), *self.claim_args(ids, limit))
        return [msgspec.convert(r, Claimed) for r in rows]

    def claim_args(self, ids: list[int], limit: int) -> list[Any]:
        now = time.time()
        return [
            now + self.settings.lease_seconds,
            self.worker_id,
            *ids,
            now,
            now,
            len(ids) or limit,
        ]

    async def claim_one(self, job_id: int) -> Claimed | None:
        """Claim ``job_id`` if it is due, in one statement with others claimed meanwhile."""
        return await self.book.claim(job_id)

    async def release(self, job: Claimed) -> None:
        """Hand a claimed job back unrun: due again at once, the attempt not counted."""
        await self.db.execute(
            "UPDATE system_job SET status = 'pending', attempts = attempts - 1,"
            " locked_until = NULL, locked_by = NULL"
            f" WHERE id = {{}} AND locked_by = {{}} AND status = 'running'{self.unsynced}",
            job.id,
            self.worker_id,
        )

    async def run(self, job: Claimed) -> str:
        """Run one claimed job and record the outcome: 'done', 'pending' (retry) or 'dead'."""
        if job.attempts > job.max_attempts:
            return await self._dead(job, "lease expired after the last attempt (worker crashed?)")
        kind = self.types.get(job.name)
        if kind is None:
            return await self._retry(job, f"job {job.name!r} is not registered here", None)
        ctx = JobContext(
            job_id=job.id,
            name=job.name,
            attempt=job.attempts,
            max_attempts=job.max_attempts,
            idempotency_key=job.idempotency_key or f"job:{job.id}",
        )
        try:
            payload = msgspec.json.decode(job.payload, type=kind.payload) if kind.payload else None
            await self._call(kind, ctx, payload, job)
        except asyncio.CancelledError:
            # The worker is stopping: count the attempt and make the job due again at once.
            await asyncio.shield(self._retry(job, "interrupted: the worker stopped", 0.0))
            raise
        except PermanentFailure as exc:
            return await self._dead(job, f"{type(exc).__name__}: {exc}")
        except NotHere as exc:
            return await self._hand_back(job, f"NotHere: {exc}", exc.retry_after)
        except NotReady as exc:
            return await self._retry(job, f"NotReady: {exc}", exc.retry_after)
        except msgspec.ValidationError as exc:
            return await self._dead(job, f"bad payload: {exc}")
        except Exception as exc:
            log.warning("job %s #%s attempt %s failed: %r", job.name, job.id, job.attempts, exc)
            return await self._retry(job, _describe(exc), None)
        await self.book.done(job.id)
        return "done"

    async def _call(self, kind: JobType, ctx: JobContext, payload: Any, job: Claimed) -> None:
        """Run the job function, renewing the lease while it runs so no one takes it over."""
        await renewing(
            kind.function(ctx, payload),
            lambda: self._renew(job),
            every=self.settings.lease_seconds / 3,
            what=f"job {job.name} #{job.id}",
        )

    async def _renew(self, job: Claimed) -> bool:
        rows = await self.db.fetch(
            "UPDATE system_job SET locked_until = {} WHERE id = {} AND locked_by = {}"
            f" AND status = 'running'{self.unsynced} RETURNING id",
            time.time() + self.settings.lease_seconds,
            job.id,
            self.worker_id,
        )
        return bool(rows)

    async def _retry(self, job: Claimed, error: str, retry_after: float | None) -> str:
        if job.attempts >= job.max_attempts:
            return await self._dead(job, error)
        delay = (
            retry_after
            if retry_after is not None
            else backoff_delay(job.attempts, self.settings.backoff_base, self.settings.backoff_max)
        )
        job.retry_at = time.time() + delay
        await self._finish(job, "pending", error, job.retry_at)
        return "pending"

    async def _hand_back(self, job: Claimed, error: str, retry_after: float | None) -> str:
        """Due again soon, this attempt not counted: its budget grows by one (the attempt
        number keeps rising, so the arq message of the next run has a name of its own)."""
        job.retry_at = time.time() + (retry_after if retry_after is not None else 1.0)
        await self._finish(job, "pending", error, job.retry_at, spare=1)
        return "pending"

    async def _dead(self, job: Claimed, error: str) -> str:
        from unionline.events import JobDead

        async with self.db.transaction():
            if await self._finish(job, "dead", error, None) and self.events is not None:
                await self.events.publish(JobDead(job_id=job.id, name=job.name, error=error[:500]))
        log.error("job %s #%s is a dead letter: %s", job.name, job.id, error.splitlines()[0])
        return "dead"

    async def _finish(
        self, job: Claimed, status: str, error: str | None, run_at: float | None, spare: int = 0
    ) -> bool:
        now = time.time()
        rows = await self.db.fetch(
            "UPDATE system_job SET status = {}, last_error = COALESCE({}, last_error),"
            " run_at = COALESCE({}, run_at), locked_until = NULL, locked_by = NULL,"
            " max_attempts = max_attempts + {}, finished_at = {} WHERE id = {} AND locked_by = {}"
            f"{self.unsynced} RETURNING id",
            status,
            error,
            run_at,
            spare,
            now if status in ("done", "dead") else None,
            job.id,
            self.worker_id,
        )
        return bool(rows)  # False: our lease expired and another worker owns the job now

    async def quiesce(self) -> None:
        """Wait for claims and "done" marks in flight (before the database closes)."""
        await self.book.wait_idle()

    async def next_due(self) -> float | None:
        """Unix time of the earliest pending job (or expiring lease), None when idle."""
        row = await self.db.fetchone(
            "SELECT MIN(CASE WHEN status = 'pending' THEN run_at ELSE locked_until END) AS t"
            " FROM system_job WHERE status IN ('pending', 'running')"
        )
        return float(row["t"]) if row and row["t"] is not None else None

    async def overdue(self, grace: float, limit: int = 1000, after: int = 0) -> list[Queued]:
        """Due jobs nobody seems to be running, by id after ``after``: pending for ``grace``
        seconds past their time, or leased by a worker whose lease expired (it crashed)."""
        now = time.time()
        rows = await self.db.fetch(
            "SELECT id, attempts FROM system_job WHERE id > {} AND ("
            " (status = 'pending' AND run_at <= {}) OR (status = 'running' AND locked_until < {}))"
            " ORDER BY id LIMIT {}",
            after,
            now - grace,
            now,
            limit,
        )
        return [Queued(int(r["id"]), int(r["attempts"]), now) for r in rows]

    # -- administration -------------------------------------------------------------------

    async def list(
        self, status: str | None = None, limit: int = 100, after: int = 0
    ) -> list[JobView]:
        where = "WHERE id > {}" + (" AND status = {}" if status else "")
        args: list[Any] = [after] + ([status] if status else []) + [limit]
        rows = await self.db.fetch(
            "SELECT id, name, status, attempts, max_attempts, run_at, idempotency_key,"
            f" last_error, created_at, finished_at FROM system_job {where} ORDER BY id LIMIT {{}}",
            *args,
        )
        return [msgspec.convert(r, JobView) for r in rows]

    async def get(self, job_id: int) -> JobView | None:
        rows = await self.db.fetch(
            "SELECT id, name, status, attempts, max_attempts, run_at, idempotency_key,"
            " last_error, created_at, finished_at FROM system_job WHERE id = {}",
            job_id,
        )
        return msgspec.convert(rows[0], JobView) if rows else None

    async def retry(self, job_id: int) -> bool:
        """Give a dead letter a fresh set of attempts, due now."""
        async with self.db.transaction() as tx:
            rows = await self.db.fetch(
                "UPDATE system_job SET status = 'pending', attempts = 0, run_at = {},"
                " finished_at = NULL WHERE id = {} AND status = 'dead' RETURNING id",
                time.time(),
                job_id,
            )
            if rows:
                tx.on_commit(lambda: self._committed([Queued(job_id, 0, time.time())]))
        return bool(rows)

    async def discard(self, job_id: int) -> bool:
        """Delete a dead letter for good."""
        rows = await self.db.fetch(
            "DELETE FROM system_job WHERE id = {} AND status = 'dead' RETURNING id", job_id
        )
        return bool(rows)

    async def counts(self) -> dict[str, int]:
        rows = await self.db.fetch("SELECT status, COUNT(*) AS n FROM system_job GROUP BY status")
        return {s: 0 for s in STATUSES} | {r["status"]: int(r["n"]) for r in rows}

    async def purge_done(self, older_than: float) -> int:
        rows = await self.db.fetch(
            "DELETE FROM system_job WHERE status = 'done' AND finished_at < {} RETURNING id",
            time.time() - older_than,
        )
        return len(rows)


def _describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]
