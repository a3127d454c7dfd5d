"""The timeline: one ordered history per appeal and per member (``id`` gives the order)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from unionline.appeals import clock
from unionline.appeals.schemas import TimelineEntryView, TimelinePage
from unionline.appeals.store import AppealRow
from unionline.errors import Invalid
from unionline.rows import db_value
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


async def add(
    appeal: AppealRow,
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
        appeal.id,
        appeal.member_id,
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
    entry = await current().db.fetch_one_as(TimelineEntryView, sql, *map(db_value, values))
    assert entry is not None
    return entry


async def find_external(
    channel_account_id: uuid.UUID | None, kind: str, external_id: str | None
) -> TimelineEntryView | None:
    if channel_account_id is None or external_id is None:
        return None
    return await current().db.fetch_one_as(
        TimelineEntryView,
        "SELECT * FROM appeal_timeline WHERE channel_account_id = {} AND kind = {}"
        " AND external_id = {}",
        channel_account_id,
        kind,
        external_id,
    )


async def entries_of(appeal_ids: list[uuid.UUID]) -> list[TimelineEntryView]:
    """Every entry of these appeals, in order (privacy's export)."""
    if not appeal_ids:
        return []
    marks = ", ".join("{}" for _ in appeal_ids)
    return await current().db.fetch_as(
        TimelineEntryView,
        f"SELECT * FROM appeal_timeline WHERE appeal_id IN ({marks}) ORDER BY id",
        *appeal_ids,
    )


async def page(
    where: str, args: tuple[Any, ...], *, cursor: str | None, limit: int
) -> TimelinePage:
    """Entries matching ``where`` in order, ``limit`` at a time after ``cursor``."""
    after = decode_cursor(cursor) if cursor else 0
    rows = await current().db.fetch_as(
        TimelineEntryView,
        f"SELECT * FROM appeal_timeline WHERE {where} AND id > {{}} ORDER BY id LIMIT {{}}",
        *args,
        after,
        limit + 1,
    )
    items = rows[:limit]
    more = len(rows) > limit
    return TimelinePage(items=items, next_cursor=encode_cursor(items[-1].id) if more else None)


def encode_cursor(last_id: int) -> str:
    return f"t{last_id}"


def decode_cursor(cursor: str) -> int:
    if cursor.startswith("t") and cursor[1:].isdigit():
        return int(cursor[1:])
    raise Invalid("cursor is not one this API returned", field="cursor")
