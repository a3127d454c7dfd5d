"""Ephemeral console signals about an appeal, for plugins (``unionline.signal_appeal``).

A signal is the console's "someone is typing" kind of notice: it goes over the realtime bus to
every process, and each console that may see the appeal's organization gets it; it is not
stored and not replayed, so a console that is not connected simply never sees it.
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from unionline.appeals.lookup import appeal_brief
from unionline.console.hub import SIGNALS_CHANNEL, SignalMessage, hub_of
from unionline.operators import directory
from unionline.runtime import current

# The console's own signals; a plugin naming one would be shown as an operator's.
RESERVED = frozenset({"typing", "viewing", "presence"})


async def signal_appeal(appeal_id: uuid.UUID, signal: str, data: dict[str, Any]) -> bool:
    """Send the consoles that may see the appeal the signal ``signal`` with ``data`` (plus
    ``appeal_id``); False when the appeal does not exist."""
    if signal in RESERVED:
        raise ValueError(f"{signal!r} is a signal of the console itself: choose another name")
    appeal = await appeal_brief(appeal_id)
    if appeal is None:
        return False
    message = SignalMessage(
        signal=signal,
        organization_id=appeal.organization_id,
        data={**data, "appeal_id": str(appeal_id)},
    )
    current().state["channels"].publish(msgspec.json.encode(message), SIGNALS_CHANNEL)
    return True


async def announce_presence(operator_id: uuid.UUID, status: str) -> None:
    """Tell the consoles of the operator's organizations that their status changed (a
    ``presence`` signal). Routing calls it after commit (``routing.presence.on_presence``)."""
    state = current().state
    if "channels" not in state:  # a worker process: no console here
        return
    organizations = {g.organization_id for g in await directory.grants_of(operator_id)}
    hub = hub_of(state)
    for org in sorted(organizations, key=str):
        hub.publish_signal(
            SignalMessage(
                signal="presence",
                organization_id=org,
                data={"operator_id": str(operator_id), "status": status},
            )
        )
