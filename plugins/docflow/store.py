"""Rows of docflow's tables as Structs, and the few SQL helpers every module shares."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import msgspec

from unionline import NotFound, current


class DocumentRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    kind_id: uuid.UUID
    category: str
    title: str
    summary: str
    status: str
    priority: str
    control_date: date | None
    requisites: dict[str, str]
    correspondent: dict[str, Any]
    author_id: uuid.UUID | None
    member_id: uuid.UUID | None
    appeal_id: uuid.UUID | None
    journal_id: uuid.UUID | None
    year: int | None
    seq: int | None
    number: str
    registered_at: datetime | None
    stage: str
    holders: list[uuid.UUID]
    process_id: uuid.UUID | None
    created_at: datetime


class KindRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    code: str
    name: str
    category: str
    requisites: list[dict[str, Any]]
    journal_id: uuid.UUID | None
    archived: bool


class JournalRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    number_format: str
    case_index: str
    org_code: str
    reset: str
    archived: bool


class Assignee(msgspec.Struct, frozen=True):
    """A route step's person (``SELECT assignee_id …``)."""

    assignee_id: uuid.UUID


def marks(values: list[Any]) -> str:
    return ", ".join("{}" for _ in values)


def in_scope(column: str, ids: list[uuid.UUID] | None) -> tuple[str, list[Any]]:
    """``column IN (...)`` for a scope's ids (None: everything); an empty scope matches none."""
    if ids is None:
        return "1 = 1", []
    if not ids:
        return "1 = 0", []
    return f"{column} IN ({marks(ids)})", list(ids)


async def load_document(document_id: uuid.UUID, *, lock: bool = False) -> DocumentRow:
    db = current().db
    suffix = " FOR UPDATE" if lock and db.is_postgres else ""
    row = await db.fetch_one_as(
        DocumentRow, "SELECT * FROM docflow_document WHERE id = {}" + suffix, document_id
    )
    if row is None:
        raise NotFound(f"document {document_id} does not exist", field="document_id")
    return row


async def load_kind(kind_id: uuid.UUID) -> KindRow:
    row = await current().db.fetch_one_as(
        KindRow, "SELECT * FROM docflow_kind WHERE id = {}", kind_id
    )
    if row is None:
        raise NotFound(f"document kind {kind_id} does not exist", field="kind_id")
    return row


async def load_journal(journal_id: uuid.UUID) -> JournalRow:
    row = await current().db.fetch_one_as(
        JournalRow, "SELECT * FROM docflow_journal WHERE id = {}", journal_id
    )
    if row is None:
        raise NotFound(f"journal {journal_id} does not exist", field="journal_id")
    return row
