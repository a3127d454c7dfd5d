"""Housekeeping of the job outbox: finished jobs are deleted once they are old enough.

A finished job row keeps its idempotency key, which is what makes a redelivered event harmless;
events are relayed once and redelivered within seconds, so a week of rows is plenty. The purge
is a daily :class:`~unionline.jobs.periodic.PeriodicJob`: one run a day, however many processes.
"""

from __future__ import annotations

import logging

from unionline.jobs.periodic import DAY, PeriodicJob
from unionline.runtime import current

log = logging.getLogger(__name__)


async def purge_done_jobs() -> None:
    days = current().settings.jobs.keep_done_days
    purged = await current().jobs.purge_done(days * DAY)
    if purged:
        log.info("purged %d finished job(s) older than %g day(s)", purged, days)


PURGE = PeriodicJob("system.purge_jobs", purge_done_jobs)
