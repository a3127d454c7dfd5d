"""Changing a task: its fields, status (with the creator's acceptance), responsible
(delegation), deadline (the creator's; the responsible asks and the creator approves) and
people. Each change is one transaction with its history line and event."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from unionline import Actor, Conflict, Forbidden, current, now, publish
from unionline.plugins.tasks import rights
from unionline.plugins.tasks.creation import add_participant
from unionline.plugins.tasks.schemas import (
    AppealTasksDone,
    DeadlineRequested,
    PeopleChange,
    SubtasksDone,
    TaskChange,
    TaskChanged,
    TaskStatusChanged,
)
from unionline.plugins.tasks.store import TaskRow, load_task, record, recount_subtasks, update_task
from unionline.plugins.tasks.vocabulary import CLOSED, decide
from unionline.rows import IdRow

OWNERS = frozenset({"creator", "manager"})


async def _locked(actor: Actor, task_id: uuid.UUID) -> tuple[TaskRow, frozenset[str]]:
    task = await rights.visible(actor, await load_task(task_id, lock=True))
    return task, await rights.roles_on(actor, task)


def _require(roles: frozenset[str], allowed: frozenset[str], what: str) -> None:
    if not roles & allowed:
        raise Forbidden(
            f"{what} is for {', '.join(sorted(allowed))}", extra={"roles": sorted(allowed)}
        )


async def _changed(task: TaskRow, actor_id: uuid.UUID | None, fields: list[str]) -> None:
    await publish(
        TaskChanged(
            organization_id=task.organization_id,
            task_id=task.id,
            appeal_id=task.appeal_id,
            project_id=task.project_id,
            fields=fields,
            actor_id=actor_id,
        )
    )


async def edit(actor: Actor, task_id: uuid.UUID, data: TaskChange) -> TaskRow:
    """Title, description, priority, tags, acceptance, project: the creator's (or a manager's)."""
    async with current().db.transaction():
        task, roles = await _locked(actor, task_id)
        _require(roles, OWNERS, "editing a task")
        changes = {k: v for k, v in _fields(data).items() if getattr(task, k) != v}
        if not changes:
            return task
        if "project_id" in changes:
            changes |= await _new_project(actor, task, changes["project_id"])
        updated = await update_task(task.id, **changes)
        await record(
            task.id, actor.operator_id, "edited", {k: getattr(task, k) for k in changes}, changes
        )
        await _changed(updated, actor.operator_id, sorted(changes))
        return updated


def _fields(data: TaskChange) -> dict[str, Any]:
    return {f: getattr(data, f) for f in data.__struct_fields__ if f in _given(data)}


def _given(data: TaskChange) -> set[str]:
    import msgspec

    return set(msgspec.to_builtins(data))  # omit_defaults: only what the request named


async def _new_project(actor: Actor, task: TaskRow, project_id: uuid.UUID | None) -> dict[str, Any]:
    from unionline.plugins.tasks.board import column_last, ranks
    from unionline.plugins.tasks.creation import _first_stage
    from unionline.plugins.tasks.projects import visible

    if project_id is not None:
        await visible(actor, project_id)
    stage_id = await _first_stage(project_id)
    last = await column_last(project_id, stage_id, task.status)
    return {"stage_id": stage_id, "rank": ranks.between(last, None)}


async def set_status(actor: Actor, task_id: uuid.UUID, target: str) -> TaskRow:
    async with current().db.transaction():
        task, roles = await _locked(actor, task_id)
        return await apply_status(
            task, decide(task.status, target, roles, task.acceptance), actor.operator_id
        )


async def apply_status(task: TaskRow, status: str, actor_id: uuid.UUID | None) -> TaskRow:
    """Move ``task`` to ``status`` (decided already), with its card, history and events."""
    changes: dict[str, Any] = {"status": status}
    changes["completed_at"] = now() if status in CLOSED else None
    changes |= await _card_follows(task, status)
    updated = await update_task(task.id, **changes)
    await record(task.id, actor_id, "status", {"status": task.status}, {"status": status})
    await after_status(actor_id, task, updated)
    return updated


async def _card_follows(task: TaskRow, status: str) -> dict[str, Any]:
    """A status board's card goes to the new status' column; a project's card to the stage
    bound to the status, when there is one."""
    from unionline.plugins.tasks.board import column_last, ranks

    if task.project_id is None:
        return {"rank": ranks.between(await column_last(None, None, status), None)}
    row = await current().db.fetch_one_as(
        IdRow,
        "SELECT id FROM tasks_stage WHERE project_id = {} AND status = {}"
        " ORDER BY position LIMIT 1",
        task.project_id,
        status,
    )
    if row is None or row.id == task.stage_id:
        return {}
    stage_id = row.id
    return {
        "stage_id": stage_id,
        "rank": ranks.between(await column_last(task.project_id, stage_id, status), None),
    }


async def after_status(actor_id: uuid.UUID | None, old: TaskRow, task: TaskRow) -> None:
    """Events of a status change and what follows it: the parent's and the appeal's counts,
    the series' next occurrence."""
    await publish(
        TaskStatusChanged(
            organization_id=task.organization_id,
            task_id=task.id,
            appeal_id=task.appeal_id,
            project_id=task.project_id,
            old_status=old.status,
            status=task.status,
            actor_id=actor_id,
        )
    )
    closed_now = (task.status in CLOSED) != (old.status in CLOSED)
    if task.parent_id is not None and closed_now:
        total, done = await recount_subtasks(task.parent_id)
        if total and total == done:
            parent = await load_task(task.parent_id)
            await publish(
                SubtasksDone(
                    organization_id=parent.organization_id,
                    task_id=parent.id,
                    appeal_id=parent.appeal_id,
                    project_id=parent.project_id,
                )
            )
    if task.appeal_id is not None and task.status in CLOSED and old.status not in CLOSED:
        await _appeal_done(task)
    if task.series_id is not None and task.status == "done":
        from unionline.plugins.tasks.recurrence import after_completion

        await after_completion(task)


async def _appeal_done(task: TaskRow) -> None:
    row = await current().db.fetchone(
        "SELECT COUNT(*) AS n FROM tasks_task WHERE appeal_id = {}"
        " AND status NOT IN ('done', 'declined')",
        task.appeal_id,
    )
    if row is not None and int(row["n"]) == 0:
        await publish(
            AppealTasksDone(
                organization_id=task.organization_id,
                task_id=task.id,
                appeal_id=task.appeal_id,
                project_id=task.project_id,
            )
        )


async def set_responsible(actor: Actor, task_id: uuid.UUID, responsible_id: uuid.UUID) -> TaskRow:
    """Hand the task to someone else: the responsible with ``tasks.delegate``; the creator
    with ``tasks.assign``; a manager."""
    async with current().db.transaction():
        task, roles = await _locked(actor, task_id)
        if task.responsible_id == responsible_id:
            return task
        if "manager" not in roles:
            if ("responsible" in roles and actor.can(rights.DELEGATE)) or (
                "creator" in roles and actor.can(rights.ASSIGN)
            ):
                pass
            else:
                raise Forbidden("handing this task over is not yours to do", field="responsible_id")
        await rights.may_see(responsible_id, task.organization_id, "responsible_id")
        return await hand_over(task, responsible_id, actor.operator_id)


async def hand_over(
    task: TaskRow, responsible_id: uuid.UUID, actor_id: uuid.UUID | None
) -> TaskRow:
    updated = await update_task(task.id, responsible_id=responsible_id)
    await record(
        task.id,
        actor_id,
        "responsible",
        {"responsible_id": task.responsible_id},
        {"responsible_id": responsible_id},
    )
    await _changed(updated, actor_id, ["responsible_id"])
    return updated


async def set_deadline(actor: Actor, task_id: uuid.UUID, deadline: datetime | None) -> TaskRow:
    """The creator (or a manager) moves the deadline; the responsible's move is a request."""
    async with current().db.transaction():
        task, roles = await _locked(actor, task_id)
        if roles & OWNERS:
            return await new_deadline(task, deadline, actor.operator_id)
        _require(roles, frozenset({"responsible"}), "asking to move the deadline")
        updated = await update_task(task.id, requested_deadline=deadline)
        await record(
            task.id,
            actor.operator_id,
            "deadline_requested",
            {"deadline": task.deadline},
            {"deadline": deadline},
        )
        await publish(
            DeadlineRequested(
                organization_id=task.organization_id,
                task_id=task.id,
                appeal_id=task.appeal_id,
                project_id=task.project_id,
                deadline=deadline,
                requested_by=actor.operator_id,
            )
        )
        return updated


async def new_deadline(
    task: TaskRow, deadline: datetime | None, actor_id: uuid.UUID | None
) -> TaskRow:
    updated = await update_task(task.id, deadline=deadline, requested_deadline=None)
    await record(task.id, actor_id, "deadline", {"deadline": task.deadline}, {"deadline": deadline})
    await _changed(updated, actor_id, ["deadline"])
    return updated


async def answer_request(actor: Actor, task_id: uuid.UUID, approve: bool) -> TaskRow:
    async with current().db.transaction():
        task, roles = await _locked(actor, task_id)
        _require(roles, OWNERS, "answering a deadline request")
        if task.requested_deadline is None:
            raise Conflict("nobody asked to move this task's deadline", field="deadline")
        if approve:
            return await new_deadline(task, task.requested_deadline, actor.operator_id)
        updated = await update_task(task.id, requested_deadline=None)
        await record(
            task.id,
            actor.operator_id,
            "deadline_declined",
            {"deadline": task.requested_deadline},
            {},
        )
        return updated


async def set_people(actor: Actor, task_id: uuid.UUID, data: PeopleChange) -> TaskRow:
    """Co-executors and observers: the creator, the responsible or a manager sets them."""
    db = current().db
    async with db.transaction():
        task, roles = await _locked(actor, task_id)
        _require(roles, OWNERS | {"responsible"}, "changing a task's people")
        await rights.check_people(
            actor, task.organization_id, None, [*data.coexecutors, *data.observers]
        )
        await db.execute("DELETE FROM tasks_participant WHERE task_id = {}", task.id)
        for role, people in (("coexecutor", data.coexecutors), ("observer", data.observers)):
            for who in dict.fromkeys(people):
                await add_participant(task.id, who, role)
        updated = await update_task(task.id)
        await record(
            task.id,
            actor.operator_id,
            "people",
            {},
            {"coexecutors": data.coexecutors, "observers": data.observers},
        )
        await _changed(updated, actor.operator_id, ["people"])
        return updated
