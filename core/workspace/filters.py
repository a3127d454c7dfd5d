"""Saved appeal-list filters: an operator's own, in the order they keep them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import msgspec

from unionline.access import Actor, require_scope
from unionline.errors import Conflict, NotFound
from unionline.runtime import current
from unionline.workspace.schemas import FilterQuery, SavedFilterCreate, SavedFilterView

MAX_FILTERS = 50


class _Row(msgspec.Struct):
    id: uuid.UUID
    name: str
    query: FilterQuery
    position: int
    created_at: datetime


def _view(row: _Row) -> SavedFilterView:
    return SavedFilterView(
        id=row.id, name=row.name, query=row.query, position=row.position, created_at=row.created_at
    )


async def list_filters(actor: Actor) -> list[SavedFilterView]:
    rows = await current().db.fetch_as(
        _Row,
        "SELECT id, name, query, position, created_at FROM workspace_saved_filter"
        " WHERE operator_id = {} ORDER BY position, created_at",
        actor.operator_id,
    )
    return [_view(r) for r in rows]


async def save_filter(actor: Actor, data: SavedFilterCreate) -> SavedFilterView:
    """Save a filter under ``data.name``; the same name again replaces its query. A filter may
    name only an organization the caller sees appeals of (404 naming the field otherwise)."""
    if data.query.organization_id is not None:
        await require_scope(
            actor,
            "appeals.read",
            data.query.organization_id,
            what="organization",
            field="query.organization_id",
        )
    db = current().db
    query = msgspec.json.encode(data.query).decode()
    async with db.transaction():
        mine = await list_filters(actor)
        same = next((f for f in mine if f.name == data.name), None)
        if same is not None:
            await db.execute(
                "UPDATE workspace_saved_filter SET query = {} WHERE id = {}", query, same.id
            )
            return SavedFilterView(
                id=same.id,
                name=same.name,
                query=data.query,
                position=same.position,
                created_at=same.created_at,
            )
        if len(mine) >= MAX_FILTERS:
            raise Conflict(f"at most {MAX_FILTERS} saved filters", field="name")
        filter_id = uuid.uuid4()
        position = max((f.position for f in mine), default=-1) + 1
        created = datetime.now(UTC)
        await db.execute(
            "INSERT INTO workspace_saved_filter (id, operator_id, name, query, position,"
            " created_at) VALUES ({}, {}, {}, {}, {}, {})",
            filter_id,
            actor.operator_id,
            data.name,
            query,
            position,
            created,
        )
    return SavedFilterView(
        id=filter_id, name=data.name, query=data.query, position=position, created_at=created
    )


async def delete_filter(actor: Actor, filter_id: uuid.UUID) -> None:
    """Delete one of the caller's filters (another operator's answers 404, as if absent)."""
    rows = await current().db.fetch(
        "DELETE FROM workspace_saved_filter WHERE id = {} AND operator_id = {} RETURNING id",
        filter_id,
        actor.operator_id,
    )
    if not rows:
        raise NotFound(f"saved filter {filter_id} does not exist", field="filter_id")
