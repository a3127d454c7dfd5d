"""A task as its page shows it: the row, people, checklist, subtasks, comments, links (with
the appeals' numbers and the other tasks' titles), history and what the caller may do."""

from __future__ import annotations

import uuid

import msgspec

from unionline import Actor, NotFound, current, load_appeal, scope_for
from unionline.plugins.tasks import files, rights
from unionline.plugins.tasks.away import responsible_away
from unionline.plugins.tasks.lists import card
from unionline.plugins.tasks.markdown import to_html
from unionline.plugins.tasks.schemas import (
    AppealTasks,
    Card,
    CommentView,
    HistoryView,
    ItemView,
    LinkView,
    Person,
    TaskView,
)
from unionline.plugins.tasks.store import CARD_COLUMNS, TaskRow, load_task

HISTORY_SHOWN = 200


class _Comment(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    author_id: uuid.UUID | None
    text: str
    mentions: list[uuid.UUID]
    created_at: object


async def get(actor: Actor, task_id: uuid.UUID) -> TaskView:
    task = await rights.visible(actor, await load_task(task_id))
    return await view(actor, task)


async def view(actor: Actor, task: TaskRow) -> TaskView:
    db = current().db
    people = await db.fetch_as(
        Person,
        "SELECT operator_id, role FROM tasks_participant WHERE task_id = {} ORDER BY role",
        task.id,
    )
    items = await db.fetch_as(
        ItemView,
        "SELECT * FROM tasks_checklist_item WHERE task_id = {} ORDER BY position, id",
        task.id,
    )
    subtasks = await db.fetch_as(
        Card,
        f"SELECT {CARD_COLUMNS} FROM tasks_task WHERE parent_id = {{}} ORDER BY created_at, id",
        task.id,
    )
    comments = await db.fetch_as(
        CommentView,
        "SELECT id, author_id, text, '' AS html, mentions, created_at FROM tasks_comment"
        " WHERE task_id = {} ORDER BY created_at, id",
        task.id,
    )
    for c in comments:
        c.html = to_html(c.text)
    history = await db.fetch_as(
        HistoryView,
        "SELECT actor_id, what, old, new, created_at FROM tasks_history WHERE task_id = {}"
        f" ORDER BY created_at DESC, id LIMIT {HISTORY_SHOWN}",
        task.id,
    )
    base = card(task)
    return TaskView(
        **{
            k: getattr(task, k)
            for k in TaskView.__struct_fields__
            if hasattr(task, k) and k != "comments"
        },
        description_html=to_html(task.description),
        overdue=base.overdue,
        people=people,
        checklist=items,
        subtasks=subtasks,
        comments=comments,
        links=await _links(actor, task.id),
        history=history,
        files=await files.listing(task.id),
        may=await _may(actor, task),
        responsible_away=await responsible_away(task),
    )


class _Link(msgspec.Struct, frozen=True):
    kind: str
    target_id: uuid.UUID


class _Linked(msgspec.Struct, frozen=True):
    title: str
    organization_id: uuid.UUID


async def _links(actor: Actor, task_id: uuid.UUID) -> list[LinkView]:
    rows = await current().db.fetch_as(
        _Link, "SELECT kind, target_id FROM tasks_link WHERE task_id = {} ORDER BY kind", task_id
    )
    out: list[LinkView] = []
    appeals_scope = await scope_for(actor, "appeals.read")
    read_scope = await scope_for(actor, rights.READ)
    for row in rows:
        kind, target = row.kind, row.target_id
        title = ""
        if kind == "appeal":
            try:
                appeal = await load_appeal(target)
            except NotFound:
                continue
            if not appeals_scope.allows(appeal.organization_id):
                continue
            title = f"{appeal.number} {appeal.subject}".strip()
        elif kind in ("blocks", "related"):
            other = await current().db.fetch_one_as(
                _Linked, "SELECT title, organization_id FROM tasks_task WHERE id = {}", target
            )
            if other is None or not read_scope.allows(other.organization_id):
                continue
            title = other.title
        out.append(LinkView(kind=kind, target_id=target, title=title))
    return out


async def _may(actor: Actor, task: TaskRow) -> list[str]:
    roles = await rights.roles_on(actor, task)
    may: list[str] = []
    owner = bool(roles & {"creator", "manager"})
    if owner:
        may += ["edit", "deadline", "people"]
    elif "responsible" in roles:
        may += ["request_deadline", "people"]
    if owner or ("responsible" in roles and actor.can(rights.DELEGATE)):
        may.append("delegate")
    if roles - {"observer"} or actor.can(rights.CREATE):
        may += ["work", "status"]
    return may


async def appeal_tasks(actor: Actor, appeal_id: uuid.UUID) -> AppealTasks:
    """The tasks of an appeal the actor may see, for the appeal's page."""
    appeal = await load_appeal(appeal_id, field="appeal_id")
    if not (await scope_for(actor, "appeals.read")).allows(appeal.organization_id):
        raise NotFound(f"appeal {appeal_id} does not exist", field="appeal_id")
    actor.require(rights.READ)
    scope = await scope_for(actor, rights.READ)
    rows = await current().db.fetch_as(
        Card,
        f"SELECT {CARD_COLUMNS} FROM tasks_task WHERE id IN (SELECT task_id FROM tasks_link"
        " WHERE kind = 'appeal' AND target_id = {}) ORDER BY created_at, id",
        appeal_id,
    )
    cards = [c for c in rows if scope.allows(c.organization_id)]
    closed = sum(1 for c in cards if c.status in ("done", "declined"))
    return AppealTasks(appeal_id=appeal_id, tasks=cards, open=len(cards) - closed, done=closed)
