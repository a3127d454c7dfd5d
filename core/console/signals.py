"""Ephemeral console signals about an appeal, for plugins (``unionline.signal_appeal``).

A signal is the console's "someone is typing" kind of notice: it goes over the realtime bus to
every process, and each console that may see the appeal's organization gets it; it is not
stored and not replayed, so a console that is not connected simply never sees it.
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from unionline.console.hub import SIGNALS_CHANNEL, SignalMessage
from unionline.runtime import current

# The console's own signals; a plugin naming one would be shown as an operator's.
RESERVED = frozenset({"typing", "viewing", "presence"})


async def signal_appeal(appeal_id: uuid.UUID, signal: str, data: dict[str, Any]) -> bool:
    """Send the consoles that may see the appeal the signal ``signal`` with ``data`` (plus
    ``appeal_id``); False when the appeal does not exist."""
    if signal in RESERVED:
        raise ValueError(f"{signal!r} is a signal of the console itself: choose another name")
    row = await current().db.fetchone(
        "SELECT organization_id FROM appeal_appeal WHERE id = {}", appeal_id
    )
    if row is None:
        return False
    message = SignalMessage(
        signal=signal,
        organization_id=uuid.UUID(str(row["organization_id"])),
        data={**data, "appeal_id": str(appeal_id)},
    )
    current().state["channels"].publish(msgspec.json.encode(message), SIGNALS_CHANNEL)
    return True
