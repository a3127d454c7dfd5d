"""The daily sweep of uploads nobody sent: a visitor's file not named by any message of theirs
a day after it was uploaded is deleted (its row, and its bytes unless something else uses them).

The sweep is a job keyed by its UTC day, so any number of processes schedule exactly one a day
(the pattern of the core's job purge).
"""

from __future__ import annotations

import logging
import time

from unionline import JobContext, current, enqueue_daily
from unionline.channel.storage import release

log = logging.getLogger("unionline.channels.web")

SWEEP_JOB = "web.sweep_uploads"
DAY = 86400.0
KEEP = DAY  # an upload waits this long for the message that sends it


async def sweep_uploads(now: float | None = None) -> int:
    """Delete uploads older than ``KEEP`` that no message of their visitor names; how many."""
    db = current().db
    cutoff = (time.time() if now is None else now) - KEEP
    rows = await db.fetch(
        "SELECT id, visitor_key, sha256 FROM web_upload WHERE created_at < {}", cutoff
    )
    swept = 0
    for row in rows:
        sent = await db.fetchone(
            "SELECT id FROM web_message WHERE visitor_key = {} AND attachments LIKE {}",
            row["visitor_key"],
            f'%"{row["id"]}"%',
        )
        if sent is None:
            await db.execute("DELETE FROM web_upload WHERE id = {}", row["id"])
            await release(row["sha256"])
            swept += 1
    return swept


async def sweep_job(ctx: JobContext, payload: None) -> None:
    try:
        swept = await sweep_uploads()
        if swept:
            log.info("deleted %d widget upload(s) never sent with a message", swept)
    finally:
        await schedule_sweep()


async def schedule_sweep(at: float | None = None) -> None:
    """Enqueue the next sweep at the start of the next UTC day (one per day, whoever asks)."""
    await enqueue_daily(SWEEP_JOB, at=at)
