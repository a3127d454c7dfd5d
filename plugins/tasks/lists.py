"""Task lists: «Мои», «Поставленные мной», «Наблюдаю», «Просроченные», «Все» with filters, the
header's counters and the timeline of deadlines and dependencies — always inside the
organization subtree where the actor holds ``tasks.read``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal

import msgspec

from unionline import Actor, Invalid, current, now, scope_for
from unionline.plugins.tasks import rights
from unionline.plugins.tasks.schemas import Card, Counters, TaskPage, TimelineItem
from unionline.plugins.tasks.store import CARD_COLUMNS, TaskRow, in_list

View = Literal["mine", "set_by_me", "observing", "overdue", "all"]
VIEWS: tuple[str, ...] = ("mine", "set_by_me", "observing", "overdue", "all")
OPEN_SQL = "status IN ('new', 'in_progress', 'waiting_control', 'deferred')"


def card(task: TaskRow) -> Card:
    c = Card(**{k: getattr(task, k) for k in Card.__struct_fields__ if k != "overdue"})
    c.overdue = _overdue(task.deadline, task.status)
    return c


def _overdue(deadline: datetime | None, status: str) -> bool:
    return deadline is not None and deadline < now() and status not in ("done", "declined")


async def scope_filter(actor: Actor, view: str) -> tuple[str, list[Any]]:
    """A WHERE clause (and its arguments) of the tasks ``actor`` sees in ``view``."""
    actor.require(rights.READ)
    ids = (await scope_for(actor, rights.READ)).ids()
    parts: list[str] = []
    args: list[Any] = []
    if ids is not None:
        if not ids:
            return "1 = 0", []
        parts.append(f"organization_id IN ({in_list(ids)})")
        args += ids
    me = actor.operator_id
    if view == "mine":
        parts.append(
            "(responsible_id = {} OR id IN (SELECT task_id FROM tasks_participant"
            " WHERE operator_id = {} AND role = 'coexecutor'))"
        )
        args += [me, me]
    elif view == "set_by_me":
        parts.append("creator_id = {}")
        args.append(me)
    elif view == "observing":
        parts.append(
            "id IN (SELECT task_id FROM tasks_participant"
            " WHERE operator_id = {} AND role = 'observer')"
        )
        args.append(me)
    elif view == "overdue":
        parts.append(
            f"deadline < {{}} AND {OPEN_SQL} AND (responsible_id = {{}} OR creator_id = {{}})"
        )
        args += [now(), me, me]
    elif view != "all":
        raise Invalid(f"view must be one of {', '.join(VIEWS)}", field="view")
    return " AND ".join(parts) or "1 = 1", args


class Filters(msgspec.Struct, kw_only=True):
    view: str = "mine"
    status: str | None = None  # a status, or "open"
    project_id: uuid.UUID | None = None
    appeal_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    responsible_id: uuid.UUID | None = None
    q: str = ""
    limit: int = 100
    offset: int = 0


async def listing(actor: Actor, f: Filters) -> TaskPage:
    where, args = await scope_filter(actor, f.view)
    if f.status == "open":
        where += f" AND {OPEN_SQL}"
    elif f.status:
        where += " AND status = {}"
        args.append(f.status)
    for column in ("project_id", "appeal_id", "responsible_id"):
        value = getattr(f, column)
        if value is not None:
            where += f" AND {column} = {{}}"
            args.append(value)
    if f.organization_id is not None:
        from unionline import subtree_ids

        wanted = sorted(await subtree_ids([f.organization_id]))
        if not wanted:  # no such organization
            return TaskPage(items=[], total=0)
        where += f" AND organization_id IN ({in_list(wanted)})"
        args += wanted
    if f.q.strip():
        where += " AND LOWER(title) LIKE {}"
        args.append(f"%{f.q.strip().lower()}%")
    db = current().db
    total = await db.fetchone(f"SELECT COUNT(*) AS n FROM tasks_task WHERE {where}", *args)
    limit = max(1, min(f.limit, 500))
    rows = await db.fetch_as(
        Card,
        f"SELECT {CARD_COLUMNS} FROM tasks_task WHERE {where}"
        f" ORDER BY CASE WHEN deadline IS NULL THEN 1 ELSE 0 END, deadline, created_at DESC, id"
        f" LIMIT {limit} OFFSET {max(0, f.offset)}",
        *args,
    )
    for c in rows:
        c.overdue = _overdue(c.deadline, c.status)
    return TaskPage(items=rows, total=int(total["n"]) if total else 0)


async def counters(actor: Actor) -> Counters:
    """The header's counters: open tasks I do, I set, I observe, and my overdue ones."""
    values: dict[str, int] = {}
    db = current().db
    for view in ("mine", "set_by_me", "observing", "overdue"):
        where, args = await scope_filter(actor, view)
        row = await db.fetchone(
            f"SELECT COUNT(*) AS n FROM tasks_task WHERE {where} AND {OPEN_SQL}", *args
        )
        values[view] = int(row["n"]) if row else 0
    where, args = await scope_filter(actor, "mine")
    moment = now()
    row = await db.fetchone(
        f"SELECT COUNT(*) AS n FROM tasks_task WHERE {where} AND {OPEN_SQL}"
        " AND deadline >= {} AND deadline < {}",
        *args,
        moment,
        await _end_of_today(actor, moment),
    )
    return Counters(
        mine=values["mine"],
        set_by_me=values["set_by_me"],
        observing=values["observing"],
        overdue=values["overdue"],
        today=int(row["n"]) if row else 0,
    )


async def _end_of_today(actor: Actor, moment: datetime) -> datetime:
    """Midnight after ``moment`` in the time zone of the actor's (first) organization."""
    from zoneinfo import ZoneInfo

    from unionline.calendar import default_timezone, timezone_for

    org = next((g.organization_id for g in actor.grants if g.organization_id), None)
    zone = ZoneInfo(await timezone_for(org) if org else default_timezone())
    local = moment.astimezone(zone)
    tomorrow = datetime.combine(local.date() + timedelta(days=1), time(), zone)
    return tomorrow.astimezone(UTC)


class _Blocks(msgspec.Struct, frozen=True):
    task_id: uuid.UUID  # blocks
    target_id: uuid.UUID


class _Span(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    title: str
    status: str
    created_at: datetime
    deadline: datetime | None


async def timeline(
    actor: Actor, project_id: uuid.UUID | None, view: str = "all"
) -> list[TimelineItem]:
    """Tasks with deadlines as bars from creation to deadline, and what blocks each."""
    if project_id is not None:
        from unionline.plugins.tasks.projects import visible

        await visible(actor, project_id)
        where, args = "project_id = {}", [project_id]
    else:
        where, args = await scope_filter(actor, view)
        where += " AND project_id IS NULL"
    db = current().db
    rows = await db.fetch_as(
        _Span,
        f"SELECT id, title, status, created_at, deadline FROM tasks_task WHERE {where}"
        " AND deadline IS NOT NULL AND status <> 'declined' ORDER BY deadline, id LIMIT 500",
        *args,
    )
    blocked: dict[uuid.UUID, list[uuid.UUID]] = {r.id: [] for r in rows}
    if rows:
        ids = list(blocked)
        links = await db.fetch_as(
            _Blocks,
            f"SELECT task_id, target_id FROM tasks_link WHERE kind = 'blocks'"
            f" AND target_id IN ({in_list(ids)})",
            *ids,
        )
        for link in links:
            blocked[link.target_id].append(link.task_id)
    return [
        TimelineItem(
            id=r.id,
            title=r.title,
            status=r.status,
            start=r.created_at,
            deadline=r.deadline,
            blocked_by=blocked[r.id],
        )
        for r in rows
    ]
