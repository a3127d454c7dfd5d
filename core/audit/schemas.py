"""Audit API bodies."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec


class AuditEntryView(msgspec.Struct, kw_only=True):
    id: int
    at: datetime
    actor_id: uuid.UUID | None
    token_id: uuid.UUID | None
    action: str
    subject_kind: str
    subject_id: str
    organization_id: uuid.UUID | None
    client_address: str
    request_id: str


class AuditPage(msgspec.Struct, kw_only=True):
    """Newest first; pass ``next_cursor`` back as ``cursor`` for the next page (null: no more)."""

    items: list[AuditEntryView]
    next_cursor: str | None = None


class AuditFilter(msgspec.Struct, kw_only=True):
    subject_kind: str | None = None
    subject_id: str | None = None
    actor_id: uuid.UUID | None = None
    action: str | None = None
    organization_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None
