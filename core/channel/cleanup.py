"""The daily sweep of operators' uploads never sent: a file uploaded for a reply (``POST
/api/attachments``) that no reply took within ``KEEP`` is deleted — its row, and its bytes unless
something else uses them (:func:`unionline.channel.storage.release_stored`).

The sweep is a daily :class:`~unionline.jobs.periodic.PeriodicJob`: one run a day, however many
processes schedule it.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from unionline.channel.storage import release_stored
from unionline.channel.tables import AttachmentRecord as Row
from unionline.jobs.periodic import DAY, PeriodicJob
from unionline.runtime import current

log = logging.getLogger("unionline.channel")

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
                await release_stored(row["sha256"])
    return swept


async def _sweep() -> None:
    swept = await sweep_uploads()
    if swept:
        log.info("deleted %d operator upload(s) never sent with a reply", swept)


SWEEP = PeriodicJob("channel.sweep_uploads", _sweep)
