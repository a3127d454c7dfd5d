"""The delivery status of operator replies, as the channel SDK reports it.

``add_reply`` stores a ``message_out`` entry with delivery status ``queued`` and hands it to
the :class:`~unionline.appeals.ports.DeliveryPort` in the same transaction. The channel SDK,
which implements the port, runs the channel's ``send()`` in an outbox job and reports each
outcome and receipt back through :func:`update_delivery`.
"""

from __future__ import annotations

from unionline.appeals import store
from unionline.appeals.delivery_statuses import DELIVERY_STATUSES, advances
from unionline.appeals.events import DeliveryUpdated
from unionline.appeals.schemas import TimelineEntryView
from unionline.errors import Invalid
from unionline.rows import db_value
from unionline.runtime import current, publish


async def update_delivery(
    entry_id: int,
    status: str,
    *,
    external_id: str | None = None,
    error: str | None = None,
    note: str = "",
) -> TimelineEntryView:
    """Record a delivery report for an outbound message; stale reports are ignored (a status
    only moves forward, see :func:`unionline.appeals.delivery_statuses.advances`). ``note``
    (what the provider told of the send, e.g. an SMS's cost) is kept as ``delivery_note``."""
    if status not in DELIVERY_STATUSES:
        raise Invalid(
            f"delivery status must be one of {', '.join(DELIVERY_STATUSES)}", field="status"
        )
    db = current().db
    async with db.transaction():
        lock = " FOR UPDATE" if db.is_postgres else ""
        entry = await db.fetch_one_as(
            TimelineEntryView, f"SELECT * FROM appeal_timeline WHERE id = {{}}{lock}", entry_id
        )
        if entry is None or entry.kind != "message_out":
            raise Invalid(f"{entry_id} is not an outbound message", field="entry_id")
        if not advances(entry.delivery_status, status):
            return entry
        data = dict(entry.data)
        if error:
            data["delivery_error"] = error[:1000]
        if note:
            data["delivery_note"] = note[:200]
        updated = await db.fetch_one_as(
            TimelineEntryView,
            "UPDATE appeal_timeline SET delivery_status = {}, external_id = {}, data = {}"
            " WHERE id = {} RETURNING *",
            status,
            external_id or entry.external_id,
            db_value(data),
            entry_id,
        )
        assert updated is not None
        entry = updated
        appeal = await store.load(entry.appeal_id)
        await publish(
            DeliveryUpdated(
                organization_id=appeal.organization_id,
                appeal_id=appeal.id,
                appeal=store.summary(appeal),
                entry_id=entry.id,
                delivery_status=status,
                error=error,
                note=data.get("delivery_note"),
            )
        )
    return entry
