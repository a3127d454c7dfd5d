"""The notifications inbox: what an operator should see, kept until they mark it read.

A notification is written after the event that caused it commits (``on_event``), once per
operator and event (``key`` is unique), and announced with ``workspace.notified`` so the
operator's open consoles update at once; a console that was closed finds it on its next start.
Only the operator a notification is for lists or marks it.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec

from unionline.access import Actor
from unionline.errors import Invalid
from unionline.runtime import current, publish
from unionline.workspace.events import Notified
from unionline.workspace.schemas import Kind, Marked, NotificationPage, NotificationView

MAX_LIMIT = 200
PREVIEW = 300

_INSERT = (
    "INSERT INTO workspace_notification (id, operator_id, key, kind, organization_id,"
    " appeal_id, appeal_number, author_id, text, title, link, created_at, read_at)"
    " VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, NULL) ON CONFLICT (key) DO NOTHING"
    " RETURNING id"
)


class Draft(msgspec.Struct, kw_only=True):
    """A notification about to be stored."""

    operator_id: uuid.UUID
    kind: Kind
    cause: str  # what it is about, unique per operator: the event's id
    organization_id: uuid.UUID | None
    appeal_id: uuid.UUID | None = None
    appeal_number: str = ""
    author_id: uuid.UUID | None = None
    text: str = ""
    title: str = ""  # kind "notice": a plugin's own title
    link: str = ""  # kind "notice": the console address it opens


async def notify(draft: Draft) -> uuid.UUID | None:
    """Store ``draft`` once (None when it was stored already) and announce it."""
    db = current().db
    key = f"{draft.kind}:{draft.cause}:{draft.operator_id}"
    async with db.transaction():
        row = await db.fetchone(
            _INSERT,
            uuid.uuid4(),
            draft.operator_id,
            key,
            draft.kind,
            draft.organization_id,
            draft.appeal_id,
            draft.appeal_number[:60],
            draft.author_id,
            draft.text[:PREVIEW],
            draft.title[:200],
            draft.link[:300],
            datetime.now(UTC),
        )
        if row is None:
            return None
        notification_id = uuid.UUID(str(row["id"]))
        await publish(
            Notified(
                organization_id=draft.organization_id,
                operator_id=draft.operator_id,
                notification_id=notification_id,
                kind=draft.kind,
            )
        )
    return notification_id


class _Row(msgspec.Struct):
    id: uuid.UUID
    kind: Kind
    appeal_id: uuid.UUID | None
    appeal_number: str
    author_id: uuid.UUID | None
    text: str
    created_at: datetime
    read_at: datetime | None
    title: str = ""
    link: str = ""


def _cursor(row: _Row) -> str:
    raw = f"{row.created_at.isoformat()}|{row.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, ident = raw.split("|")
        created = datetime.fromisoformat(moment)
        if created.tzinfo is None:
            raise ValueError(moment)
        return created, uuid.UUID(ident)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise Invalid("cursor is not one this API returned", field="cursor") from None


async def unread_count(operator_id: uuid.UUID) -> int:
    row = await current().db.fetchone(
        "SELECT COUNT(*) AS n FROM workspace_notification"
        " WHERE operator_id = {} AND read_at IS NULL",
        operator_id,
    )
    return int(row["n"]) if row else 0


async def list_notifications(
    actor: Actor, *, unread: bool = False, cursor: str | None = None, limit: int = 50
) -> NotificationPage:
    """The caller's notifications, newest first."""
    limit = max(1, min(limit, MAX_LIMIT))
    where = ["operator_id = {}"]
    args: list[Any] = [actor.operator_id]
    if unread:
        where.append("read_at IS NULL")
    if cursor:
        moment, ident = _after(cursor)
        where.append("(created_at < {} OR (created_at = {} AND id < {}))")
        args += [moment, moment, ident]
    rows = await current().db.fetch_as(
        _Row,
        "SELECT id, kind, appeal_id, appeal_number, author_id, text, title, link, created_at,"
        " read_at"
        f" FROM workspace_notification WHERE {' AND '.join(where)}"
        f" ORDER BY created_at DESC, id DESC LIMIT {limit + 1}",
        *args,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return NotificationPage(
        items=[NotificationView(**msgspec.structs.asdict(r)) for r in rows],
        next_cursor=_cursor(rows[-1]) if more and rows else None,
        unread=await unread_count(actor.operator_id),
    )


async def mark_read(actor: Actor, ids: list[uuid.UUID], everything: bool) -> Marked:
    """Mark the caller's notifications ``ids`` (or all of them) read; others' are untouched."""
    db = current().db
    stamp = datetime.now(UTC)
    marked = 0
    async with db.transaction():
        if everything:
            rows = await db.fetch(
                "UPDATE workspace_notification SET read_at = {} WHERE operator_id = {}"
                " AND read_at IS NULL RETURNING id",
                stamp,
                actor.operator_id,
            )
            marked = len(rows)
        for notification_id in dict.fromkeys(ids):
            rows = await db.fetch(
                "UPDATE workspace_notification SET read_at = {} WHERE id = {}"
                " AND operator_id = {} AND read_at IS NULL RETURNING id",
                stamp,
                notification_id,
                actor.operator_id,
            )
            marked += len(rows)
    return Marked(marked=marked, unread=await unread_count(actor.operator_id))


async def notify_operator(
    operator_id: uuid.UUID,
    *,
    cause: str,
    title: str,
    text: str = "",
    link: str = "",
    organization_id: uuid.UUID | None = None,
) -> uuid.UUID | None:
    """A plugin's notice in an operator's inbox (kind ``notice``), stored once per ``cause``
    and operator (None when it was stored already) and announced to their consoles at once.
    ``link`` is the console address it opens (``#/work/tasks/<id>``); ``organization_id``
    decides which consoles get the announcement (None: admins' only, besides the operator's
    own inbox on its next load)."""
    if not link.startswith("#/"):
        link = ""
    return await notify(
        Draft(
            operator_id=operator_id,
            kind="notice",
            cause=cause,
            organization_id=organization_id,
            title=title,
            text=text,
            link=link,
        )
    )
