"""Routing's jobs and its event listener: the engine reacts to appeal events durably.

Events reach ``on_event`` after commit, in the process that committed; the listener only
enqueues idempotent jobs keyed by the event id, so a redelivered event adds nothing. A
crash between commit and enqueue loses no appeal: the periodic sweep routes every unassigned
routable appeal, expires offers, moves due overflows and forgets dead sockets.
"""

from __future__ import annotations

import logging
import uuid

import msgspec

from unionline.appeals.events import AppealCreated, Assigned, MessageIn, StatusChanged
from unionline.appeals.statuses import DONE
from unionline.errors import NotReady
from unionline.events import Event
from unionline.jobs import JobContext
from unionline.jobs.periodic import PeriodicJob
from unionline.registry import JobsRegistrar
from unionline.routing import engine, flows, presence
from unionline.routing.config import routing_settings
from unionline.routing.offers import EXPIRE_JOB, OfferRef
from unionline.runtime import enqueue

log = logging.getLogger("unionline.routing")
ROUTE_JOB = "routing.route"
DRAIN_JOB = presence.DRAIN_JOB
SETTLE_JOB = "routing.settle"


class RouteAppeal(msgspec.Struct, frozen=True):
    appeal_id: uuid.UUID
    avoid: list[uuid.UUID] = msgspec.field(default_factory=list)  # its previous operator


class AppealRef(msgspec.Struct, frozen=True):
    appeal_id: uuid.UUID


class EntryRef(msgspec.Struct, frozen=True):
    entry_id: int


# -- job functions --------------------------------------------------------------------------


async def route_job(ctx: JobContext, payload: RouteAppeal) -> None:
    await engine.route(payload.appeal_id, avoid=payload.avoid)


async def drain_job(ctx: JobContext, payload: None) -> None:
    await engine.drain()


async def settle_job(ctx: JobContext, payload: AppealRef) -> None:
    await flows.settle(payload.appeal_id, engine.now())


async def offer_expired_job(ctx: JobContext, payload: OfferRef) -> None:
    outcome, left = await flows.expire_offer(payload.offer_id, engine.now())
    if outcome == "not_due":
        raise NotReady("the offer has not expired yet", retry_after=left)


async def overflow_job(ctx: JobContext, payload: EntryRef) -> None:
    outcome, left = await flows.overflow(payload.entry_id, engine.now())
    if outcome == "not_due":
        raise NotReady("the appeal has not waited long enough yet", retry_after=left)


async def presence_check_job(ctx: JobContext, payload: presence.OperatorRef) -> None:
    await presence.check(payload.operator_id)


async def operator_left_job(ctx: JobContext, payload: presence.OperatorRef) -> None:
    await flows.operator_left(payload.operator_id, engine.now())


def register(register: JobsRegistrar) -> None:
    register(ROUTE_JOB, route_job, payload=RouteAppeal)
    register(DRAIN_JOB, drain_job)
    register(SETTLE_JOB, settle_job, payload=AppealRef)
    register(EXPIRE_JOB, offer_expired_job, payload=OfferRef, max_attempts=20)
    register(engine.OVERFLOW_JOB, overflow_job, payload=EntryRef, max_attempts=20)
    register(presence.CHECK_JOB, presence_check_job, payload=presence.OperatorRef)
    register(presence.LEFT_JOB, operator_left_job, payload=presence.OperatorRef)
    SWEEP.register(register)


# -- the sweep ------------------------------------------------------------------------------


async def sweep(at: float | None = None) -> dict[str, int]:
    """Catch up on everything time or a lost listener left undone; each step on its own."""
    at = engine.now() if at is None else at
    done: dict[str, int] = {}
    steps = (
        ("stale_presence", lambda: presence.expire_stale(at)),
        ("expired_offers", lambda: _expire_offers(at)),
        ("overflows", lambda: _overflows(at)),
        ("drained", lambda: _drain(at)),
    )
    for name, step in steps:
        try:
            done[name] = await step()
        except Exception:
            log.exception("routing sweep: %s failed", name)
    return done


async def _expire_offers(at: float) -> int:
    expired = await flows.expired_offers(at)
    for offer_id in expired:
        await flows.expire_offer(offer_id, at)
    return len(expired)


async def _overflows(at: float) -> int:
    moved = 0
    for entry_id in await flows.due_overflows(at):
        outcome, _ = await flows.overflow(entry_id, at)
        moved += outcome not in ("stale", "not_due")
    return moved


async def _drain(at: float) -> int:
    return (await engine.drain(at=at)).get("assigned", 0)


# One sweep per ``sweep_seconds`` slot, whichever processes schedule it.
SWEEP = PeriodicJob("routing.sweep", sweep, every=lambda: routing_settings().sweep_seconds)


# -- reacting to events ---------------------------------------------------------------------


async def on_event(event: Event) -> None:
    """Enqueue what the event calls for (keys make a redelivered event harmless)."""
    key = f"e{event.id}"
    if isinstance(event, AppealCreated) or (
        isinstance(event, MessageIn) and event.appeal.assignee_id is None
    ):
        await _route(event.appeal_id, key)
    elif isinstance(event, StatusChanged):
        await _status_changed(event, key)
    elif isinstance(event, Assigned):
        await _assigned(event, key)


async def _route(appeal_id: uuid.UUID, key: str, avoid: list[uuid.UUID] | None = None) -> None:
    await enqueue(ROUTE_JOB, RouteAppeal(appeal_id, avoid or []), key=f"{ROUTE_JOB}:{key}")


async def _status_changed(event: StatusChanged, key: str) -> None:
    if event.new in DONE:
        await enqueue(SETTLE_JOB, AppealRef(event.appeal_id), key=f"{SETTLE_JOB}:{key}")
        if event.appeal.assignee_id is not None:  # a place freed up
            await enqueue(DRAIN_JOB, None, key=f"{DRAIN_JOB}:{key}")
    elif event.appeal.assignee_id is None and event.old in DONE:
        await _route(event.appeal_id, key)  # reopened without an operator


async def _assigned(event: Assigned, key: str) -> None:
    if event.assignee_id is not None:
        await enqueue(SETTLE_JOB, AppealRef(event.appeal_id), key=f"{SETTLE_JOB}:{key}")
    else:  # released: back to routing, to someone else first
        avoid = [event.old_assignee_id] if event.old_assignee_id else []
        await _route(event.appeal_id, key, avoid)
    if event.old_assignee_id is not None:
        await enqueue(DRAIN_JOB, None, key=f"{DRAIN_JOB}:{key}")
