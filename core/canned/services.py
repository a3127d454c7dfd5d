"""Canned replies: who sees which, who may change them.

A shared reply belongs to an organization and is read by the operators of that organization's
subtree — whoever holds ``canned.read`` over the organization, one of its ancestors (the
federation's replies reach everyone) or one of its descendants (a team's replies reach the
operators of the committee above it too, who handle its appeals). Changing one needs
``canned.manage`` over its organization. A personal reply is one operator's own."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import msgspec

from unionline.access import Actor, require_scope, scope_for
from unionline.canned.schemas import CannedCreate, CannedUpdate, CannedView
from unionline.errors import Conflict, NotFound
from unionline.organizations.services import ancestors
from unionline.runtime import current

MAX_PER_OWNER = 500


class _Row(msgspec.Struct):
    id: uuid.UUID
    organization_id: uuid.UUID | None
    operator_id: uuid.UUID | None
    key: str
    title: str
    text: str
    updated_at: datetime


COLUMNS = "id, organization_id, operator_id, key, title, text, updated_at"


async def _readable_organizations(actor: Actor) -> frozenset[uuid.UUID] | None:
    """Organizations whose shared replies ``actor`` reads (None: all of them)."""
    scope = await scope_for(actor, "canned.read")
    if scope.organization_ids is None:
        return None
    above: set[uuid.UUID] = set()
    roles = current().registry.permissions["canned.read"].roles
    for grant in actor.grants:
        if grant.role in roles and grant.organization_id is not None:
            above.update(await ancestors(grant.organization_id))
    return scope.organization_ids | above


async def _manageable(actor: Actor) -> frozenset[uuid.UUID] | None:
    return (await scope_for(actor, "canned.manage")).organization_ids


def _view(row: _Row, actor: Actor, manage: frozenset[uuid.UUID] | None) -> CannedView:
    if row.operator_id is not None:
        editable = row.operator_id == actor.operator_id
    else:
        editable = manage is None or row.organization_id in manage
    return CannedView(
        id=row.id,
        key=row.key,
        title=row.title,
        text=row.text,
        organization_id=row.organization_id,
        operator_id=row.operator_id,
        shared=row.operator_id is None,
        editable=editable,
        updated_at=row.updated_at,
    )


async def list_replies(actor: Actor, organization_id: uuid.UUID | None = None) -> list[CannedView]:
    """The caller's own replies first, then the shared ones they read, each by key."""
    actor.require("canned.read")
    db = current().db
    own = await db.fetch_as(
        _Row,
        f"SELECT {COLUMNS} FROM canned_reply WHERE operator_id = {{}} ORDER BY key",
        actor.operator_id,
    )
    readable = await _readable_organizations(actor)
    shared = await db.fetch_as(
        _Row,
        f"SELECT {COLUMNS} FROM canned_reply WHERE operator_id IS NULL ORDER BY key",
    )
    shared = [r for r in shared if readable is None or r.organization_id in readable]
    if organization_id is not None:
        shared = [r for r in shared if r.organization_id == organization_id]
    manage = await _manageable(actor)
    return [_view(r, actor, manage) for r in [*own, *shared]]


async def _load(actor: Actor, reply_id: uuid.UUID) -> _Row:
    """A reply the caller may change (another's personal one, or a shared one out of their
    ``canned.manage`` scope, answers 404 as if absent)."""
    row = await current().db.fetch_one_as(
        _Row, f"SELECT {COLUMNS} FROM canned_reply WHERE id = {{}}", reply_id
    )
    if row is None or (row.operator_id is not None and row.operator_id != actor.operator_id):
        raise NotFound(f"canned reply {reply_id} does not exist", field="reply_id")
    if row.operator_id is None:
        actor.require("canned.manage")
        await require_scope(
            actor, "canned.manage", row.organization_id, what="canned reply", field="reply_id"
        )
    return row


async def _key_free(
    row_id: uuid.UUID | None, key: str, org: uuid.UUID | None, op: uuid.UUID | None
) -> None:
    owner = "organization_id" if org is not None else "operator_id"
    rows = await current().db.fetch(
        f"SELECT id FROM canned_reply WHERE {owner} = {{}} AND key = {{}}", org or op, key
    )
    if any(r["id"] != row_id and str(r["id"]) != str(row_id) for r in rows):
        raise Conflict(f"a canned reply /{key} exists there already", field="key")


async def create_reply(actor: Actor, data: CannedCreate) -> CannedView:
    """A shared reply (``organization_id``; ``canned.manage`` over it) or the caller's own."""
    actor.require("canned.read")
    operator_id = None if data.organization_id is not None else actor.operator_id
    if data.organization_id is not None:
        actor.require("canned.manage")
        await require_scope(
            actor,
            "canned.manage",
            data.organization_id,
            what="organization",
            field="organization_id",
        )
    db = current().db
    now = datetime.now(UTC)
    row = _Row(
        uuid.uuid4(), data.organization_id, operator_id, data.key, data.title, data.text, now
    )
    async with db.transaction():
        await _key_free(None, data.key, data.organization_id, operator_id)
        owner = "organization_id" if operator_id is None else "operator_id"
        count = await db.fetch(
            f"SELECT COUNT(*) AS n FROM canned_reply WHERE {owner} = {{}}",
            data.organization_id or operator_id,
        )
        if int(count[0]["n"]) >= MAX_PER_OWNER:
            raise Conflict(f"at most {MAX_PER_OWNER} canned replies here", field="key")
        await db.execute(
            "INSERT INTO canned_reply (id, organization_id, operator_id, key, title, text,"
            " created_at, updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
            row.id,
            row.organization_id,
            row.operator_id,
            row.key,
            row.title,
            row.text,
            now,
            now,
        )
    return _view(row, actor, await _manageable(actor))


async def update_reply(actor: Actor, reply_id: uuid.UUID, data: CannedUpdate) -> CannedView:
    db = current().db
    async with db.transaction():
        row = await _load(actor, reply_id)
        changes = {f: getattr(data, f) for f in ("key", "title", "text")}
        changes = {k: v for k, v in changes.items() if v is not msgspec.UNSET}
        if "key" in changes:
            await _key_free(row.id, changes["key"], row.organization_id, row.operator_id)
        row = msgspec.structs.replace(row, **changes, updated_at=datetime.now(UTC))
        await db.execute(
            "UPDATE canned_reply SET key = {}, title = {}, text = {}, updated_at = {}"
            " WHERE id = {}",
            row.key,
            row.title,
            row.text,
            row.updated_at,
            row.id,
        )
    return _view(row, actor, await _manageable(actor))


async def delete_reply(actor: Actor, reply_id: uuid.UUID) -> None:
    row = await _load(actor, reply_id)
    await current().db.execute("DELETE FROM canned_reply WHERE id = {}", row.id)
