"""The daily sweep of uploads nobody sent: a visitor's file not named by any message of theirs
a day after it was uploaded is deleted (its row, and its bytes unless something else uses them).

The sweep is a daily ``unionline.PeriodicJob``: one run a day, however many processes schedule it.
"""

from __future__ import annotations

import logging
import time

from unionline import PeriodicJob, current
from unionline.channel import release_stored

log = logging.getLogger("unionline.channels.web")

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
            await release_stored(row["sha256"])
            swept += 1
    return swept


async def _sweep() -> None:
    swept = await sweep_uploads()
    if swept:
        log.info("deleted %d widget upload(s) never sent with a message", swept)


SWEEP = PeriodicJob("web.sweep_uploads", _sweep)
