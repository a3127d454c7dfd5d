"""Queue entries: when an appeal started waiting in a queue and when it stopped, so supervisors
see queue lengths and waiting times, and overflow knows how long an appeal has waited."""

from __future__ import annotations

import uuid

import msgspec

from unionline.appeals.store import AppealRow
from unionline.runtime import current


class QueueEntryRow(msgspec.Struct, frozen=True, kw_only=True):
    """One row of ``routing_queue_entry``: an appeal's wait in a queue."""

    id: int
    appeal_id: uuid.UUID
    organization_id: uuid.UUID
    queue_id: uuid.UUID
    queued_at: float
    assigned_at: float | None
    left_at: float | None
    assignee_id: uuid.UUID | None


async def entry(entry_id: int) -> QueueEntryRow | None:
    return await current().db.fetch_one_as(
        QueueEntryRow, "SELECT * FROM routing_queue_entry WHERE id = {}", entry_id
    )


async def open_entry(appeal_id: uuid.UUID) -> QueueEntryRow | None:
    return await current().db.fetch_one_as(
        QueueEntryRow,
        "SELECT * FROM routing_queue_entry WHERE appeal_id = {} AND left_at IS NULL"
        " ORDER BY id DESC LIMIT 1",
        appeal_id,
    )


async def enter(appeal: AppealRow, queue_id: uuid.UUID, now: float) -> tuple[QueueEntryRow, bool]:
    """The appeal's open entry in ``queue_id`` (created, closing any other); True when new."""
    found = await open_entry(appeal.id)
    if found is not None and found.queue_id == queue_id:
        return found, False
    await leave(appeal.id, now)
    row = await current().db.fetch_one_as(
        QueueEntryRow,
        "INSERT INTO routing_queue_entry (appeal_id, organization_id, queue_id, queued_at)"
        " VALUES ({}, {}, {}, {}) RETURNING *",
        appeal.id,
        appeal.organization_id,
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
