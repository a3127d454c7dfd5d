"""Offers: an appeal proposed to one operator until a timeout; rows, events and expiry jobs.

Each operator is offered an appeal once per *round*; when every candidate has had it, a new
round begins. The flows that accept, decline or expire offers live in the engine.
"""

from __future__ import annotations

import uuid

import msgspec

from unionline.appeals import store
from unionline.appeals.store import AppealRow
from unionline.routing.events import OfferClosed, Offered
from unionline.routing.queues import QueueRow
from unionline.runtime import current, enqueue, publish

EXPIRE_JOB = "routing.offer_expired"
DRAIN_JOB = "routing.drain"


class OfferRef(msgspec.Struct, frozen=True):
    offer_id: uuid.UUID


class OfferRow(msgspec.Struct, frozen=True, kw_only=True):
    """One row of ``routing_offer``."""

    id: uuid.UUID
    appeal_id: uuid.UUID
    operator_id: uuid.UUID
    queue_id: uuid.UUID | None
    round: int
    state: str
    offered_at: float
    expires_at: float
    closed_at: float | None


async def pending(appeal_id: uuid.UUID) -> OfferRow | None:
    return await current().db.fetch_one_as(
        OfferRow,
        "SELECT * FROM routing_offer WHERE appeal_id = {} AND state = 'pending'"
        " ORDER BY offered_at DESC LIMIT 1",
        appeal_id,
    )


async def get(offer_id: uuid.UUID) -> OfferRow | None:
    return await current().db.fetch_one_as(
        OfferRow, "SELECT * FROM routing_offer WHERE id = {}", offer_id
    )


async def of_operator(operator_id: uuid.UUID) -> list[OfferRow]:
    return await current().db.fetch_as(
        OfferRow,
        "SELECT * FROM routing_offer WHERE operator_id = {} AND state = 'pending'"
        " ORDER BY offered_at",
        operator_id,
    )


class _Round(msgspec.Struct):
    operator_id: uuid.UUID
    round: int


async def tried(appeal_id: uuid.UUID) -> tuple[int, set[uuid.UUID]]:
    """The current round of offers for the appeal, and who has had it in that round."""
    rows = await current().db.fetch_as(
        _Round, "SELECT operator_id, round FROM routing_offer WHERE appeal_id = {}", appeal_id
    )
    if not rows:
        return 1, set()
    latest = max(r.round for r in rows)
    return latest, {r.operator_id for r in rows if r.round == latest}


async def make(
    appeal: AppealRow, queue: QueueRow, operator_id: uuid.UUID, round_: int, now: float
) -> OfferRow:
    """Offer the appeal; an expiry job fires at the timeout (idempotent: keyed by offer)."""
    offer_id = uuid.uuid4()
    expires = now + queue.offer_timeout
    await current().db.execute(
        "INSERT INTO routing_offer (id, appeal_id, operator_id, queue_id, round, state,"
        " offered_at, expires_at) VALUES ({}, {}, {}, {}, {}, 'pending', {}, {})",
        offer_id,
        appeal.id,
        operator_id,
        queue.id,
        round_,
        now,
        expires,
    )
    await publish(
        Offered(
            organization_id=appeal.organization_id,
            appeal_id=appeal.id,
            offer_id=offer_id,
            operator_id=operator_id,
            queue_id=queue.id,
            expires_at=expires,
        )
    )
    await enqueue(
        EXPIRE_JOB, OfferRef(offer_id), key=f"{EXPIRE_JOB}:{offer_id}", delay=queue.offer_timeout
    )
    offer = await get(offer_id)
    assert offer is not None
    return offer


async def close(offer: OfferRow, state: str, now: float) -> bool:
    """End a pending offer; False when it was no longer pending."""
    rows = await current().db.fetch(
        "UPDATE routing_offer SET state = {}, closed_at = {} WHERE id = {} AND state = 'pending'"
        " RETURNING id",
        state,
        now,
        offer.id,
    )
    if not rows:
        return False
    appeal = await store.load(offer.appeal_id)
    await publish(
        OfferClosed(
            organization_id=appeal.organization_id,
            appeal_id=offer.appeal_id,
            offer_id=offer.id,
            operator_id=offer.operator_id,
            state=state,
        )
    )
    if state != "accepted":  # the operator's held place is free again
        await enqueue(DRAIN_JOB, None, key=f"{DRAIN_JOB}:offer:{offer.id}")
    return True


async def settle_for(appeal_id: uuid.UUID, assignee_id: uuid.UUID | None, now: float) -> None:
    """The appeal got an operator or left routing: its pending offer is accepted (when that
    operator took it) or cancelled."""
    offer = await pending(appeal_id)
    if offer is not None:
        state = "accepted" if offer.operator_id == assignee_id else "cancelled"
        await close(offer, state, now)
