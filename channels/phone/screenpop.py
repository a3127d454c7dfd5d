"""Screen pop: the console of the operator whose extension rings shows who calls, before they
answer — the member's card and open appeals, or «Создать карточку» for an unknown number.

Sent after the call's events are committed, as the console signal ``phone.call`` to the consoles
that may see the appeal; each console shows it only to the operator it names (``operator_id``),
and closes it when the call is answered or ends (the same signal with the new ``state``).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import msgspec

from unionline import signal_appeal

log = logging.getLogger("unionline.channels.phone")
SIGNAL = "phone.call"


class Pop(msgspec.Struct, frozen=True, kw_only=True):
    appeal_id: uuid.UUID
    operator_id: str
    data: dict[str, Any]


def pops_for(
    appeal_id: uuid.UUID | None,
    member_id: uuid.UUID | None,
    call: dict[str, Any],
    operators: dict[str, str],
    rang: list[str],
) -> list[Pop]:
    """One pop per operator whose extension rang for an incoming call."""
    if appeal_id is None or call["direction"] != "in":
        return []
    data = {
        "call": call["id"],
        "state": call["state"],
        "number": call["number"],
        "line": call["line"],
        "member_id": str(member_id) if member_id else None,
        "answered_by": call["operator_id"] if call["state"] != "ringing" else None,
    }
    return [
        Pop(appeal_id=appeal_id, operator_id=who, data={**data, "operator_id": who})
        for who in (operators[ext] for ext in rang if ext in operators)
    ]


async def send(pops: list[Pop]) -> None:
    for pop in pops:
        try:
            await signal_appeal(pop.appeal_id, SIGNAL, pop.data)
        except Exception:  # a console notice must never fail a provider's webhook
            log.exception("screen pop for appeal %s not sent", pop.appeal_id)
