"""A task's parts people work on: checklist items (nested, with an assignee and "important"),
comments with @mentions, and links to appeals, members, documents and other tasks."""

from __future__ import annotations

import uuid
from typing import Any

from unionline import Actor, Invalid, NotFound, current, now, publish
from unionline.plugins.tasks import rights
from unionline.plugins.tasks.markdown import mentions
from unionline.plugins.tasks.schemas import (
    ChecklistCompleted,
    ItemChange,
    NewComment,
    NewItem,
    NewLink,
    TaskChanged,
    TaskCommented,
)
from unionline.plugins.tasks.store import TaskRow, load_task, record, recount_checklist, update_task
from unionline.rows import IdRow, db_value


async def _working(actor: Actor, task_id: uuid.UUID) -> TaskRow:
    task = await rights.visible(actor, await load_task(task_id, lock=True))
    await rights.may_work(actor, task)
    return task


async def _changed(task: TaskRow, actor: Actor, field: str) -> None:
    await publish(
        TaskChanged(
            organization_id=task.organization_id,
            task_id=task.id,
            appeal_id=task.appeal_id,
            project_id=task.project_id,
            fields=[field],
            actor_id=actor.operator_id,
        )
    )


async def add_item(actor: Actor, task_id: uuid.UUID, data: NewItem) -> uuid.UUID:
    db = current().db
    async with db.transaction():
        task = await _working(actor, task_id)
        if data.assignee_id is not None:
            await rights.may_see(data.assignee_id, task.organization_id, "assignee_id")
        if data.parent_id is not None:
            await _item(task.id, data.parent_id)
        row = await db.fetchone(
            "SELECT COALESCE(MAX(position), -1) AS p FROM tasks_checklist_item WHERE task_id = {}",
            task.id,
        )
        item_id = uuid.uuid4()
        await db.execute(
            "INSERT INTO tasks_checklist_item (id, task_id, parent_id, text, done, important,"
            " assignee_id, position) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
            item_id,
            task.id,
            data.parent_id,
            data.text,
            False,
            data.important,
            data.assignee_id,
            int(row["p"] if row else -1) + 1,
        )
        await recount_checklist(task.id)
        await update_task(task.id)
        await record(task.id, actor.operator_id, "checklist_added", {}, {"text": data.text})
        await _changed(task, actor, "checklist")
        return item_id


async def _item(task_id: uuid.UUID, item_id: uuid.UUID) -> dict[str, Any]:
    row = await current().db.fetchone(
        "SELECT * FROM tasks_checklist_item WHERE id = {} AND task_id = {}", item_id, task_id
    )
    if row is None:
        raise NotFound(f"checklist item {item_id} does not exist", field="item_id")
    return row


async def change_item(
    actor: Actor, task_id: uuid.UUID, item_id: uuid.UUID, data: ItemChange
) -> None:
    """Tick or untick an item (and its sub-items with it), or rename it."""
    db = current().db
    async with db.transaction():
        task = await _working(actor, task_id)
        item = await _item(task.id, item_id)
        if data.text is not None or data.important is not None:
            await db.execute(
                "UPDATE tasks_checklist_item SET text = {}, important = {} WHERE id = {}",
                data.text if data.text is not None else item["text"],
                data.important if data.important is not None else bool(item["important"]),
                item_id,
            )
        if data.done is not None and bool(item["done"]) != data.done:
            for one in [item_id, *await _descendants(task.id, item_id)]:
                await db.execute(
                    "UPDATE tasks_checklist_item SET done = {}, done_by = {}, done_at = {}"
                    " WHERE id = {}",
                    data.done,
                    actor.operator_id if data.done else None,
                    now() if data.done else None,
                    one,
                )
        before = task.checklist_total > 0 and task.checklist_total == task.checklist_done
        total, done = await recount_checklist(task.id)
        await update_task(task.id)
        await record(
            task.id,
            actor.operator_id,
            "checklist",
            {"item": str(item_id)},
            {"done": data.done, "text": data.text},
        )
        await _changed(task, actor, "checklist")
        if total and total == done and not before:
            await publish(
                ChecklistCompleted(
                    organization_id=task.organization_id,
                    task_id=task.id,
                    appeal_id=task.appeal_id,
                    project_id=task.project_id,
                )
            )


async def _descendants(task_id: uuid.UUID, item_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await current().db.fetch(
        "SELECT id, parent_id FROM tasks_checklist_item WHERE task_id = {}", task_id
    )
    children: dict[str, list[str]] = {}
    for r in rows:
        children.setdefault(str(r["parent_id"]), []).append(str(r["id"]))
    found, todo = [], [str(item_id)]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(uuid.UUID(child))
            todo.append(child)
    return found


async def delete_item(actor: Actor, task_id: uuid.UUID, item_id: uuid.UUID) -> None:
    db = current().db
    async with db.transaction():
        task = await _working(actor, task_id)
        item = await _item(task.id, item_id)
        for one in [item_id, *await _descendants(task.id, item_id)]:
            await db.execute("DELETE FROM tasks_checklist_item WHERE id = {}", one)
        await recount_checklist(task.id)
        await update_task(task.id)
        await record(task.id, actor.operator_id, "checklist_removed", {"text": item["text"]}, {})
        await _changed(task, actor, "checklist")


async def comment(actor: Actor, task_id: uuid.UUID, data: NewComment) -> uuid.UUID:
    """A comment; ``@[Имя](operator id)`` mentions notify those operators."""
    db = current().db
    async with db.transaction():
        task = await _working(actor, task_id)
        mentioned = mentions(data.text)
        comment_id = uuid.uuid4()
        await db.execute(
            "INSERT INTO tasks_comment (id, task_id, author_id, text, mentions, created_at)"
            " VALUES ({}, {}, {}, {}, {}, {})",
            comment_id,
            task.id,
            actor.operator_id,
            data.text,
            db_value(mentioned),
            now(),
        )
        await db.execute("UPDATE tasks_task SET comments = comments + 1 WHERE id = {}", task.id)
        await publish(
            TaskCommented(
                organization_id=task.organization_id,
                task_id=task.id,
                appeal_id=task.appeal_id,
                project_id=task.project_id,
                comment_id=comment_id,
                author_id=actor.operator_id,
                mentions=mentioned,
            )
        )
        return comment_id


async def add_link(actor: Actor, task_id: uuid.UUID, data: NewLink) -> None:
    """Link the task to an appeal, a member, a document or another task (``blocks``: this
    task blocks the other; ``related``)."""
    db = current().db
    async with db.transaction():
        task = await _working(actor, task_id)
        await _target_visible(actor, task, data)
        await db.execute(
            "INSERT INTO tasks_link (id, task_id, kind, target_id, key) VALUES ({}, {}, {}, {}, {})"
            " ON CONFLICT (key) DO NOTHING",
            uuid.uuid4(),
            task.id,
            data.kind,
            data.target_id,
            f"{task.id}:{data.kind}:{data.target_id}",
        )
        if data.kind == "appeal" and task.appeal_id is None:
            await update_task(task.id, appeal_id=data.target_id)
        await record(
            task.id,
            actor.operator_id,
            "linked",
            {},
            {"kind": data.kind, "target_id": data.target_id},
        )
        await _changed(task, actor, "links")


async def _target_visible(actor: Actor, task: TaskRow, data: NewLink) -> None:
    if data.kind in ("blocks", "related"):
        if data.target_id == task.id:
            raise Invalid("a task cannot be linked to itself", field="target_id")
        await rights.visible(actor, await load_task(data.target_id))
    elif data.kind == "appeal":
        from unionline.plugins.tasks.creation import _appeal

        await _appeal(actor, data.target_id)


async def remove_link(actor: Actor, task_id: uuid.UUID, kind: str, target_id: uuid.UUID) -> None:
    db = current().db
    async with db.transaction():
        task = await _working(actor, task_id)
        await db.execute("DELETE FROM tasks_link WHERE key = {}", f"{task.id}:{kind}:{target_id}")
        await record(
            task.id, actor.operator_id, "unlinked", {"kind": kind, "target_id": target_id}, {}
        )
        await _changed(task, actor, "links")


async def robot_comment(task: TaskRow, text: str, key: str) -> None:
    """A robot step's comment, once per step (``key`` is unique)."""
    db = current().db
    row = await db.fetch_one_as(
        IdRow,
        "INSERT INTO tasks_comment (id, task_id, author_id, text, mentions, robot_key, created_at)"
        " VALUES ({}, {}, NULL, {}, {}, {}, {}) ON CONFLICT (robot_key) DO NOTHING RETURNING id",
        uuid.uuid4(),
        task.id,
        text,
        db_value([]),
        key,
        now(),
    )
    if row is None:
        return
    await db.execute("UPDATE tasks_task SET comments = comments + 1 WHERE id = {}", task.id)
    await publish(
        TaskCommented(
            organization_id=task.organization_id,
            task_id=task.id,
            appeal_id=task.appeal_id,
            project_id=task.project_id,
            comment_id=row.id,
            author_id=None,
            mentions=[],
        )
    )
