"""Recording and querying the audit log.

Other domains call :func:`record` whenever personal data is read or changed (a member card, a
timeline, an export, a merge, an erasure). An entry names the actor, the action, the subject
and where the request came from; it never holds the personal data itself, so it survives an
erasure as a tombstone of who touched what.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec

from unionline.access import Actor, scope_for
from unionline.audit.schemas import AuditEntryView, AuditFilter, AuditPage
from unionline.audit.tables import AuditEntry
from unionline.errors import Invalid
from unionline.observability import request_id

READ = "audit.read"
_ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


async def record(
    actor: Actor | None,
    action: str,
    subject_kind: str,
    subject_id: object,
    organization_id: uuid.UUID | None,
    *,
    request: Any = None,
) -> None:
    """Write one audit entry (inside the caller's transaction, when there is one).

    :param actor: who acted; None for the system itself (imports, robots, jobs).
    :param action: ``<subject>.<verb>``, e.g. ``member.read``, ``member.export``, ``timeline.read``.
    :param subject_kind: what was touched, e.g. ``member``.
    :param subject_id: its id (a UUID or any value with a string form).
    :param organization_id: the organization the subject belongs to (scopes who may read the entry).
    :param request: the HTTP request, when the caller has it; otherwise the client address
        comes from the actor and the request id from the current request's context.
    """
    if not _ACTION.match(action):
        raise ValueError(f"audit action {action!r} must look like 'member.read'")
    await AuditEntry.insert(
        AuditEntry(
            at=datetime.now(UTC),
            actor_id=actor.operator_id if actor else None,
            token_id=actor.token_id if actor else None,
            action=action,
            subject_kind=subject_kind,
            subject_id=str(subject_id),
            organization_id=organization_id,
            client_address=_client_address(actor, request)[:100],
            request_id=request_id.get() if request_id.get() != "-" else "",
        )
    )


def _client_address(actor: Actor | None, request: Any) -> str:
    client = getattr(request, "client", None) if request is not None else None
    if client is not None and getattr(client, "host", None):
        return str(client.host)
    return (actor.client_address if actor else None) or ""


# -- reading ----------------------------------------------------------------------------------


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(["audit", last_id])).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The last id of the previous page; Invalid for anything this API did not hand out."""
    try:
        kind, last_id = msgspec.json.decode(
            base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)), type=tuple[str, int]
        )
        if kind != "audit" or not 0 < last_id < 2**63:
            raise ValueError(kind)
        return last_id
    except (ValueError, binascii.Error, msgspec.DecodeError):
        raise Invalid("cursor is not one this API returned", field="cursor") from None


def _view(row: dict[str, Any]) -> AuditEntryView:
    return AuditEntryView(**{name: row[name] for name in AuditEntryView.__struct_fields__})


async def query(
    actor: Actor, where: AuditFilter, *, cursor: str | None = None, limit: int = 100
) -> AuditPage:
    """Entries matching ``where``, newest first, limited to the organizations the actor may
    audit (entries without an organization need a federation-wide grant)."""
    actor.require(READ)
    scope = await scope_for(actor, READ)
    q = AuditEntry.select().order_by(AuditEntry.id, ascending=False).limit(limit + 1)
    if not scope.everything:
        ids = scope.ids() or []
        if not ids:
            return AuditPage(items=[])
        q = q.where(AuditEntry.organization_id.is_in(ids))
    for condition in _conditions(where):
        q = q.where(condition)
    if cursor:
        q = q.where(AuditEntry.id < decode_cursor(cursor))
    rows = await q
    items = [_view(r) for r in rows[:limit]]
    more = len(rows) > limit
    return AuditPage(items=items, next_cursor=encode_cursor(items[-1].id) if more else None)


def _conditions(where: AuditFilter) -> list[Any]:
    found: list[Any] = []
    for name in ("subject_kind", "subject_id", "actor_id", "action", "organization_id"):
        value = getattr(where, name)
        if value is not None:
            found.append(getattr(AuditEntry, name) == value)
    if where.since is not None:
        found.append(AuditEntry.at >= _utc(where.since, "since"))
    if where.until is not None:
        found.append(AuditEntry.at < _utc(where.until, "until"))
    return found


def _utc(value: datetime, field: str) -> datetime:
    if value.tzinfo is None:
        raise Invalid(f"{field} needs a time zone (e.g. 2026-01-31T10:00:00+03:00)", field=field)
    return value.astimezone(UTC)


async def entries_for(subject_ids: list[object]) -> list[AuditEntryView]:
    """Every entry about the given subjects, oldest first (for a personal-data export)."""
    if not subject_ids:
        return []
    rows = (
        await AuditEntry.select()
        .where(AuditEntry.subject_id.is_in([str(s) for s in subject_ids]))
        .order_by(AuditEntry.id)
    )
    return [_view(r) for r in rows]
