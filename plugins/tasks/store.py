"""Rows of the tasks tables and the few statements everything else is written with: load a
task (optionally locked), change its columns with a history line, count its parts again."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import msgspec

from unionline import NotFound, current, now
from unionline.rows import db_value

CARD_COLUMNS = (
    "id, title, status, priority, organization_id, project_id, stage_id, rank, responsible_id,"
    " creator_id, deadline, appeal_id, parent_id, checklist_total, checklist_done,"
    " subtasks_total, subtasks_done, comments"
)


class TaskRow(msgspec.Struct, kw_only=True):
    """A row of ``tasks_task`` (columns: :class:`.tables.Task`)."""

    id: uuid.UUID
    organization_id: uuid.UUID
    project_id: uuid.UUID | None
    stage_id: uuid.UUID | None
    rank: str
    parent_id: uuid.UUID | None
    title: str
    description: str
    status: str
    priority: str
    creator_id: uuid.UUID | None
    responsible_id: uuid.UUID | None
    acceptance: bool
    deadline: datetime | None
    requested_deadline: datetime | None
    overdue_for: datetime | None
    appeal_id: uuid.UUID | None
    member_id: uuid.UUID | None
    template_id: uuid.UUID | None
    series_id: uuid.UUID | None
    tags: list[str]
    checklist_total: int
    checklist_done: int
    subtasks_total: int
    subtasks_done: int
    comments: int
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None


class SeriesRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    template_id: uuid.UUID
    creator_id: uuid.UUID | None
    responsible_id: uuid.UUID | None
    rrule: str
    starts_on: date
    at_time: str
    timezone: str
    mode: str
    after_done_days: int | None
    shift: str
    catch_up: str
    next_on: date | None
    task_id: uuid.UUID | None
    active: bool
    ended_at: datetime | None = None  # ended at once: no occurrence job makes a task after it


def json_value(value: Any) -> Any:
    """A JSON column's parameter, Structs nested in lists included."""
    return db_value(msgspec.to_builtins(value))


def lock_suffix(lock: bool) -> str:
    return " FOR UPDATE" if lock and current().db.is_postgres else ""


async def load_task(task_id: uuid.UUID, *, lock: bool = False) -> TaskRow:
    row = await current().db.fetch_one_as(
        TaskRow, f"SELECT * FROM tasks_task WHERE id = {{}}{lock_suffix(lock)}", task_id
    )
    if row is None:
        raise NotFound(f"task {task_id} does not exist", field="task_id")
    return row


async def update_task(task_id: uuid.UUID, **changes: Any) -> TaskRow:
    """Set columns of a task (and ``updated_at``); JSON values are written as the engines
    store them."""
    changes.setdefault("updated_at", now())
    names = list(changes)
    sets = ", ".join(f"{n} = {{}}" for n in names)
    values = [db_value(v) if isinstance(v, (list, dict)) else v for v in changes.values()]
    row = await current().db.fetch_one_as(
        TaskRow, f"UPDATE tasks_task SET {sets} WHERE id = {{}} RETURNING *", *values, task_id
    )
    if row is None:
        raise NotFound(f"task {task_id} does not exist", field="task_id")
    return row


async def record(
    task_id: uuid.UUID,
    actor_id: uuid.UUID | None,
    what: str,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    """One line of the task's history."""
    await current().db.execute(
        "INSERT INTO tasks_history (id, task_id, actor_id, what, old, new, created_at)"
        " VALUES ({}, {}, {}, {}, {}, {}, {})",
        uuid.uuid4(),
        task_id,
        actor_id,
        what,
        db_value(_plain(old or {})),
        db_value(_plain(new or {})),
        now(),
    )


async def update_recorded(
    task_id: uuid.UUID,
    actor_id: uuid.UUID | None,
    what: str,
    old: dict[str, Any],
    new: dict[str, Any],
    **changes: Any,
) -> TaskRow:
    """:func:`update_task` and its history line (:func:`record`) — on PostgreSQL in one
    statement (a data-modifying ``WITH``), a round trip less on a hot path like a move."""
    db = current().db
    if not db.is_postgres:
        row = await update_task(task_id, **changes)
        await record(task_id, actor_id, what, old, new)
        return row
    changes.setdefault("updated_at", now())
    names = list(changes)
    sets = ", ".join(f"{n} = {{}}" for n in names)
    values = [db_value(v) if isinstance(v, (list, dict)) else v for v in changes.values()]
    found = await db.fetch_one_as(
        TaskRow,
        f"WITH changed AS (UPDATE tasks_task SET {sets} WHERE id = {{}} RETURNING *),"
        " line AS (INSERT INTO tasks_history (id, task_id, actor_id, what, old, new, created_at)"
        " SELECT {}, id, {}, {}, {}, {}, {} FROM changed)"
        " SELECT * FROM changed",
        *values,
        task_id,
        uuid.uuid4(),
        actor_id,
        what,
        db_value(_plain(old)),
        db_value(_plain(new)),
        now(),
    )
    if found is None:
        raise NotFound(f"task {task_id} does not exist", field="task_id")
    return found


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    plain: dict[str, Any] = msgspec.to_builtins(values)
    return plain


async def recount_checklist(task_id: uuid.UUID) -> tuple[int, int]:
    db = current().db
    row = await db.fetchone(
        "SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN done THEN 1 ELSE 0 END), 0) AS done"
        " FROM tasks_checklist_item WHERE task_id = {}",
        task_id,
    )
    total, done = (int(row["total"]), int(row["done"])) if row else (0, 0)
    await db.execute(
        "UPDATE tasks_task SET checklist_total = {}, checklist_done = {} WHERE id = {}",
        total,
        done,
        task_id,
    )
    return total, done


async def recount_subtasks(parent_id: uuid.UUID) -> tuple[int, int]:
    db = current().db
    row = await db.fetchone(
        "SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN status IN ('done', 'declined')"
        " THEN 1 ELSE 0 END), 0) AS done FROM tasks_task WHERE parent_id = {}",
        parent_id,
    )
    total, done = (int(row["total"]), int(row["done"])) if row else (0, 0)
    await db.execute(
        "UPDATE tasks_task SET subtasks_total = {}, subtasks_done = {} WHERE id = {}",
        total,
        done,
        parent_id,
    )
    return total, done


class OperatorRef(msgspec.Struct, frozen=True):
    """A row naming an operator (``SELECT operator_id …``)."""

    operator_id: uuid.UUID


def in_list(values: list[Any]) -> str:
    """``{}, {}, …`` for an IN list of ``values`` (never empty: callers check)."""
    return ", ".join("{}" for _ in values)
