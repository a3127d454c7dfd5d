"""The routing API the console, REST routes, robots and plugins call.

Stable entry points: :func:`transfer_to_queue` (the console's ``transfer`` to a queue),
:func:`claim` (within capacity), :func:`accept_offer`, :func:`decline_offer`,
:func:`my_offers`, :func:`get_presence`, :func:`list_presence`, :func:`set_presence`,
:func:`stats`, :func:`route` (route one appeal now) and the queue functions re-exported from
:mod:`.queues`. ``actor=None`` is the system itself (robots): no permission checks.
"""

from __future__ import annotations

import uuid

import msgspec

from unionline.access import Actor, Scope, scope_for
from unionline.errors import NotFound
from unionline.routing import engine, flows, presence
from unionline.routing.offers import OfferRow
from unionline.routing.queues import MANAGE, READ, list_queues
from unionline.routing.queues import create as create_queue
from unionline.routing.queues import delete as delete_queue
from unionline.routing.queues import get as get_queue
from unionline.routing.queues import update as update_queue
from unionline.routing.schemas import OfferView, PresenceSet, PresenceView, Status
from unionline.routing.stats import stats
from unionline.runtime import current

__all__ = [
    "accept_offer",
    "claim",
    "create_queue",
    "decline_offer",
    "delete_queue",
    "get_presence",
    "get_queue",
    "list_presence",
    "list_queues",
    "my_offers",
    "route",
    "set_presence",
    "stats",
    "transfer_to_queue",
    "update_queue",
]

transfer_to_queue = flows.transfer_to_queue
claim = flows.claim
accept_offer = flows.accept_offer


async def decline_offer(actor: Actor, offer_id: uuid.UUID) -> OfferView:
    await flows.decline_offer(actor, offer_id)
    offer = await flows.offers.get(offer_id)
    assert offer is not None
    return _offer_view(offer)


async def my_offers(actor: Actor) -> list[OfferView]:
    return [_offer_view(o) for o in await flows.my_offers(actor)]


def _offer_view(row: OfferRow) -> OfferView:
    return OfferView(**{k: getattr(row, k) for k in OfferView.__struct_fields__})


async def route(appeal_id: uuid.UUID) -> str:
    """Route one appeal now (what the ``routing.route`` job does)."""
    return await engine.route(appeal_id)


# -- presence -------------------------------------------------------------------------------


async def _check_operator(actor: Actor, operator_id: uuid.UUID, permission: str) -> None:
    """NotFound unless the operator holds a role inside ``actor``'s scope for ``permission``
    (oneself is always visible)."""
    if operator_id == actor.operator_id:
        return
    actor.require(permission)
    scope = await scope_for(actor, permission)
    grants = await current().db.fetch_as(
        _Grant,
        "SELECT operator, organization_id FROM operator_role_grant WHERE operator = {}",
        operator_id,
    )
    if not any(_visible(scope, g) for g in grants):
        raise NotFound(f"operator {operator_id} does not exist", field="operator_id")


async def get_presence(actor: Actor, operator_id: uuid.UUID | None = None) -> PresenceView:
    target = operator_id or actor.operator_id
    await _check_operator(actor, target, READ)
    views = await _views([target])
    if not views:
        raise NotFound(f"operator {target} does not exist", field="operator_id")
    return views[0]


async def list_presence(actor: Actor) -> list[PresenceView]:
    """Operators holding a role inside the caller's scope (``routing.read``)."""
    actor.require(READ)
    scope = await scope_for(actor, READ)
    rows = await current().db.fetch_as(
        _Grant, "SELECT operator, organization_id FROM operator_role_grant"
    )
    return await _views(sorted({g.operator for g in rows if _visible(scope, g)}))


class _Grant(msgspec.Struct):
    operator: uuid.UUID
    organization_id: uuid.UUID | None  # None: federation-wide


def _visible(scope: Scope, grant: _Grant) -> bool:
    return scope.everything or (
        grant.organization_id is not None and scope.allows(grant.organization_id)
    )


async def set_presence(
    actor: Actor, data: PresenceSet, operator_id: uuid.UUID | None = None
) -> PresenceView:
    """Choose online or away (oneself, or as a supervisor with ``routing.manage``); report
    idleness (the console's auto-away)."""
    target = operator_id or actor.operator_id
    await _check_operator(actor, target, MANAGE)
    async with current().db.transaction():
        await presence.apply(target, engine.now(), chosen=data.status, idle=data.idle)
    return await get_presence(actor, target)


async def _views(ids: list[uuid.UUID]) -> list[PresenceView]:
    if not ids:
        return []
    db = current().db
    marks = ", ".join("{}" for _ in ids)
    rows = await db.fetch_as(
        _Presence,
        "SELECT o.id, o.name, p.status, p.chosen, p.idle, p.changed_at FROM operator_operator o"
        f" LEFT JOIN routing_presence p ON p.operator_id = o.id WHERE o.id IN ({marks})"
        " ORDER BY o.name, o.id",
        *ids,
    )
    at = engine.now()
    views = []
    for row in rows:
        views.append(
            PresenceView(
                operator_id=row.id,
                name=row.name,
                status=row.status or "offline",
                chosen=row.chosen or "online",
                idle=bool(row.idle),
                connections=await presence.live_connections(row.id, at),
                changed_at=row.changed_at or 0.0,
            )
        )
    return views


class _Presence(msgspec.Struct):
    """An operator and their presence row (NULLs: no row yet, never connected)."""

    id: uuid.UUID
    name: str
    status: Status | None
    chosen: str | None
    idle: bool | None
    changed_at: float | None
