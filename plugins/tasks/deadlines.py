"""Deadlines passing: ``tasks.overdue`` once per task and deadline, ``tasks.deadline_approaching``
once when less than ``remind_hours`` are left — found by a sweep every minute (``tasks.deadlines``)
and marked on the task in the same transaction, so a second sweep or a second process finds
nothing to announce again. A new deadline announces again."""

from __future__ import annotations

from datetime import datetime, timedelta

from unionline import PeriodicJob, current, now, publish
from unionline.plugins.tasks.schemas import DeadlineApproaching, TaskOverdue
from unionline.plugins.tasks.store import TaskRow, lock_suffix

EVERY = 60.0
BATCH = 500
REMIND_HOURS = 24.0
OPEN = "status IN ('new', 'in_progress', 'waiting_control', 'deferred')"


async def sweep(at: datetime | None = None) -> int:
    moment = at or now()
    return await _overdue(moment) + await _approaching(moment)


async def _overdue(moment: datetime) -> int:
    db = current().db
    async with db.transaction():
        rows = await db.fetch_as(
            TaskRow,
            f"SELECT * FROM tasks_task WHERE deadline < {{}} AND {OPEN}"
            " AND (overdue_for IS NULL OR overdue_for <> deadline)"
            f" ORDER BY deadline LIMIT {BATCH}{lock_suffix(True)}",
            moment,
        )
        for task in rows:
            assert task.deadline is not None
            await db.execute("UPDATE tasks_task SET overdue_for = deadline WHERE id = {}", task.id)
            await publish(
                TaskOverdue(
                    organization_id=task.organization_id,
                    task_id=task.id,
                    appeal_id=task.appeal_id,
                    project_id=task.project_id,
                    deadline=task.deadline,
                    responsible_id=task.responsible_id,
                )
            )
    return len(rows)


async def _approaching(moment: datetime) -> int:
    db = current().db
    async with db.transaction():
        rows = await db.fetch_as(
            TaskRow,
            f"SELECT * FROM tasks_task WHERE deadline >= {{}} AND deadline < {{}} AND {OPEN}"
            " AND (reminded_for IS NULL OR reminded_for <> deadline)"
            f" ORDER BY deadline LIMIT {BATCH}{lock_suffix(True)}",
            moment,
            moment + timedelta(hours=REMIND_HOURS),
        )
        for task in rows:
            assert task.deadline is not None
            await db.execute("UPDATE tasks_task SET reminded_for = deadline WHERE id = {}", task.id)
            await publish(
                DeadlineApproaching(
                    organization_id=task.organization_id,
                    task_id=task.id,
                    appeal_id=task.appeal_id,
                    project_id=task.project_id,
                    deadline=task.deadline,
                    responsible_id=task.responsible_id,
                )
            )
    return len(rows)


DEADLINES = PeriodicJob("tasks.deadlines", sweep, every=EVERY)
