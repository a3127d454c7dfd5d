"""Outbound delivery of operator replies: handing them to channels, and their status.

``add_reply`` stores a ``message_out`` entry with delivery status ``queued`` and calls
:func:`_queue_delivery` in the same transaction. The channel SDK fills that function in:
it enqueues an outbox job that calls the channel's ``send()`` and reports back through
:func:`update_delivery`.
"""

from __future__ import annotations

from typing import Any

from unionline.appeals import store
from unionline.appeals import timeline as history
from unionline.appeals.events import DeliveryUpdated
from unionline.appeals.schemas import TimelineEntryView
from unionline.errors import Invalid
from unionline.runtime import current, publish

# A later report never moves a message back (a "delivered" may arrive after its "read").
RANK = {"queued": 0, "unknown": 1, "sent": 2, "failed": 3, "delivered": 3, "read": 4}


async def _queue_delivery(entry: TimelineEntryView, appeal: dict[str, Any]) -> None:
    """CHANNEL SDK HOOK POINT: enqueue the delivery of ``entry`` (a queued ``message_out``).

    Runs inside the transaction that stored the reply, so the job exists exactly when the
    reply does (see :func:`unionline.channel.outbound.queue_entry`).
    """
    from unionline.channel.outbound import queue_entry

    await queue_entry(entry, appeal)


async def _describe_files(files: list[Any]) -> list[Any]:
    """CHANNEL SDK HOOK POINT: a reply's uploaded files described for its timeline entry."""
    from unionline.channel.attachments import describe

    return await describe(files)


async def update_delivery(
    entry_id: int, status: str, *, external_id: str | None = None, error: str | None = None
) -> TimelineEntryView:
    """Record a delivery report for an outbound message; stale reports are ignored."""
    if status not in RANK:
        raise Invalid(f"delivery status must be one of {', '.join(RANK)}", field="status")
    db = current().db
    async with db.transaction():
        lock = " FOR UPDATE" if db.is_postgres else ""
        row = await db.fetchone(f"SELECT * FROM appeal_timeline WHERE id = {{}}{lock}", entry_id)
        if row is None or row["kind"] != "message_out":
            raise Invalid(f"{entry_id} is not an outbound message", field="entry_id")
        entry = history.entry_view(row)
        old = entry.delivery_status or "queued"
        if status == old or RANK[status] < RANK[old]:
            return entry
        data = dict(entry.data)
        if error:
            data["delivery_error"] = error[:1000]
        row = await db.fetchone(
            "UPDATE appeal_timeline SET delivery_status = {}, external_id = {}, data = {}"
            " WHERE id = {} RETURNING *",
            status,
            external_id or entry.external_id,
            store.db_value(data),
            entry_id,
        )
        assert row is not None
        entry = history.entry_view(row)
        appeal = await store.load(entry.appeal_id)
        await publish(
            DeliveryUpdated(
                organization_id=appeal["organization_id"],
                appeal_id=appeal["id"],
                appeal=store.summary(appeal),
                entry_id=entry.id,
                delivery_status=status,
                error=error,
            )
        )
    return entry
