"""Tasks in the staff calendar (``unionline.add_calendar_source``): each open task's deadline,
as a moment in its responsible's calendar — read by the meetings plugin's calendar, which
never imports this plugin; and a task's people for a meeting about it
(``unionline.add_subject_source``)."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from unionline import Actor, CalendarItem, CalendarQuery, MeetingSubject, NotFound, current
from unionline.plugins.tasks.rights import visible
from unionline.plugins.tasks.store import OperatorRef, load_task
from unionline.plugins.tasks.vocabulary import OPEN


class _Deadline(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    title: str
    responsible_id: uuid.UUID | None
    deadline: datetime


class TaskDeadlines:
    name = "tasks"

    async def items(self, query: CalendarQuery) -> list[CalendarItem]:
        found = query.sql_where(
            organization="organization_id", operator="responsible_id", at="deadline"
        )
        if found is None:
            return []
        where, args = found
        statuses = sorted(OPEN)
        rows = await current().db.fetch_as(
            _Deadline,
            "SELECT id, organization_id, title, responsible_id, deadline FROM tasks_task"
            f" WHERE {where} AND status IN ({', '.join('{}' for _ in statuses)})"
            " ORDER BY deadline LIMIT 1000",
            *args,
            *statuses,
        )
        return [
            CalendarItem(
                source="tasks",
                kind="task_deadline",
                id=str(r.id),
                title=r.title,
                organization_id=r.organization_id,
                operator_id=r.responsible_id,
                starts_at=r.deadline,
                href=f"#/work/tasks/{r.id}",
            )
            for r in rows
        ]


class TaskPeople:
    """A meeting about a task invites its creator, responsible, co-executors and observers,
    and the member it is about."""

    name = "tasks"
    kinds: tuple[str, ...] = ("task",)

    async def subject(self, actor: Actor, kind: str, object_id: uuid.UUID) -> MeetingSubject | None:
        try:
            task = await visible(actor, await load_task(object_id))
        except NotFound:
            return None
        rows = await current().db.fetch_as(
            OperatorRef, "SELECT operator_id FROM tasks_participant WHERE task_id = {}", task.id
        )
        people = [task.creator_id, task.responsible_id, *(r.operator_id for r in rows)]
        return MeetingSubject(
            kind="task",
            id=task.id,
            title=task.title,
            organization_id=task.organization_id,
            operator_ids=tuple(dict.fromkeys(p for p in people if p)),
            member_ids=(task.member_id,) if task.member_id else (),
            appeal_id=task.appeal_id,
        )
