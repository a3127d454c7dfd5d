"""Rows of the meetings tables, typed, and the people they name (operators, members)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec

from unionline import current, now
from unionline.rows import IdRow, db_value


class MeetingRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    title: str
    starts_at: datetime
    ends_at: datetime
    organizer_id: uuid.UUID | None
    provider: str
    room: str
    room_data: dict[str, str]
    status: str
    sequence: int
    instant: bool
    appeal_id: uuid.UUID | None
    task_id: uuid.UUID | None
    document_id: uuid.UUID | None
    reminded_at: datetime | None
    absence_checked: bool
    robot_key: str | None
    created_at: datetime
    updated_at: datetime


class ParticipantRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    meeting_id: uuid.UUID
    key: str
    operator_id: uuid.UUID | None
    member_id: uuid.UUID | None
    name: str
    email: str
    role: str
    appeal_id: uuid.UUID | None
    timezone: str
    joined_at: datetime | None
    absent_reported: bool
    link_key: str | None = None


class OperatorPerson(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    name: str
    login: str
    email: str
    timezone: str
    is_active: bool


class MemberPerson(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    full_name: str
    custom_fields: dict[str, Any]


def _lock() -> str:
    return " FOR UPDATE" if current().db.is_postgres else ""


async def meeting(meeting_id: uuid.UUID, *, lock: bool = False) -> MeetingRow | None:
    return await current().db.fetch_one_as(
        MeetingRow,
        f"SELECT * FROM meetings_meeting WHERE id = {{}}{_lock() if lock else ''}",
        meeting_id,
    )


async def participants(meeting_ids: list[uuid.UUID]) -> list[ParticipantRow]:
    if not meeting_ids:
        return []
    marks = ", ".join("{}" for _ in meeting_ids)
    return await current().db.fetch_as(
        ParticipantRow,
        f"SELECT * FROM meetings_participant WHERE meeting_id IN ({marks}) ORDER BY role, name",
        *meeting_ids,
    )


async def insert(table: str, row: dict[str, Any]) -> None:
    names = list(row)
    values = [db_value(v) if isinstance(v, dict | list) else v for v in row.values()]
    await current().db.execute(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('{}' for _ in names)})",
        *values,
    )


async def update_meeting(meeting_id: uuid.UUID, **changes: Any) -> MeetingRow:
    names = list(changes)
    sets = ", ".join(f"{n} = {{}}" for n in names)
    row = await current().db.fetch_one_as(
        MeetingRow,
        f"UPDATE meetings_meeting SET {sets} WHERE id = {{}} RETURNING *",
        *(changes[n] for n in names),
        meeting_id,
    )
    assert row is not None
    return row


async def operator(operator_id: uuid.UUID) -> OperatorPerson | None:
    return await current().db.fetch_one_as(
        OperatorPerson,
        "SELECT id, name, login, email, timezone, is_active FROM operator_operator WHERE id = {}",
        operator_id,
    )


async def member(member_id: uuid.UUID) -> MemberPerson | None:
    return await current().db.fetch_one_as(
        MemberPerson,
        "SELECT id, organization_id, full_name, custom_fields FROM member_member"
        " WHERE id = {} AND merged_into IS NULL",
        member_id,
    )


async def member_email(member_id: uuid.UUID) -> str:
    rows = await current().db.fetch(
        "SELECT address FROM member_contact_point WHERE member_id = {} AND kind = 'email'"
        " AND blocked_reason = '' ORDER BY address",
        member_id,
    )
    return str(rows[0]["address"]) if rows else ""


async def member_appeal(member_id: uuid.UUID, organization_ids: list[uuid.UUID] | None) -> Any:
    """The member's most recent appeal that a reply can go to (not closed or merged): where
    their link is sent when the meeting names no appeal of theirs."""
    where = ""
    args: list[Any] = [member_id]
    if organization_ids is not None:
        if not organization_ids:
            return None
        where = f" AND organization_id IN ({', '.join('{}' for _ in organization_ids)})"
        args += organization_ids
    row = await current().db.fetch_one_as(
        IdRow,
        "SELECT id FROM appeal_appeal WHERE member_id = {} AND status <> 'closed'"
        f" AND merged_into_id IS NULL{where} ORDER BY updated_at DESC LIMIT 1",
        *args,
    )
    return row.id if row else None


async def claim_delivery(
    key: str, meeting_id: uuid.UUID, participant_id: uuid.UUID | None, kind: str
) -> bool:
    """Record a delivery by its key in the caller's transaction; False when it was made."""
    found = await current().db.fetch("SELECT id FROM meetings_delivery WHERE key = {}", key)
    if found:
        return False
    await insert(
        "meetings_delivery",
        {
            "id": uuid.uuid4(),
            "key": key,
            "meeting_id": meeting_id,
            "participant_id": participant_id,
            "kind": kind,
            "created_at": now(),
        },
    )
    return True


async def set_delivery_entry(key: str, entry_id: int) -> None:
    await current().db.execute(
        "UPDATE meetings_delivery SET entry_id = {} WHERE key = {}", entry_id, key
    )


async def participant_by_key(key: str) -> ParticipantRow | None:
    return await current().db.fetch_one_as(
        ParticipantRow, "SELECT * FROM meetings_participant WHERE link_key = {}", key
    )


async def appeal_channel(appeal_id: uuid.UUID) -> str:
    rows = await current().db.fetch("SELECT channel FROM appeal_appeal WHERE id = {}", appeal_id)
    return str(rows[0]["channel"]) if rows else ""


async def follow_merge(source_id: uuid.UUID, target_id: uuid.UUID) -> None:
    """A merged appeal's meetings are the target's, and its member's links and news go there
    (the merged appeal takes no messages)."""
    db = current().db
    for table in ("meetings_meeting", "meetings_participant"):
        await db.execute(
            f"UPDATE {table} SET appeal_id = {{}} WHERE appeal_id = {{}}", target_id, source_id
        )
