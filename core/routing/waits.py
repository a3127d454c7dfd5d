"""Queue entries: when an appeal started waiting in a queue and when it stopped, so supervisors
see queue lengths and waiting times, and overflow knows how long an appeal has waited."""

from __future__ import annotations

import uuid
from typing import Any

from unionline.runtime import current


async def open_entry(appeal_id: uuid.UUID) -> dict[str, Any] | None:
    return await current().db.fetchone(
        "SELECT * FROM routing_queue_entry WHERE appeal_id = {} AND left_at IS NULL"
        " ORDER BY id DESC LIMIT 1",
        appeal_id,
    )


async def enter(
    appeal: dict[str, Any], queue_id: uuid.UUID, now: float
) -> tuple[dict[str, Any], bool]:
    """The appeal's open entry in ``queue_id`` (created, closing any other); True when new."""
    entry = await open_entry(appeal["id"])
    if entry is not None and _uuid(entry["queue_id"]) == queue_id:
        return entry, False
    await leave(appeal["id"], now)
    row = await current().db.fetchone(
        "INSERT INTO routing_queue_entry (appeal_id, organization_id, queue_id, queued_at)"
        " VALUES ({}, {}, {}, {}) RETURNING *",
        appeal["id"],
        appeal["organization_id"],
        queue_id,
        now,
    )
    assert row is not None
    return row, True


async def leave(appeal_id: uuid.UUID, now: float, assignee_id: uuid.UUID | None = None) -> None:
    """Close the appeal's open entry: assigned (``assignee_id``), moved, resolved or closed."""
    await current().db.execute(
        "UPDATE routing_queue_entry SET left_at = {}, assigned_at = {}, assignee_id = {}"
        " WHERE appeal_id = {} AND left_at IS NULL",
        now,
        now if assignee_id is not None else None,
        assignee_id,
        appeal_id,
    )


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
