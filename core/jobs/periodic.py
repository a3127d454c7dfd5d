"""Periodic jobs: chores (a sweep, a purge) that run once per period across every process.

A periodic job is an outbox job without payload keyed by its time slot (``name:slot``, slots
counted from the Unix epoch, so a daily one starts at 00:00 UTC): any number of processes
scheduling it get one run per slot. Each run schedules the next one when it ends, whatever its
outcome, and the plugin's ``startup`` hook schedules it too, so a fresh database gets one::

    purge = PeriodicJob("hello.purge", purge_old_greetings)  # daily; every=3600.0 for hourly


    @hookimpl
    def register_jobs(register):
        purge.register(register)


    @hookimpl
    async def startup(app):
        await purge.schedule()

A run that fails is retried like any job; the next slot is scheduled all the same. A slot
missed while nothing ran is not made up: the next run after startup does the work of both.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from unionline.jobs.outbox import JobContext
from unionline.registry import JobsRegistrar
from unionline.runtime import enqueue

DAY = 86400.0


async def enqueue_in_slot(name: str, every: float, *, at: float | None = None) -> int | None:
    """Enqueue job ``name`` (no payload) at the start of the next slot of ``every`` seconds
    after ``at`` (now), keyed by that slot; None when it was already enqueued."""
    slot = int((time.time() if at is None else at) // every) + 1
    # The delay counts from now, whatever ``at`` was: the job is due when its slot starts.
    return await enqueue(
        name, None, key=f"{name}:{slot}", delay=max(0.0, slot * every - time.time())
    )


async def enqueue_daily(name: str, *, at: float | None = None) -> int | None:
    """Enqueue job ``name`` at the start of the next UTC day after ``at`` (now), once per day
    whoever asks. :class:`PeriodicJob` does this for you, and reschedules."""
    return await enqueue_in_slot(name, DAY, at=at)


class PeriodicJob:
    """A chore run once per ``every`` seconds (a day unless told; a callable is read at each
    scheduling, e.g. from settings): ``work()`` does it, the job around it reschedules."""

    def __init__(
        self,
        name: str,
        work: Callable[[], Awaitable[object]],
        *,
        every: float | Callable[[], float] = DAY,
    ) -> None:
        self.name = name
        self.work = work
        self.every = every

    @property
    def period(self) -> float:
        return self.every() if callable(self.every) else self.every

    def register(self, register: JobsRegistrar) -> None:
        """From a ``register_jobs`` hook: add the job type."""
        register(self.name, self.run)

    async def run(self, ctx: JobContext | None, payload: None) -> None:
        """The job: do the work, then schedule the next slot (also when the work failed)."""
        try:
            await self.work()
        finally:
            await self.schedule()

    async def schedule(self, *, at: float | None = None, now: bool = False) -> int | None:
        """Enqueue the run of the next slot after ``at`` (now); with ``now``, one at once
        instead (not keyed: at startup, so what came due while nothing ran is done without
        waiting a period; that run schedules the next slot)."""
        if now:
            return await enqueue(self.name, None)
        return await enqueue_in_slot(self.name, self.period, at=at)
