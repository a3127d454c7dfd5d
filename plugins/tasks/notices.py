"""Which task events put a notice in whose inbox (the console's «Уведомления», through
``unionline.notify_operator``): once per event and person, never to the one who acted.

* a task set or handed to someone: the responsible (and co-executors of a new task);
* an @mention in a comment: each one mentioned;
* a result waiting for control, or done: the creator;
* the responsible asks to move a deadline: the creator;
* a deadline approaching: the responsible; overdue: the responsible and the creator.
"""

from __future__ import annotations

import uuid

import msgspec

from unionline import Event, current, notify_operator
from unionline.plugins.tasks.schemas import (
    DeadlineApproaching,
    DeadlineRequested,
    TaskChanged,
    TaskCommented,
    TaskCreated,
    TaskEvent,
    TaskOverdue,
    TaskStatusChanged,
)
from unionline.plugins.tasks.store import OperatorRef


async def on_event(event: Event) -> None:
    if not isinstance(event, TaskEvent) or not event.id:
        return
    for who, title in await _recipients(event):
        await notify_operator(
            who,
            cause=f"tasks:{event.id}",
            title=title,
            text=await _title(event.task_id),
            link=f"#/work/tasks/{event.task_id}",
            organization_id=event.organization_id,
        )


async def _recipients(event: TaskEvent) -> list[tuple[uuid.UUID, str]]:
    pairs = await _pairs(event)
    actor = getattr(event, "actor_id", None) or getattr(event, "author_id", None)
    if isinstance(event, TaskCreated):
        actor = event.creator_id
    seen: dict[uuid.UUID, str] = {}
    for who, title in pairs:
        if who is not None and who != actor and who not in seen:
            seen[who] = title
    return list(seen.items())


async def _pairs(event: TaskEvent) -> list[tuple[uuid.UUID | None, str]]:
    if isinstance(event, TaskCreated):
        people = await _people(event.task_id, "coexecutor")
        return [(event.responsible_id, "Вам поставлена задача")] + [
            (p, "Вы соисполнитель задачи") for p in people
        ]
    if isinstance(event, TaskChanged) and "responsible_id" in event.fields:
        return [(await _column(event.task_id, "responsible_id"), "Вам передана задача")]
    if isinstance(event, TaskCommented):
        return [(who, "Вас упомянули в комментарии к задаче") for who in event.mentions]
    if isinstance(event, TaskStatusChanged) and event.status in ("waiting_control", "done"):
        title = (
            "Задача ждёт вашей проверки"
            if event.status == "waiting_control"
            else "Задача завершена"
        )
        return [(await _column(event.task_id, "creator_id"), title)]
    if isinstance(event, DeadlineRequested):
        return [(await _column(event.task_id, "creator_id"), "Просят перенести срок задачи")]
    if isinstance(event, DeadlineApproaching):
        return [(event.responsible_id, "Скоро срок задачи")]
    if isinstance(event, TaskOverdue):
        creator = await _column(event.task_id, "creator_id")
        return [(event.responsible_id, "Задача просрочена"), (creator, "Задача просрочена")]
    return []


async def _column(task_id: uuid.UUID, column: str) -> uuid.UUID | None:
    row = await current().db.fetch_one_as(
        _Person, f"SELECT {column} AS v FROM tasks_task WHERE id = {{}}", task_id
    )
    return row.v if row else None


class _Person(msgspec.Struct, frozen=True):
    v: uuid.UUID | None


async def _title(task_id: uuid.UUID) -> str:
    row = await current().db.fetchone("SELECT title FROM tasks_task WHERE id = {}", task_id)
    return str(row["title"]) if row else ""


async def _people(task_id: uuid.UUID, role: str) -> list[uuid.UUID]:
    rows = await current().db.fetch_as(
        OperatorRef,
        "SELECT operator_id FROM tasks_participant WHERE task_id = {} AND role = {}",
        task_id,
        role,
    )
    return [r.operator_id for r in rows]
