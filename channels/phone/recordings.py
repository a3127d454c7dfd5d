"""Call recordings past their line's ``recording_days`` (152-FZ): the bytes deleted, the entry
saying so. A daily job, once a day across processes (``PeriodicJob``)."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

import msgspec

from unionline import PeriodicJob, current
from unionline.channel import (
    channel_accounts,
    discard_attachment,
    release_stored,
    update_entry,
)

log = logging.getLogger("unionline.channels.phone")


class Kept(msgspec.Struct, frozen=True):
    id: uuid.UUID
    external_id: str
    recording_id: uuid.UUID


async def sweep_recordings() -> int:
    """Delete every recording older than its line keeps them; the number deleted."""
    deleted = 0
    for line in await channel_accounts("phone", statuses=("active", "needs_reauth", "disabled")):
        deleted += await _sweep_line(line)
    return deleted


async def _sweep_line(line: Any) -> int:
    db = current().db
    cutoff = time.time() - line.config.recording_days * 86400
    expired = await db.fetch_as(
        Kept,
        "SELECT id, external_id, recording_id FROM phone_call WHERE account_id = {}"
        " AND recording_id IS NOT NULL AND recorded_at IS NOT NULL AND recorded_at < {}",
        line.id,
        cutoff,
    )
    for kept in expired:
        async with db.transaction():
            sha = await discard_attachment(
                kept.recording_id,
                f"Запись удалена: срок хранения ({line.config.recording_days} дн.) истёк",
            )
            await update_entry(line, kept.external_id, _expired)
            await db.execute("UPDATE phone_call SET recorded_at = NULL WHERE id = {}", kept.id)
        if sha:
            await release_stored(sha)
    if expired:
        log.info("phone line %s: %d recording(s) past retention deleted", line.id, len(expired))
    return len(expired)


def _expired(body: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    call = {**data.get("call", {}), "recording": "expired"}
    files = [
        {**f, "status": "rejected", "url": None} if f.get("content_type") == "audio/mpeg" else f
        for f in data.get("attachments", [])
    ]
    return body, {**data, "call": call, "attachments": files}


SWEEP = PeriodicJob("phone.sweep_recordings", sweep_recordings)
