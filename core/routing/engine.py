"""The routing engine: choose an operator for an appeal and hand it over atomically.

``route(appeal_id)`` locks the appeal, finds its queue (its own, else the organization's
default), records the wait, and — when the queue is open and no offer is pending — asks the
``route_appeal`` hook to choose among the eligible operators. The choice is re-checked under
the operator's lock (still online, still below capacity) before the appeal is assigned
(``set_assignee`` with ``expect=None``: never two assignees) or offered for the queue's
timeout. ``drain()`` routes waiting appeals in priority and age order when capacity frees.

Lock order everywhere: the appeal row first, then the operator.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection
from datetime import UTC, datetime

from unionline.appeals import actions, clock, store
from unionline.appeals.statuses import ACTIVE, ACTIVE_SQL
from unionline.appeals.store import AppealRow
from unionline.errors import NotFound
from unionline.routing import candidates, offers, queues, waits
from unionline.routing.events import QueueChanged
from unionline.routing.queues import QueueRow
from unionline.rows import IdRow
from unionline.runtime import current, enqueue, publish
from unionline.spi import RoutingCandidate, RoutingRequest

log = logging.getLogger("unionline.routing")
OVERFLOW_JOB = "routing.overflow"
PRIORITY_RANK = (
    "CASE a.priority WHEN 'urgent' THEN 3 WHEN 'high' THEN 2 WHEN 'normal' THEN 1 ELSE 0 END"
)


def now() -> float:
    """Routing's clock: the appeals clock (replaceable in tests) as unix time."""
    return clock.now().timestamp()


def moment(at: float) -> datetime:
    return datetime.fromtimestamp(at, UTC)


def routable(row: AppealRow) -> bool:
    return row.assignee_id is None and row.status in ACTIVE and not row.merged_into_id


# -- one appeal -----------------------------------------------------------------------------


async def route(
    appeal_id: uuid.UUID, *, at: float | None = None, avoid: Collection[uuid.UUID] = ()
) -> str:
    """Route one appeal; returns what happened (``assigned``, ``offered``, ``waiting``, ...)."""
    async with current().db.transaction():
        try:
            row = await store.load(appeal_id, lock=True)
        except NotFound:
            return "gone"
        return await route_locked(row, now() if at is None else at, avoid)


async def route_locked(row: AppealRow, at: float, avoid: Collection[uuid.UUID] = ()) -> str:
    """:func:`route` for an appeal the caller has locked, inside its transaction."""
    if not routable(row):
        return "not_routable"
    queue = await queues.queue_for(row)
    if queue is None:
        return "no_queue"
    if row.queue_id != queue.id:
        row = await move(row, queue, "default", at)
    await _enter(row, queue, at)
    if await offers.pending(row.id) is not None:
        return "offer_pending"
    if not await queue.open_at(moment(at)):
        return "closed"
    return await choose(row, queue, at, avoid)


async def _enter(row: AppealRow, queue: QueueRow, at: float) -> None:
    entry, new = await waits.enter(row, queue.id, at)
    if new and queue.overflow_queue_id is not None and queue.overflow_after_minutes > 0:
        from unionline.routing.jobs import EntryRef

        await enqueue(
            OVERFLOW_JOB,
            EntryRef(entry.id),
            key=f"{OVERFLOW_JOB}:{entry.id}",
            delay=queue.overflow_after_minutes * 60,
        )


async def move(row: AppealRow, queue: QueueRow, reason: str, at: float) -> AppealRow:
    """Put the appeal in ``queue`` (its wait in the old one ends)."""
    old = row.queue_id
    updated = await store.update(row.id, {"queue_id": queue.id, "updated_at": clock.now()})
    assert updated is not None
    await waits.leave(row.id, at)
    await publish(
        QueueChanged(
            organization_id=row.organization_id,
            appeal_id=row.id,
            old_queue_id=old,
            queue_id=queue.id,
            reason=reason,
        )
    )
    return updated


async def choose(
    row: AppealRow, queue: QueueRow, at: float, avoid: Collection[uuid.UUID] = ()
) -> str:
    """Ask the strategies, then assign or offer to the operator they chose."""
    round_, tried = (await offers.tried(row.id)) if queue.offer_timeout else (1, set())
    pool = await candidates.eligible(queue, row, {*tried, *avoid})
    if not pool and tried:  # everyone free has had it this round: start the next one
        pool = await candidates.eligible(queue, row, avoid)
        round_ += 1
    while pool:
        decision = await current().hooks.route_appeal(_request(row, queue, pool))
        if decision is None:
            log.warning("no routing strategy answers for %r (queue %s)", queue.strategy, queue.id)
            return "waiting"
        if decision.pool or decision.operator_id is None:
            return "pool"
        chosen = next((c for c in pool if c.operator_id == decision.operator_id), None)
        if chosen is None:
            log.warning(
                "strategy %r chose a non-candidate %s", queue.strategy, decision.operator_id
            )
            return "waiting"
        await candidates.lock(chosen.operator_id)
        if not await candidates.available(chosen.operator_id):
            pool.remove(chosen)  # went offline or filled up since the candidates were read
            continue
        if queue.offer_timeout:
            await offers.make(row, queue, chosen.operator_id, round_, at)
            return "offered"
        await assign(row, chosen.operator_id, at)
        return "assigned"
    return "waiting"


def _request(row: AppealRow, queue: QueueRow, pool: list[RoutingCandidate]) -> RoutingRequest:
    return RoutingRequest(
        appeal_id=row.id,
        organization_id=row.organization_id,
        queue_id=queue.id,
        strategy=queue.strategy,
        required_skills=tuple(queue.skills),
        member_id=row.member_id,
        candidates=tuple(pool),
    )


async def assign(
    row: AppealRow, operator_id: uuid.UUID, at: float, author_id: uuid.UUID | None = None
) -> AppealRow:
    """Assign through the appeals service (atomic: only if still unassigned)."""
    updated = await actions.set_assignee(row, operator_id, author_id, expect=None)
    await assigned(row.id, operator_id, at)
    return updated


async def assigned(appeal_id: uuid.UUID, operator_id: uuid.UUID, at: float) -> None:
    """Bookkeeping once an operator has the appeal: the wait ends, offers settle."""
    await current().db.execute(
        "UPDATE routing_presence SET last_assigned_at = {} WHERE operator_id = {}",
        at,
        operator_id,
    )
    await waits.leave(appeal_id, at, operator_id)
    await offers.settle_for(appeal_id, operator_id, at)


# -- waiting appeals ------------------------------------------------------------------------


async def waiting(limit: int, after: int = 0) -> list[uuid.UUID]:
    """Unassigned active appeals a queue takes (and no offer holds), most urgent first."""
    rows = await current().db.fetch_as(
        IdRow,
        "SELECT a.id FROM appeal_appeal a LEFT JOIN routing_queue q ON q.id = a.queue_id"
        f" WHERE a.assignee_id IS NULL AND a.status IN {ACTIVE_SQL}"
        " AND a.merged_into_id IS NULL AND (q.strategy IS NULL OR q.strategy != 'pool')"
        " AND NOT EXISTS (SELECT 1 FROM routing_offer o"
        "  WHERE o.appeal_id = a.id AND o.state = 'pending')"
        " AND (a.queue_id IS NOT NULL OR EXISTS (SELECT 1 FROM routing_queue d"
        "  JOIN organization_organization g ON g.id = a.organization_id"
        "  WHERE d.is_default = {}"
        "  AND g.path LIKE '%/' || CAST(d.organization_id AS TEXT) || '/%'))"
        f" ORDER BY COALESCE(q.priority, 0) DESC, {PRIORITY_RANK} DESC, a.created_at, a.id"
        " LIMIT {} OFFSET {}",
        True,
        limit,
        after,
    )
    return [r.id for r in rows]


async def drain(*, at: float | None = None, limit: int | None = None) -> dict[str, int]:
    """Route waiting appeals in order while some online operator has room."""
    from unionline.routing.config import routing_settings

    limit = limit or routing_settings().drain_batch
    outcomes: dict[str, int] = {}
    if not await candidates.anyone_free():
        return outcomes
    for n, appeal_id in enumerate(await waiting(limit)):
        if n and not await candidates.anyone_free():
            break
        outcome = await route(appeal_id, at=at)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
