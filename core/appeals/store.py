"""Row-level access to appeals: load (optionally locked), update, and turn rows into views.

Raw SQL with ``{}`` placeholders keeps both engines on one code path; rows are normalized
here because SQLite hands back JSON as text and ``RETURNING`` values without declared types.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from unionline.appeals.schemas import AppealSummary, AppealView, LinkView
from unionline.errors import NotFound
from unionline.runtime import current

UUID_FIELDS = (
    "id",
    "organization_id",
    "member_id",
    "channel_account_id",
    "queue_id",
    "assignee_id",
    "merged_into_id",
    "appeal_id",
    "author_id",
    "merged_from_id",
    "other_id",
)
TIME_FIELDS = (
    "first_response_due",
    "resolution_due",
    "first_responded_at",
    "resolved_at",
    "closed_at",
    "created_at",
    "updated_at",
    "last_member_message_at",
)
JSON_FIELDS = {"tags": list, "custom": dict, "data": dict}


def as_uuid(value: Any) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(str(value))


def uuid_of(value: Any) -> uuid.UUID:
    """The value of a NOT NULL uuid column (a key): NULL here means the query did not select
    the column it relies on, so it fails at the row rather than passing ``None`` on."""
    found = as_uuid(value)
    if found is None:
        raise TypeError("a NOT NULL uuid column read as NULL")
    return found


def as_time(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def normalize(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for name in UUID_FIELDS:
        if name in out and not isinstance(out[name], int):  # a timeline entry's id is a number
            out[name] = as_uuid(out[name])
    for name in TIME_FIELDS:
        if name in out:
            out[name] = as_time(out[name])
    for name, kind in JSON_FIELDS.items():
        value = out.get(name)
        if isinstance(value, str | bytes):
            out[name] = json.loads(value)
        elif name in out and value is None:
            out[name] = kind()
    return out


def db_value(value: Any) -> Any:
    """A Python value as a raw-SQL parameter (JSON columns take text on both engines)."""
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


async def load(appeal_id: uuid.UUID, *, lock: bool = False, field: str = "id") -> dict[str, Any]:
    """The appeal's row; ``lock`` holds it (PostgreSQL) until the transaction ends."""
    db = current().db
    sql = "SELECT * FROM appeal_appeal WHERE id = {}"
    if lock and db.is_postgres:
        sql += " FOR UPDATE"
    row = await db.fetchone(sql, appeal_id)
    if row is None:
        raise NotFound(f"appeal {appeal_id} does not exist", field=field)
    return normalize(row)


async def update(
    appeal_id: uuid.UUID, changes: dict[str, Any], *, where: str = "", args: tuple[Any, ...] = ()
) -> dict[str, Any] | None:
    """Apply ``changes``; returns the new row, or None when ``where`` excluded it."""
    names = list(changes)
    assignments = ", ".join(f"{name} = {{}}" for name in names)
    sql = f"UPDATE appeal_appeal SET {assignments} WHERE id = {{}}{where} RETURNING *"
    params = [db_value(changes[n]) for n in names]
    row = await current().db.fetchone(sql, *params, appeal_id, *args)
    return normalize(row) if row else None


def view(row: dict[str, Any], links: list[LinkView] | None = None) -> AppealView:
    fields = {name: row[name] for name in AppealView.__struct_fields__ if name != "links"}
    return AppealView(**fields, links=links)


def summary(row: dict[str, Any]) -> AppealSummary:
    return AppealSummary(**{name: row[name] for name in AppealSummary.__struct_fields__})
