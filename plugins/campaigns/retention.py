"""Retention of what campaigns log: members' clicks, unsubscribes and replies
(``campaigns_event``) older than ``[campaigns] event_retention_days`` are deleted once a day, in
batches — the log that grew to 204 GiB elsewhere stays bounded. Recipient rows stay (they are
the campaigns' counts); consents and their history are never purged here (they are the proof)."""

from __future__ import annotations

import time

from unionline import PeriodicJob, current
from unionline.plugins.campaigns.settings import campaigns_settings

BATCH = 5000


async def purge() -> None:
    days = campaigns_settings().event_retention_days
    if not days:
        return
    before = time.time() - days * 86400.0
    db = current().db
    while True:
        gone = await db.fetch(
            "DELETE FROM campaigns_event WHERE id IN (SELECT id FROM campaigns_event"
            f" WHERE at < {{}} ORDER BY id LIMIT {BATCH}) RETURNING id",
            before,
        )
        if len(gone) < BATCH:
            return


RETENTION = PeriodicJob("campaigns.retention", purge)
