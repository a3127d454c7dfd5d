"""The timeline: one ordered history per appeal and per member (``id`` gives the order)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from unionline.appeals import clock, store
from unionline.appeals.schemas import TimelineEntryView, TimelinePage
from unionline.errors import Invalid
from unionline.runtime import current

KINDS = (
    "message_in",
    "message_out",
    "note",
    "status_changed",
    "assigned",
    "priority_changed",
    "tags_changed",
    "linked",
    "merged",
    "system",
)
CONTENT_KINDS = ("message_in", "message_out", "note")  # what a merge moves; what search reads
LIFECYCLE_KINDS = tuple(k for k in KINDS if k not in CONTENT_KINDS)
DELIVERY_STATUSES = ("queued", "sent", "delivered", "read", "failed", "unknown")
_COLUMNS = (
    "appeal_id",
    "member_id",
    "kind",
    "author_id",
    "body",
    "data",
    "channel",
    "channel_account_id",
    "external_id",
    "delivery_status",
    "created_at",
)


def entry_view(row: dict[str, Any]) -> TimelineEntryView:
    row = store.normalize(row)
    fields = {name: row[name] for name in TimelineEntryView.__struct_fields__}
    fields["id"] = int(fields["id"])
    return TimelineEntryView(**fields)


async def add(
    appeal: dict[str, Any],
    kind: str,
    *,
    author_id: uuid.UUID | None = None,
    body: str = "",
    data: dict[str, Any] | None = None,
    channel: str = "",
    channel_account_id: uuid.UUID | None = None,
    external_id: str | None = None,
    delivery_status: str | None = None,
    at: datetime | None = None,
) -> TimelineEntryView:
    """Append an entry to ``appeal``'s timeline (inside the caller's transaction).

    Callers touch the appeal row first (an UPDATE), so on PostgreSQL its row lock keeps the
    entries of one appeal in commit order.
    """
    assert kind in KINDS, kind
    values = (
        appeal["id"],
        appeal["member_id"],
        kind,
        author_id,
        body,
        data or {},
        channel,
        channel_account_id,
        external_id,
        delivery_status,
        at or clock.now(),
    )
    sql = (
        f"INSERT INTO appeal_timeline ({', '.join(_COLUMNS)})"
        f" VALUES ({', '.join('{}' for _ in _COLUMNS)}) RETURNING *"
    )
    row = await current().db.fetchone(sql, *map(store.db_value, values))
    assert row is not None
    return entry_view(row)


async def find_external(
    channel_account_id: uuid.UUID | None, kind: str, external_id: str | None
) -> TimelineEntryView | None:
    if channel_account_id is None or external_id is None:
        return None
    row = await current().db.fetchone(
        "SELECT * FROM appeal_timeline WHERE channel_account_id = {} AND kind = {}"
        " AND external_id = {}",
        channel_account_id,
        kind,
        external_id,
    )
    return entry_view(row) if row else None


async def entry_row(entry_id: int, *, field: str = "entry_id") -> dict[str, Any]:
    from unionline.errors import NotFound

    row = await current().db.fetchone("SELECT * FROM appeal_timeline WHERE id = {}", entry_id)
    if row is None:
        raise NotFound(f"timeline entry {entry_id} does not exist", field=field)
    return store.normalize(row)


async def page(
    where: str, args: tuple[Any, ...], *, cursor: str | None, limit: int
) -> TimelinePage:
    """Entries matching ``where`` in order, ``limit`` at a time after ``cursor``."""
    after = decode_cursor(cursor) if cursor else 0
    rows = await current().db.fetch(
        f"SELECT * FROM appeal_timeline WHERE {where} AND id > {{}} ORDER BY id LIMIT {{}}",
        *args,
        after,
        limit + 1,
    )
    items = [entry_view(r) for r in rows[:limit]]
    more = len(rows) > limit
    return TimelinePage(items=items, next_cursor=encode_cursor(items[-1].id) if more else None)


def encode_cursor(last_id: int) -> str:
    return f"t{last_id}"


def decode_cursor(cursor: str) -> int:
    if cursor.startswith("t") and cursor[1:].isdigit():
        return int(cursor[1:])
    raise Invalid("cursor is not one this API returned", field="cursor")
