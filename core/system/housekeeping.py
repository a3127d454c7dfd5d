"""Housekeeping of the job outbox: finished jobs are deleted once they are old enough.

A finished job row keeps its idempotency key, which is what makes a redelivered event harmless;
events are relayed once and redelivered within seconds, so a week of rows is plenty. The purge
is itself a job, keyed by its day, so any number of processes schedule exactly one per day.
"""

from __future__ import annotations

import logging

from unionline.jobs import JobContext
from unionline.registry import JobsRegistrar
from unionline.runtime import DAY, current, enqueue_daily

log = logging.getLogger(__name__)

PURGE_JOB = "system.purge_jobs"


async def purge_job(ctx: JobContext, payload: None) -> None:
    try:
        days = current().settings.jobs.keep_done_days
        purged = await current().jobs.purge_done(days * DAY)
        if purged:
            log.info("purged %d finished job(s) older than %g day(s)", purged, days)
    finally:
        await schedule_purge()


async def schedule_purge(at: float | None = None) -> None:
    """Enqueue the next purge at the start of the next UTC day (one per day, whoever asks)."""
    await enqueue_daily(PURGE_JOB, at=at)


def register(register: JobsRegistrar) -> None:
    register(PURGE_JOB, purge_job)
