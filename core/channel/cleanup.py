"""The daily sweep of operators' uploads never sent: a file uploaded for a reply (``POST
/api/attachments``) that no reply took within ``KEEP`` is deleted — its row, and its bytes unless
something else uses them (:func:`unionline.channel.storage.release`).

The sweep is a job keyed by its UTC day, so any number of processes schedule exactly one a day.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from unionline.channel.storage import release
from unionline.channel.tables import AttachmentRecord as Row
from unionline.jobs import JobContext
from unionline.runtime import DAY, current, enqueue_daily

log = logging.getLogger("unionline.channel")

SWEEP_JOB = "channel.sweep_uploads"
KEEP = DAY  # an upload waits this long for the reply that sends it


async def sweep_uploads(now: float | None = None) -> int:
    """Delete operators' uploads older than ``KEEP`` that no reply took; answer how many."""
    cutoff = datetime.fromtimestamp((time.time() if now is None else now) - KEEP, UTC)
    rows = await Row.select(Row.id, Row.sha256).where(
        Row.appeal_id.is_null()
        & (Row.direction == "out")
        & Row.uploaded_by.is_not_null()
        & (Row.created_at < cutoff)
    )
    swept = 0
    for row in rows:
        # A reply that takes the file at this moment wins: only a row still unsent is deleted.
        async with current().db.transaction():
            gone = await current().db.fetch(
                "DELETE FROM channel_attachment WHERE id = {} AND appeal_id IS NULL RETURNING id",
                row["id"],
            )
        if gone:
            swept += 1
            if row["sha256"]:
                await release(row["sha256"])
    return swept


async def sweep_job(ctx: JobContext, payload: None) -> None:
    try:
        swept = await sweep_uploads()
        if swept:
            log.info("deleted %d operator upload(s) never sent with a reply", swept)
    finally:
        await schedule_sweep()


async def schedule_sweep(at: float | None = None) -> None:
    """Enqueue the next sweep at the start of the next UTC day (one per day, whoever asks)."""
    await enqueue_daily(SWEEP_JOB, at=at)
