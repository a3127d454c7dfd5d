"""The supervisor's view: live load per operator, queue lengths and waiting times."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from unionline.access import Actor, filter_scope
from unionline.appeals import clock
from unionline.appeals.statuses import ACTIVE_SQL
from unionline.routing import candidates, queues
from unionline.routing.schemas import OperatorLoad, QueueStats, RoutingStats, Status
from unionline.runtime import current

MONITOR = "routing.monitor"
DAY = 86400.0


async def _orgs(actor: Actor, organization_id: uuid.UUID | None) -> frozenset[uuid.UUID] | None:
    """Organizations the view covers (None: all of them; none for an organization outside the
    scope or of none at all: ``filter_scope``)."""
    actor.require(MONITOR)
    return (await filter_scope(actor, MONITOR, organization_id)).organization_ids


async def stats(actor: Actor, organization_id: uuid.UUID | None = None) -> RoutingStats:
    from unionline.routing.engine import now

    orgs = await _orgs(actor, organization_id)
    at = now()
    return RoutingStats(
        operators=await _operators(orgs),
        queues=await _queues(orgs, at),
        unqueued=await _unqueued(orgs),
        at=at,
    )


def _where(column: str, orgs: frozenset[uuid.UUID] | None) -> tuple[str, list[Any]]:
    if orgs is None:
        return "1 = 1", []
    if not orgs:
        return "1 = 0", []
    ids = sorted(orgs)
    return f"{column} IN ({', '.join('{}' for _ in ids)})", list(ids)


async def _operators(orgs: frozenset[uuid.UUID] | None) -> list[OperatorLoad]:
    roles = candidates.manage_roles()
    if not roles:
        return []
    where, args = _where("g.organization_id", orgs)
    rows = await current().db.fetch_as(
        _Staff,
        "SELECT o.id, o.name, o.capacity, p.status FROM operator_operator o"
        " LEFT JOIN routing_presence p ON p.operator_id = o.id"
        " WHERE o.is_active = {} AND o.id IN (SELECT g.operator FROM operator_role_grant g"
        f" WHERE g.role IN ({', '.join('{}' for _ in roles)}) AND {where}) ORDER BY o.name, o.id",
        True,
        *roles,
        *args,
    )
    ids = [r.id for r in rows]
    load = await candidates.loads(ids)
    offers = await _pending_offers(ids)
    held = await candidates.holds(r.id for r in rows if r.status == "online")
    out = []
    for row in rows:
        ident, capacity = row.id, row.capacity
        out.append(
            OperatorLoad(
                operator_id=ident,
                name=row.name,
                status=row.status or "offline",
                open_appeals=load[ident] - offers.get(ident, 0),
                pending_offers=offers.get(ident, 0),
                capacity=capacity,
                load=load[ident] / capacity if capacity > 0 else 1.0,
                held=held[ident].reason if ident in held else None,
            )
        )
    return out


async def _pending_offers(ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not ids:
        return {}
    rows = await current().db.fetch_as(
        _Count,
        "SELECT operator_id, COUNT(*) AS n FROM routing_offer WHERE state = 'pending'"
        f" AND operator_id IN ({', '.join('{}' for _ in ids)}) GROUP BY operator_id",
        *ids,
    )
    return {r.operator_id: r.n for r in rows}


class _Staff(msgspec.Struct):
    id: uuid.UUID
    name: str
    capacity: int
    status: Status | None  # None: never connected


class _Count(msgspec.Struct):
    operator_id: uuid.UUID
    n: int


async def _queues(orgs: frozenset[uuid.UUID] | None, at: float) -> list[QueueStats]:
    db = current().db
    where, args = _where("organization_id", orgs)
    rows = await db.fetch_as(
        queues.QueueRow,
        f"SELECT * FROM routing_queue WHERE {where} ORDER BY priority DESC, name, id",
        *args,
    )
    out = []
    for queue in rows:
        waiting = await db.fetchone(
            "SELECT COUNT(*) AS n, MIN(e.queued_at) AS oldest FROM routing_queue_entry e"
            " JOIN appeal_appeal a ON a.id = e.appeal_id WHERE e.queue_id = {}"
            " AND e.left_at IS NULL AND a.assignee_id IS NULL"
            f" AND a.status IN {ACTIVE_SQL}",
            queue.id,
        )
        done = await db.fetchone(
            "SELECT COUNT(*) AS n, AVG(assigned_at - queued_at) AS wait FROM routing_queue_entry"
            " WHERE queue_id = {} AND assigned_at IS NOT NULL AND assigned_at >= {}",
            queue.id,
            at - DAY,
        )
        oldest = waiting["oldest"] if waiting else None
        out.append(
            QueueStats(
                queue_id=queue.id,
                organization_id=queue.organization_id,
                name=queue.name,
                strategy=queue.strategy,
                open_now=await queue.open_at(clock.now()),
                waiting=int(waiting["n"]) if waiting else 0,
                oldest_wait_seconds=max(0.0, at - float(oldest)) if oldest is not None else None,
                average_wait_seconds=float(done["wait"])
                if done and done["wait"] is not None
                else None,
                assigned_last_day=int(done["n"]) if done else 0,
            )
        )
    return out


async def _unqueued(orgs: frozenset[uuid.UUID] | None) -> int:
    where, args = _where("organization_id", orgs)
    row = await current().db.fetchone(
        "SELECT COUNT(*) AS n FROM appeal_appeal WHERE assignee_id IS NULL"
        f" AND status IN {ACTIVE_SQL} AND merged_into_id IS NULL"
        f" AND queue_id IS NULL AND {where}",
        *args,
    )
    return int(row["n"]) if row else 0
