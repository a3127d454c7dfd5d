"""Erasure in the event log.

An event about an erased member's appeal keeps its id, type, position and shape — consoles resume
by position, robots decode old events with their registered type — but loses the text it carried,
exactly as the timeline does: the appeal's subject, a message's or note's body, preview and data, a
robot's notice and step summaries, a delivery error (it may quote an address). Lifecycle entries
(status, assignee, ...) stay, as they do on the timeline.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import msgspec

from unionline.appeals.timeline import CONTENT_KINDS
from unionline.runtime import current

TEXT_KEYS = frozenset({"subject", "preview", "text", "error"})  # personal text wherever they occur
LIST_KEYS = frozenset({"summaries"})  # lists of such text (a robot's steps)
CHUNK = 100  # ids per scan (one LIKE each)


async def erase_event_text(ids: Sequence[uuid.UUID], tombstone: str) -> int:
    """Scrub the events whose payload names one of ``ids`` (appeals, members); answer how many
    changed. Runs in the caller's transaction."""
    changed = 0
    for start in range(0, len(ids), CHUNK):
        changed += await _erase_naming(ids[start : start + CHUNK], tombstone)
    return changed


async def _erase_naming(ids: Sequence[uuid.UUID], tombstone: str) -> int:
    db = current().db
    patterns = [f'%"{i}"%' for i in ids]  # msgspec writes a UUID as its canonical string
    where = " OR ".join("payload LIKE {}" for _ in patterns)
    rows = await db.fetch(f"SELECT id, payload FROM system_event WHERE {where}", *patterns)
    changed = 0
    for row in rows:
        payload = msgspec.json.decode(row["payload"])
        scrubbed = scrub(payload, tombstone)
        if scrubbed != payload:
            await db.execute(
                "UPDATE system_event SET payload = {} WHERE id = {}",
                msgspec.json.encode(scrubbed).decode(),
                row["id"],
            )
            changed += 1
    return changed


def scrub(value: Any, tombstone: str) -> Any:
    """``value`` (decoded JSON) with its personal text replaced by ``tombstone``."""
    if isinstance(value, list):
        return [scrub(item, tombstone) for item in value]
    if not isinstance(value, dict):
        return value
    content = value.get("kind") in CONTENT_KINDS and "body" in value  # a message or note entry
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in TEXT_KEYS and isinstance(item, str) and item:
            out[key] = tombstone
        elif key in LIST_KEYS and isinstance(item, list):
            out[key] = [tombstone if isinstance(s, str) else s for s in item]
        elif content and key == "body" and isinstance(item, str):
            out[key] = tombstone
        elif content and key == "data" and isinstance(item, dict):
            out[key] = {"erased": True}
        else:
            out[key] = scrub(item, tombstone)
    return out
