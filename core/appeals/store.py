"""Row-level access to appeals: :class:`AppealRow`, load (optionally locked), update, and the
views made from a row.

Raw SQL with ``{}`` placeholders keeps both engines on one code path; rows are decoded into
:class:`AppealRow` by :mod:`unionline.rows` (SQLite hands back JSON as text and expressions
without declared types). Routing, robots, the channel SDK and the plugins read appeals as
``AppealRow``, never as dicts.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import msgspec

from unionline.appeals.schemas import AppealView, LinkView
from unionline.appeals.statuses import Priority, Status
from unionline.errors import NotFound
from unionline.rows import db_value, decode_row
from unionline.runtime import current
from unionline.spi import AppealSummary


class AppealRow(msgspec.Struct, frozen=True, kw_only=True):
    """One row of ``appeal_appeal``, as every package reads it (a change is a new row:
    :func:`update` returns it)."""

    id: uuid.UUID
    number: str
    organization_id: uuid.UUID
    year: int
    seq: int
    member_id: uuid.UUID
    subject: str
    channel: str
    channel_account_id: uuid.UUID | None
    queue_id: uuid.UUID | None
    assignee_id: uuid.UUID | None
    priority: Priority
    status: Status
    tags: list[str]
    custom: dict[str, Any]
    first_response_due: datetime | None
    resolution_due: datetime | None
    first_responded_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    last_member_message_at: datetime | None
    merged_into_id: uuid.UUID | None


async def load(appeal_id: uuid.UUID, *, lock: bool = False, field: str = "id") -> AppealRow:
    """The appeal's row; ``lock`` holds it (PostgreSQL) until the transaction ends."""
    row = await find(appeal_id, lock=lock)
    if row is None:
        raise NotFound(f"appeal {appeal_id} does not exist", field=field)
    return row


async def find(appeal_id: uuid.UUID | None, *, lock: bool = False) -> AppealRow | None:
    """The appeal's row, or None when there is none."""
    if appeal_id is None:
        return None
    db = current().db
    sql = "SELECT * FROM appeal_appeal WHERE id = {}"
    if lock and db.is_postgres:
        sql += " FOR UPDATE"
    return await db.fetch_one_as(AppealRow, sql, appeal_id)


async def of_members(member_ids: list[uuid.UUID]) -> list[AppealRow]:
    """Every appeal of these members, oldest first (privacy's export and erasure)."""
    if not member_ids:
        return []
    marks = ", ".join("{}" for _ in member_ids)
    return await current().db.fetch_as(
        AppealRow,
        f"SELECT * FROM appeal_appeal WHERE member_id IN ({marks}) ORDER BY created_at, id",
        *member_ids,
    )


async def update(
    appeal_id: uuid.UUID, changes: dict[str, Any], *, where: str = "", args: tuple[Any, ...] = ()
) -> AppealRow | None:
    """Apply ``changes``; returns the new row, or None when ``where`` excluded it."""
    names = list(changes)
    assignments = ", ".join(f"{name} = {{}}" for name in names)
    sql = f"UPDATE appeal_appeal SET {assignments} WHERE id = {{}}{where} RETURNING *"
    params = [db_value(changes[n]) for n in names]
    return await current().db.fetch_one_as(AppealRow, sql, *params, appeal_id, *args)


def decode(row: Mapping[str, Any]) -> AppealRow:
    """A raw ``appeal_appeal`` row (``SELECT *``) as an :class:`AppealRow`."""
    return decode_row(AppealRow, row)


def view(row: AppealRow, links: list[LinkView] | None = None) -> AppealView:
    return AppealView(**msgspec.structs.asdict(row), links=links)


def summary(row: AppealRow) -> AppealSummary:
    return AppealSummary(**{name: getattr(row, name) for name in AppealSummary.__struct_fields__})
