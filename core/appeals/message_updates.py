"""A member's message changed in place: an edit's new revision, an album's next part.

The entry keeps its id and its place in the timeline, and the appeal is left as it is (no
reopening, no new "member wrote" time, no acknowledgement): ``appeal.message_updated`` carries
the entry as it is now, so consoles redraw it. What the change means is the caller's (the
channel SDK's): it is given the entry as locked and answers the new body and data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from unionline.appeals import fields, store
from unionline.appeals.events import MessageUpdated, preview
from unionline.appeals.schemas import TimelineEntryView
from unionline.errors import NotFound
from unionline.rows import db_value
from unionline.runtime import current, publish

Change = Literal["revised", "part_added", "updated"]
Rewrite = Callable[[TimelineEntryView], tuple[str, dict[str, Any]]]


async def update_message(
    entry_id: int,
    rewrite: Rewrite,
    *,
    change: Change,
    kinds: tuple[str, ...] = ("message_in",),
) -> TimelineEntryView:
    """Give the member's message ``entry_id`` (or, with ``kinds``, a message entry of those
    kinds) the body and data ``rewrite`` makes of it, in the caller's transaction; publishes
    ``appeal.message_updated``.

    The entry is locked while it is rewritten (PostgreSQL; SQLite serializes every writer), so
    two parts of one album or two edits arriving together both land, one after the other.
    """
    db = current().db
    lock = " FOR UPDATE" if db.is_postgres else ""
    async with db.transaction():
        entry = await db.fetch_one_as(
            TimelineEntryView,
            f"SELECT * FROM appeal_timeline WHERE id = {{}}"
            f" AND kind IN ({', '.join('{}' for _ in kinds)}){lock}",
            entry_id,
            *kinds,
        )
        if entry is None:
            raise NotFound(f"no member's message {entry_id}", field="entry_id")
        body, data = rewrite(entry)
        body = fields.plain(body)
        updated = await db.fetch_one_as(
            TimelineEntryView,
            "UPDATE appeal_timeline SET body = {}, data = {} WHERE id = {} RETURNING *",
            body,
            db_value(data),
            entry_id,
        )
        assert updated is not None  # locked above
        row = await store.load(updated.appeal_id)
        await publish(
            MessageUpdated(
                organization_id=row.organization_id,
                appeal_id=row.id,
                appeal=store.summary(row),
                entry=updated,
                change=change,
                preview=preview(body),
            )
        )
    return updated
