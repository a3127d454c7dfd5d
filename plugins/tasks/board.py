"""Kanban boards: a project's stages, or — for tasks without a project — the statuses.

A card's place is a fractional rank (:mod:`.ranks`), so moving a card writes its own row, one
history line and one ``tasks.moved`` event, whatever the board's size; other viewers' consoles
move the card from the event alone, without loading the board again.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, cast

import msgspec

from unionline import Actor, Invalid, NotFound, current, now, publish
from unionline.plugins.tasks import projects, ranks, rights
from unionline.plugins.tasks.lists import card, scope_filter
from unionline.plugins.tasks.schemas import Board, Card, Column, Move, Moved, TaskMoved
from unionline.plugins.tasks.store import CARD_COLUMNS, TaskRow, lock_suffix, update_recorded
from unionline.plugins.tasks.vocabulary import LABELS, decide
from unionline.rows import decode_row

STATUS_COLUMNS = ("new", "in_progress", "waiting_control", "deferred", "done")
DONE_SHOWN = timedelta(days=14)  # a status board shows what was completed lately
REBALANCE_AT = 150  # a rank longer than this: the column is ranked afresh


def collate() -> str:
    return ' COLLATE "C"' if current().db.is_postgres else ""


def _column_where(
    project_id: uuid.UUID | None, stage_id: uuid.UUID | None, status: str
) -> tuple[str, list[Any]]:
    if project_id is not None and stage_id is not None:
        return "stage_id = {}", [stage_id]
    if project_id is not None:
        return "project_id = {} AND stage_id IS NULL", [project_id]
    return "project_id IS NULL AND status = {}", [status]


async def column_last(
    project_id: uuid.UUID | None, stage_id: uuid.UUID | None, status: str
) -> str | None:
    where, args = _column_where(project_id, stage_id, status)
    row = await current().db.fetchone(
        f"SELECT rank FROM tasks_task WHERE {where} ORDER BY rank{collate()} DESC LIMIT 1", *args
    )
    return str(row["rank"]) if row and row["rank"] else None


async def _neighbour(where: str, args: list[Any], rank: str, above: bool) -> str | None:
    op, order = ("<", "DESC") if above else (">", "ASC")
    row = await current().db.fetchone(
        f"SELECT rank FROM tasks_task WHERE {where} AND rank{collate()} {op} {{}}"
        f" ORDER BY rank{collate()} {order} LIMIT 1",
        *args,
        rank,
    )
    return str(row["rank"]) if row else None


async def board(actor: Actor, project_id: uuid.UUID | None, view: str = "all") -> Board:
    """Every card of a project's board, or the status board of the actor's tasks in ``view``."""
    if project_id is not None:
        await projects.visible(actor, project_id)
        stages = await projects.stages(project_id)
        if current().db.is_postgres:
            return await _project_board_json(project_id, stages)
        cards = await _cards("project_id = {}", [project_id])
        columns = [
            Column(
                id=str(s.id),
                name=s.name,
                status=s.status,
                cards=[c for c in cards if c.stage_id == s.id],
            )
            for s in stages
        ]
        return Board(project_id=project_id, columns=columns)
    where, args = await scope_filter(actor, view)
    where += " AND project_id IS NULL AND status <> 'declined'"
    where += " AND (status <> 'done' OR completed_at >= {})"
    cards = await _cards(where, [*args, now() - DONE_SHOWN])
    columns = [
        Column(id=s, name=LABELS[s][0], status=s, cards=[c for c in cards if c.status == s])
        for s in STATUS_COLUMNS
    ]
    return Board(project_id=None, columns=columns)


# A project's cards as JSON built by PostgreSQL, one array per stage in board order: the same
# shape as :class:`.schemas.Card`, field for field as msgspec writes it (``deadline`` in UTC,
# ``overdue`` worked out here too), spliced into the answer as it is. At 5,000 cards under
# load (load average 11), the service's time p50/p95: rows decoded into Structs and encoded
# again 106/357 ms; the driver's rows encoded per column in Python 90/391 ms; this 89/121 ms —
# PostgreSQL builds the text while the app's event loop serves others. SQLite keeps the typed
# path below.
_PG_BOARD = (
    'SELECT c.stage_id, json_agg(c ORDER BY c.rank COLLATE "C", c.id)::text AS cards FROM ('
    " SELECT id, title, status, priority, organization_id, project_id, stage_id, rank,"
    " responsible_id, creator_id,"
    " to_char(deadline AT TIME ZONE 'UTC', CASE WHEN date_trunc('second', deadline) = deadline"
    ' THEN \'YYYY-MM-DD"T"HH24:MI:SS"Z"\' ELSE \'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\' END)'
    " AS deadline,"
    " appeal_id, parent_id, checklist_total, checklist_done, subtasks_total, subtasks_done,"
    " comments, (deadline IS NOT NULL AND deadline < {} AND status NOT IN ('done', 'declined'))"
    " AS overdue FROM tasks_task WHERE project_id = {} AND stage_id IS NOT NULL) c"
    " GROUP BY c.stage_id"
)


async def _project_board_json(project_id: uuid.UUID, stages: list[Any]) -> Board:
    rows = await current().db.fetch(_PG_BOARD, now(), project_id)
    by_stage = {str(r["stage_id"]): str(r["cards"]) for r in rows}
    columns = [
        Column(
            id=str(s.id),
            name=s.name,
            status=s.status,
            # raw JSON of list[Card]: encoded into the answer verbatim
            cards=cast(list[Card], msgspec.Raw(by_stage.get(str(s.id), "[]").encode())),
        )
        for s in stages
    ]
    return Board(project_id=project_id, columns=columns)


async def _cards(where: str, args: list[Any]) -> list[Card]:
    sql = f"SELECT {CARD_COLUMNS} FROM tasks_task WHERE {where} ORDER BY rank{collate()}, id"
    rows = await current().db.fetch_as(Card, sql, *args)
    moment = now()
    for c in rows:
        c.overdue = (
            c.deadline is not None and c.deadline < moment and c.status not in ("done", "declined")
        )
    return rows


async def move(actor: Actor, task_id: uuid.UUID, data: Move) -> Moved:
    """Put a card in a column between two others (see :class:`.schemas.Move`)."""
    db = current().db
    async with db.transaction():
        task, mine = await _load(task_id, actor.operator_id)
        task = await rights.visible(actor, task)
        roles = await rights.may_work(actor, task, mine)
        if task.project_id is not None:
            await projects.may_move(actor, task.project_id, roles)
        place = await _lookup(task, data)
        stage_id, status = _target(task, data, place)
        if status != task.status:
            status = decide(task.status, status, roles, task.acceptance)
        rank = await _rank(task, stage_id, status, place)
        changes: dict[str, Any] = {"stage_id": stage_id, "status": status, "rank": rank}
        if status != task.status:
            changes["completed_at"] = now() if status in ("done", "declined") else None
        new = {"stage_id": stage_id, "status": status, "rank": rank}
        moved = await update_recorded(
            task.id, actor.operator_id, "moved", _place(task), new, **changes
        )
        await publish(
            TaskMoved(
                organization_id=moved.organization_id,
                task_id=moved.id,
                appeal_id=moved.appeal_id,
                project_id=moved.project_id,
                stage_id=moved.stage_id,
                status=moved.status,
                rank=moved.rank,
                actor_id=actor.operator_id,
            )
        )
        if status != task.status:
            from unionline.plugins.tasks.changes import after_status

            await after_status(actor.operator_id, task, moved)
    return Moved(card=card(moved), writes=1)


def _place(task: TaskRow) -> dict[str, Any]:
    return {"stage_id": task.stage_id, "status": task.status, "rank": task.rank}


async def _load(task_id: uuid.UUID, me: uuid.UUID) -> tuple[TaskRow, frozenset[str]]:
    """The task, locked, with the mover's own ``tasks_participant`` roles — one statement."""
    db = current().db
    row = await db.fetchone(
        "SELECT t.*, (SELECT string_agg(p.role, ',') FROM tasks_participant p"
        " WHERE p.task_id = t.id AND p.operator_id = {}) AS participant_roles"
        f" FROM tasks_task t WHERE t.id = {{}}{lock_suffix(True)}"
        if db.is_postgres
        else "SELECT t.*, (SELECT group_concat(p.role, ',') FROM tasks_participant p"
        " WHERE p.task_id = t.id AND p.operator_id = {}) AS participant_roles"
        " FROM tasks_task t WHERE t.id = {}",
        me,
        task_id,
    )
    if row is None:
        raise NotFound(f"task {task_id} does not exist", field="task_id")
    mine = str(row["participant_roles"] or "")
    return decode_row(TaskRow, row), frozenset(r for r in mine.split(",") if r)


class _Place(msgspec.Struct, kw_only=True):
    """What a move looks up, in one statement: the target stage (found, its status) and the
    ranks of the cards it goes between."""

    stage_found: int | None = None
    stage_status: str | None = None
    above: str | None = None
    below: str | None = None


async def _lookup(task: TaskRow, data: Move) -> _Place:
    after = data.after_id if data.after_id != task.id else None
    before = data.before_id if data.before_id != task.id else None
    stage = data.stage_id if task.project_id is not None else None
    found = await current().db.fetch_one_as(
        _Place,
        "SELECT (SELECT 1 FROM tasks_stage WHERE id = {} AND project_id = {}) AS stage_found,"
        " (SELECT status FROM tasks_stage WHERE id = {} AND project_id = {}) AS stage_status,"
        " (SELECT rank FROM tasks_task WHERE id = {}) AS above,"
        " (SELECT rank FROM tasks_task WHERE id = {}) AS below",
        stage,
        task.project_id,
        stage,
        task.project_id,
        after,
        before,
    )
    return found or _Place()


def _target(task: TaskRow, data: Move, place: _Place) -> tuple[uuid.UUID | None, str]:
    if task.project_id is None:
        if data.stage_id is not None:
            raise Invalid("a task without a project has no stages", field="stage_id")
        return None, data.status or task.status
    if data.stage_id is None:
        return task.stage_id, task.status
    if not place.stage_found:
        raise NotFound(f"stage {data.stage_id} is not on this board", field="stage_id")
    return data.stage_id, place.stage_status or task.status


async def _rank(task: TaskRow, stage_id: uuid.UUID | None, status: str, place: _Place) -> str:
    where, args = _column_where(task.project_id, stage_id, status)
    where += " AND id <> {}"
    args.append(task.id)
    above, below = place.above, place.below
    if above is not None and (below is None or not above < below):
        below = await _neighbour(where, args, above, above=False)
    elif below is not None and above is None:
        above = await _neighbour(where, args, below, above=True)
    elif above is None and below is None:
        above = await column_last(task.project_id, stage_id, status)
        if above == task.rank and task.stage_id == stage_id and task.status == status:
            return task.rank
    rank = ranks.between(above, below)
    if len(rank) > REBALANCE_AT:
        rank = await _rebalance(where, args, above)
    return rank


async def _rebalance(where: str, args: list[Any], above: str | None) -> str:
    """Rank a column afresh (rare: after many inserts at one spot); answers a rank right
    after ``above``'s new one."""
    db = current().db
    rows = await db.fetch(
        f"SELECT id, rank FROM tasks_task WHERE {where} ORDER BY rank{collate()}", *args
    )
    fresh = ranks.spread(len(rows) * 2 + 2)
    position = 0
    for i, row in enumerate(rows):
        await db.execute(
            "UPDATE tasks_task SET rank = {} WHERE id = {}", fresh[2 * i + 1], row["id"]
        )
        if above is not None and row["rank"] == above:
            position = 2 * i + 2
    return fresh[position]
