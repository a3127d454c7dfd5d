"""Console commands of routing — ``presence`` (online, away, idle), ``accept_offer`` and
``decline_offer`` — and the socket open/close notices that keep presence right.

A console reports its operator idle with ``{"idle": true}`` after some minutes without input
and ``{"idle": false}`` on the next keystroke (auto-away); ``{"status": "away"}`` is the
operator's own choice and lasts until they choose ``online``.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any, Literal

import msgspec

from unionline.console.commands import command

if TYPE_CHECKING:
    from unionline.console.session import ConsoleSession

log = logging.getLogger("unionline.console")


class PresenceArgs(msgspec.Struct, forbid_unknown_fields=True):
    status: Literal["online", "away"] | None = None
    idle: bool | None = None


class OfferArgs(msgspec.Struct, forbid_unknown_fields=True):
    offer_id: uuid.UUID


@command("presence", PresenceArgs)
async def presence(session: ConsoleSession, args: PresenceArgs) -> Any:
    from unionline.routing import services
    from unionline.routing.schemas import PresenceSet

    view = await services.set_presence(
        session.actor, PresenceSet(status=args.status, idle=args.idle)
    )
    return msgspec.to_builtins(view)


@command("accept_offer", OfferArgs)
async def accept_offer(session: ConsoleSession, args: OfferArgs) -> Any:
    from unionline.routing import services

    return msgspec.to_builtins(await services.accept_offer(session.actor, args.offer_id))


@command("decline_offer", OfferArgs)
async def decline_offer(session: ConsoleSession, args: OfferArgs) -> Any:
    from unionline.routing import services

    return msgspec.to_builtins(await services.decline_offer(session.actor, args.offer_id))


async def connected(session: ConsoleSession) -> None:
    """The socket is open: its operator is present (online unless they chose away)."""
    from unionline.routing import presence as routing_presence

    try:
        await routing_presence.connected(session.actor.operator_id, session.id)
    except Exception:  # presence must never keep a console from working
        log.exception("could not record the console connection")


async def disconnected(session: ConsoleSession) -> None:
    """The socket closed: offline after the grace period unless another one opens."""
    from unionline.routing import presence as routing_presence

    try:
        await routing_presence.disconnected(session.actor.operator_id, session.id)
    except Exception:
        log.exception("could not record the console disconnection")
