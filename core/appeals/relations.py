"""Links between appeals (related, reopened_from, merged_into) and merging two appeals.

A merge moves the source's messages and notes into the target (they keep their ids, so the
target's timeline stays in order and a member's history holds each message once), closes
the source with ``merged_into_id`` and links the two. Status and assignment entries stay
with the source: the target's own status history is untouched. Channels and plugins move what
they keep about the source (a conversation's map to it, an open callback, a linked task) in
the same transaction: the ``appeal_merged`` hook.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec

from unionline.access import Actor
from unionline.appeals import clock, guard, lifecycle, store
from unionline.appeals import timeline as history
from unionline.appeals.events import Linked, Merged
from unionline.appeals.schemas import AppealView, LinkKind, LinkView, TimelineEntryView
from unionline.appeals.store import AppealRow
from unionline.errors import Conflict, Invalid
from unionline.runtime import current, publish


class _LinkRow(msgspec.Struct):
    appeal_id: uuid.UUID
    other_id: uuid.UUID
    kind: LinkKind
    created_at: datetime
    a_number: str
    o_number: str


async def links_of(appeal_id: uuid.UUID) -> list[LinkView]:
    rows = await current().db.fetch_as(
        _LinkRow,
        "SELECT l.appeal_id, l.other_id, l.kind, l.created_at, a.number AS a_number,"
        " o.number AS o_number FROM appeal_link l"
        " JOIN appeal_appeal a ON a.id = l.appeal_id JOIN appeal_appeal o ON o.id = l.other_id"
        " WHERE l.appeal_id = {} OR l.other_id = {} ORDER BY l.created_at, l.id",
        appeal_id,
        appeal_id,
    )
    links = []
    for row in rows:
        outgoing = row.appeal_id == appeal_id
        links.append(
            LinkView(
                appeal_id=row.other_id if outgoing else row.appeal_id,
                number=row.o_number if outgoing else row.a_number,
                kind=row.kind,
                direction="outgoing" if outgoing else "incoming",
                created_at=row.created_at,
            )
        )
    return links


async def _linked(a: uuid.UUID, b: uuid.UUID, kind: str) -> bool:
    row = await current().db.fetchone(
        "SELECT id FROM appeal_link WHERE kind = {} AND ((appeal_id = {} AND other_id = {})"
        " OR (appeal_id = {} AND other_id = {}))",
        kind,
        a,
        b,
        b,
        a,
    )
    return row is not None


async def add_link(
    author_id: uuid.UUID | None,
    row: AppealRow,
    other: AppealRow,
    kind: str,
    *,
    record: bool = True,
) -> tuple[AppealRow, TimelineEntryView | None]:
    """Store ``row → other``; with ``record``, a ``linked`` entry and event on both sides."""
    await current().db.execute(
        "INSERT INTO appeal_link (id, appeal_id, other_id, kind, author_id, created_at)"
        " VALUES ({}, {}, {}, {}, {}, {})",
        uuid.uuid4(),
        row.id,
        other.id,
        kind,
        author_id,
        clock.now(),
    )
    if not record:
        return row, None
    entry: TimelineEntryView | None = None
    for this, that, direction in ((row, other, "outgoing"), (other, row, "incoming")):
        touched = await store.update(this.id, {"updated_at": clock.now()})
        assert touched is not None
        added = await history.add(
            touched,
            "linked",
            author_id=author_id,
            data={
                "kind": kind,
                "direction": direction,
                "other_id": str(that.id),
                "other_number": that.number,
            },
        )
        await publish(
            Linked(
                organization_id=touched.organization_id,
                appeal_id=touched.id,
                appeal=store.summary(touched),
                entry=added,
                other_id=that.id,
                other_number=that.number,
                kind=kind,
            )
        )
        if this is row:
            row, entry = touched, added
    return row, entry


async def _pair(
    actor: Actor | None, permission: str, first: uuid.UUID, second: uuid.UUID, second_field: str
) -> tuple[AppealRow, AppealRow]:
    """Both rows, locked in id order (no deadlock between two merges of the same pair)."""
    if first == second:
        raise Invalid("an appeal cannot be linked or merged with itself", field=second_field)
    rows = {}
    for ident in sorted((first, second), key=str):
        rows[ident] = await store.load(
            ident, lock=True, field="id" if ident == first else second_field
        )
    await guard.authorize(actor, permission, rows[first])
    await guard.authorize(actor, permission, rows[second], field=second_field)
    return rows[first], rows[second]


async def link(actor: Actor | None, appeal_id: uuid.UUID, other_id: uuid.UUID) -> AppealView:
    """Mark two appeals as related (idempotent, either direction)."""
    async with current().db.transaction():
        row, other = await _pair(actor, guard.MANAGE, appeal_id, other_id, "appeal_id")
        if not await _linked(appeal_id, other_id, "related"):
            row, _ = await add_link(actor.operator_id if actor else None, row, other, "related")
    return store.view(row, links=await links_of(appeal_id))


async def merge(actor: Actor | None, source_id: uuid.UUID, target_id: uuid.UUID) -> AppealView:
    """Merge ``source`` into ``target``; returns the target."""
    author_id = actor.operator_id if actor else None
    async with current().db.transaction():
        source, target = await _pair(actor, guard.MERGE, source_id, target_id, "target_id")
        await _check_mergeable(source, target)
        moved = await current().db.fetch(
            "UPDATE appeal_timeline SET appeal_id = {}, merged_from_id = {}"
            f" WHERE appeal_id = {{}} AND kind IN {_CONTENT} RETURNING id",
            target_id,
            source_id,
            source_id,
        )
        target = await _absorb(target, source)
        if source.status != "closed":
            source, _ = await lifecycle.change(
                source,
                "closed",
                author_id=author_id,
                reason="merged",
                extra={"merged_into": target.number},
            )
        updated = await store.update(
            source_id, {"merged_into_id": target_id, "updated_at": clock.now()}
        )
        assert updated is not None  # no ``where``: the locked row is always updated
        source = updated
        await add_link(author_id, source, target, "merged_into", record=False)
        await history.add(
            source,
            "merged",
            author_id=author_id,
            data={"into_id": str(target_id), "into_number": target.number, "moved": len(moved)},
        )
        await history.add(
            target,
            "merged",
            author_id=author_id,
            data={"from_id": str(source_id), "from_number": source.number, "moved": len(moved)},
        )
        # What channels and plugins keep about the source goes with it, in this transaction.
        await current().hooks.appeal_merged(
            source=store.summary(source), target=store.summary(target)
        )
        await publish(
            Merged(
                organization_id=target.organization_id,
                appeal_id=target_id,
                appeal=store.summary(target),
                source_id=source_id,
                source_number=source.number,
                moved_entries=len(moved),
            )
        )
    return store.view(target, links=await links_of(target_id))


_CONTENT = "(" + ", ".join(f"'{k}'" for k in history.CONTENT_KINDS) + ")"


async def _check_mergeable(source: AppealRow, target: AppealRow) -> None:
    from unionline.members.records import canonical_member

    if source.merged_into_id is not None:
        raise Conflict("the appeal was already merged", field="id")
    if target.merged_into_id is not None or target.status == "closed":
        raise Conflict(
            "cannot merge into a closed appeal",
            field="target_id",
            extra={"status": target.status},
        )
    if await canonical_member(source.member_id) != await canonical_member(target.member_id):
        raise Conflict(
            "appeals of different members cannot be merged (merge the members first)",
            field="target_id",
        )


async def _absorb(target: AppealRow, source: AppealRow) -> AppealRow:
    """The target takes the source's tags and its latest member message time."""
    from unionline.appeals.fields import write_tags

    tags = list(dict.fromkeys([*target.tags, *source.tags]))
    changes: dict[str, Any] = {"updated_at": clock.now(), "tags": tags}
    times = [t for t in (target.last_member_message_at, source.last_member_message_at) if t]
    if times:
        changes["last_member_message_at"] = max(times)
    updated = await store.update(target.id, changes)
    assert updated is not None
    if tags != target.tags:
        await write_tags(target.id, tags)
    return updated
