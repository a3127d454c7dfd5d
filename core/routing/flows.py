"""What operators and timers do to routed appeals: transfer to a queue, claim within
capacity, accept or decline an offer, offers expiring, overflow, an operator leaving.

Each flow is one transaction that locks the appeal first (then the operator), like the engine.
"""

from __future__ import annotations

import uuid

import msgspec

from unionline.access import Actor
from unionline.appeals import actions, guard, store
from unionline.appeals.schemas import AppealView
from unionline.appeals.statuses import ACTIVE
from unionline.appeals.store import AppealRow
from unionline.errors import Conflict, Forbidden, Invalid, NotFound
from unionline.routing import candidates, engine, offers, presence, queues, waits
from unionline.rows import IdRow
from unionline.runtime import current


async def transfer_to_queue(
    actor: Actor | None, appeal_id: uuid.UUID, queue_id: uuid.UUID
) -> AppealView:
    """Put the appeal (unassigned) in ``queue_id`` and route it there, to someone else first."""
    at = engine.now()
    async with current().db.transaction():
        row = await store.load(appeal_id, lock=True, field="appeal_id")
        await guard.authorize(actor, guard.MANAGE, row, field="appeal_id")
        actions.writable(row)
        queue = await _queue_for_appeal(actor, queue_id, row)
        holder = row.assignee_id
        if holder is not None:
            await _may_hand_on(actor, row)
            row = await actions.set_assignee(row, None, actions.author(actor), expect=holder)
        await offers.settle_for(row.id, None, at)
        if row.queue_id != queue.id:
            row = await engine.move(row, queue, "transfer", at)
        await engine.route_locked(row, at, avoid={holder} if holder else ())
        row = await store.load(appeal_id)
    return store.view(row)


async def _queue_for_appeal(
    actor: Actor | None, queue_id: uuid.UUID, row: AppealRow
) -> queues.QueueRow:
    return await queue_for(actor, queue_id, row.organization_id)


class AppealQueues:
    """The appeals package's queue port: a hand-opened appeal's queue, checked as a
    transfer's (installed by the routing plugin's ``runtime_started``)."""

    async def check(
        self, actor: Actor | None, queue_id: uuid.UUID, organization_id: uuid.UUID
    ) -> None:
        await queue_for(actor, queue_id, organization_id)


async def queue_for(
    actor: Actor | None, queue_id: uuid.UUID, organization_id: uuid.UUID
) -> queues.QueueRow:
    """The queue an appeal of ``organization_id`` may go to: one ``actor`` sees (another
    organization's is answered as one that does not exist), of that organization or above."""
    queue = await queues.load(queue_id)
    if queue is None or (
        actor is not None and not await guard.allows(actor, guard.READ, queue.organization_id)
    ):
        raise NotFound(f"queue {queue_id} does not exist", field="queue_id")
    if queue.organization_id not in await queues.org_path(organization_id):
        raise Invalid(
            "the queue belongs to an organization that does not take this appeal",
            field="queue_id",
        )
    return queue


async def _may_hand_on(actor: Actor | None, row: AppealRow) -> None:
    if actor is None or row.assignee_id == actor.operator_id:
        return
    if not await guard.allows(actor, guard.ASSIGN, row.organization_id):
        raise Forbidden(
            "the appeal is assigned to another operator",
            field="appeal_id",
            extra={"permission": guard.ASSIGN},
        )


async def claim(actor: Actor, appeal_id: uuid.UUID) -> AppealView:
    """Take an unassigned appeal, within one's capacity (409 ``at capacity`` otherwise);
    of two concurrent claims one gets a 409."""
    at = engine.now()
    async with current().db.transaction():
        row = await store.load(appeal_id, lock=True, field="appeal_id")
        await guard.authorize(actor, guard.MANAGE, row, field="appeal_id")
        actions.writable(row)
        if row.assignee_id == actor.operator_id:
            return store.view(row)
        await candidates.lock(actor.operator_id)
        offer = await offers.pending(appeal_id)
        mine = 1 if offer is not None and offer.operator_id == actor.operator_id else 0
        if not await candidates.has_room(actor.operator_id, reserved=mine):
            raise Conflict(
                "you already have as many open appeals as your capacity allows",
                field="appeal_id",
                extra={"reason": "at_capacity"},
            )
        row = await actions.set_assignee(row, actor.operator_id, actor.operator_id, expect=None)
        await engine.assigned(appeal_id, actor.operator_id, at)
    return store.view(row)


async def accept_offer(actor: Actor, offer_id: uuid.UUID) -> AppealView:
    """Take the appeal offered to you (while the offer is pending)."""
    at = engine.now()
    async with current().db.transaction():
        offer = await _my_offer(actor, offer_id)
        row = await store.load(offer.appeal_id, lock=True)
        offer = await _my_offer(actor, offer_id)  # again, now that the appeal is held
        if offer.state != "pending":
            raise Conflict(
                f"the offer is {offer.state}", field="offer_id", extra={"state": offer.state}
            )
        await guard.authorize(actor, guard.MANAGE, row, field="offer_id")
        actions.writable(row)
        row = await actions.set_assignee(row, actor.operator_id, actor.operator_id, expect=None)
        await engine.assigned(row.id, actor.operator_id, at)
    return store.view(row)


async def decline_offer(actor: Actor, offer_id: uuid.UUID) -> str:
    """Turn an offer down: the appeal goes to the next operator at once."""
    at = engine.now()
    async with current().db.transaction():
        offer = await _my_offer(actor, offer_id)
        row = await store.load(offer.appeal_id, lock=True)
        offer = await _my_offer(actor, offer_id)
        if not await offers.close(offer, "declined", at):
            raise Conflict(
                f"the offer is {offer.state}", field="offer_id", extra={"state": offer.state}
            )
        return await engine.route_locked(row, at)


async def _my_offer(actor: Actor, offer_id: uuid.UUID) -> offers.OfferRow:
    offer = await offers.get(offer_id)
    if offer is None or offer.operator_id != actor.operator_id:
        raise NotFound(f"offer {offer_id} does not exist", field="offer_id")
    return offer


async def my_offers(actor: Actor) -> list[offers.OfferRow]:
    return await offers.of_operator(actor.operator_id)


# -- timers ---------------------------------------------------------------------------------


async def expire_offer(offer_id: uuid.UUID, at: float) -> tuple[str, float]:
    """End an offer whose time is up and route the appeal on; ("not_due", seconds left)."""
    async with current().db.transaction():
        offer = await offers.get(offer_id)
        if offer is None or offer.state != "pending":
            return "stale", 0.0
        row = await store.load(offer.appeal_id, lock=True)
        if at < offer.expires_at:
            return "not_due", offer.expires_at - at
        if not await offers.close(offer, "expired", at):
            return "stale", 0.0
        return await engine.route_locked(row, at), 0.0


async def overflow(entry_id: int, at: float) -> tuple[str, float]:
    """Move an appeal that waited too long into the overflow queue; ("not_due", seconds left)."""
    db = current().db
    async with db.transaction():
        entry = await waits.entry(entry_id)
        if entry is None or entry.left_at is not None:
            return "stale", 0.0
        row = await store.load(entry.appeal_id, lock=True)
        queue = await queues.load(entry.queue_id)
        if not engine.routable(row) or queue is None or row.queue_id != queue.id:
            return "stale", 0.0
        target = await queues.load(queue.overflow_queue_id)
        if target is None or queue.overflow_after_minutes <= 0:
            return "stale", 0.0
        due = entry.queued_at + queue.overflow_after_minutes * 60
        if at < due:
            return "not_due", due - at
        await offers.settle_for(row.id, None, at)
        row = await engine.move(row, target, "overflow", at)
        return await engine.route_locked(row, at), 0.0


async def due_overflows(at: float) -> list[int]:
    """Open queue entries past their queue's overflow time (for the sweep)."""
    rows = await current().db.fetch_as(
        _Overflow,
        "SELECT e.id, e.queued_at, q.overflow_after_minutes FROM routing_queue_entry e"
        " JOIN routing_queue q ON q.id = e.queue_id WHERE e.left_at IS NULL"
        " AND q.overflow_queue_id IS NOT NULL AND q.overflow_after_minutes > 0",
    )
    return [r.id for r in rows if r.queued_at + r.overflow_after_minutes * 60 <= at]


class _Overflow(msgspec.Struct):
    id: int
    queued_at: float
    overflow_after_minutes: int


async def expired_offers(at: float) -> list[uuid.UUID]:
    rows = await current().db.fetch_as(
        IdRow, "SELECT id FROM routing_offer WHERE state = 'pending' AND expires_at <= {}", at
    )
    return [r.id for r in rows]


async def operator_left(operator_id: uuid.UUID, at: float) -> int:
    """The operator is no longer online: their pending offers go to someone else; gone offline,
    they also hand back what :func:`hand_back` covers. Answers how many appeals moved."""
    moved = 0
    for offer in await offers.of_operator(operator_id):
        async with current().db.transaction():
            row = await store.load(offer.appeal_id, lock=True)
            if await offers.close(offer, "cancelled", at):
                await engine.route_locked(row, at)
                moved += 1
    return moved + await hand_back(operator_id)


async def hand_back(operator_id: uuid.UUID) -> int:
    """An offline operator's appeals not yet answered (also one a plugin holds back as gone),
    in queues with ``requeue_when_offline``, are unassigned (reason ``offline``) and so routed to
    someone else first. Nothing moves once the operator is back."""
    db = current().db
    rows = await db.fetch_as(
        IdRow,
        "SELECT a.id FROM appeal_appeal a JOIN routing_queue q ON q.id = a.queue_id"
        " WHERE a.assignee_id = {} AND a.status IN ('new', 'open')"
        " AND a.first_responded_at IS NULL AND a.merged_into_id IS NULL"
        " AND q.requeue_when_offline = {} ORDER BY a.created_at",
        operator_id,
        True,
    )
    handed = 0
    for found in rows:
        async with db.transaction():
            row = await store.load(found.id, lock=True)
            if row.assignee_id != operator_id or row.first_responded_at is not None:
                continue  # answered or moved meanwhile
            await candidates.lock(operator_id)  # lock order: the appeal, then the operator
            known = await presence.row_of(operator_id)
            if known is not None and known.status != "offline" and not await _gone(operator_id):
                return handed  # back again
            await actions.set_assignee(row, None, None, expect=operator_id, reason="offline")
            handed += 1
    return handed


async def _gone(operator_id: uuid.UUID) -> bool:
    """A plugin holds the operator back as gone for the day (``RoutingHold.gone``)."""
    hold = (await candidates.holds([operator_id])).get(operator_id)
    return hold is not None and hold.gone


async def settle(appeal_id: uuid.UUID, at: float) -> None:
    """After a change made elsewhere (a claim, a resolve): end the appeal's wait and offer
    when it no longer waits for routing."""
    async with current().db.transaction():
        try:
            row = await store.load(appeal_id, lock=True)
        except NotFound:
            return
        if engine.routable(row):
            return
        if row.assignee_id is not None and row.status in ACTIVE:
            await engine.assigned(row.id, row.assignee_id, at)
        else:
            await waits.leave(row.id, at)
            await offers.settle_for(row.id, None, at)
