"""Saved views of «Задачи»: an operator's list filters under a name, kept on the server (on
any device they sign in from). Saving a name again replaces its filters; a view is its
owner's alone — another operator's id answers 404."""

from __future__ import annotations

import uuid

import msgspec

from unionline import Actor, Forbidden, Invalid, NotFound, current, now
from unionline.plugins.tasks import rights
from unionline.plugins.tasks.schemas import NewSavedView, SavedViewView, ViewFilters
from unionline.rows import IdRow, db_value

MAX_VIEWS = 50


class _Row(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    name: str
    filters: ViewFilters


def _me(actor: Actor) -> uuid.UUID:
    actor.require(rights.READ)
    if actor.operator_id is None:
        raise Forbidden("saved views belong to an operator")
    return actor.operator_id


async def listing(actor: Actor) -> list[SavedViewView]:
    rows = await current().db.fetch_as(
        _Row,
        "SELECT id, name, filters FROM tasks_saved_view WHERE operator_id = {} ORDER BY name",
        _me(actor),
    )
    return [SavedViewView(id=r.id, name=r.name, filters=r.filters) for r in rows]


async def save(actor: Actor, data: NewSavedView) -> SavedViewView:
    me = _me(actor)
    name = data.name.strip()
    key = f"{me}:{name.casefold()}"[:160]
    db = current().db
    async with db.transaction():
        found = await db.fetch_one_as(IdRow, "SELECT id FROM tasks_saved_view WHERE key = {}", key)
        if found is not None:
            view_id = found.id
            await db.execute(
                "UPDATE tasks_saved_view SET name = {}, filters = {} WHERE id = {}",
                name,
                db_value(data.filters),
                view_id,
            )
        else:
            count = await db.fetchone(
                "SELECT COUNT(*) AS n FROM tasks_saved_view WHERE operator_id = {}", me
            )
            if count and int(count["n"]) >= MAX_VIEWS:
                raise Invalid(f"at most {MAX_VIEWS} saved views", field="name")
            view_id = uuid.uuid4()
            await db.execute(
                "INSERT INTO tasks_saved_view (id, operator_id, name, filters, key, created_at)"
                " VALUES ({}, {}, {}, {}, {}, {})",
                view_id,
                me,
                name,
                db_value(data.filters),
                key,
                now(),
            )
    return SavedViewView(id=view_id, name=name, filters=data.filters)


async def delete(actor: Actor, view_id: uuid.UUID) -> None:
    me = _me(actor)
    db = current().db
    found = await db.fetchone(
        "SELECT id FROM tasks_saved_view WHERE id = {} AND operator_id = {}", view_id, me
    )
    if found is None:
        raise NotFound(f"saved view {view_id} does not exist", field="view_id")
    await db.execute("DELETE FROM tasks_saved_view WHERE id = {}", view_id)
