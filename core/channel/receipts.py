"""Receipts for messages sent without an appeal delivery row — a plugin's broadcast (a campaign
message sent through a channel's ``send()`` directly). :func:`report_delivery` applies a
provider's receipt (an SMS delivery status, a mail DSN or read receipt) to the reply it
belongs to; when no reply has that provider id, the listeners added with
:func:`add_receipt_listener` are asked in turn, inside the same transaction, and the first that
knows the message takes it. Without listeners such a receipt is ignored, as before.

A receipt may carry the recipient's **answer** within the message itself — the digit a member
pressed in a robot call. A listener that declares a keyword parameter ``answer`` gets it; one
written without it is called as before.
"""

from __future__ import annotations

import inspect
import uuid
from typing import Any, Protocol

from unionline.runtime import current

_KEY = "channel.receipt_listeners"


class ReceiptListener(Protocol):
    async def __call__(
        self, account_id: uuid.UUID, external_id: str, status: str, error: str
    ) -> bool:
        """Apply the receipt (``status``: delivered, read or failed) when the message with the
        provider id ``external_id``, sent from ``account_id``, is the listener's; True then
        (even when it changed nothing: a receipt comes twice or late), False otherwise.
        Optionally also ``answer: str = ""`` (keyword): the recipient's answer, e.g. the
        digit pressed in a robot call ("" when none)."""
        ...


def add_receipt_listener(name: str, listener: ReceiptListener) -> None:
    """Ask ``listener`` about receipts no reply claimed (in ``runtime_started``; adding a name
    again replaces it — the hook runs again when a runtime restarts)."""
    current().state.setdefault(_KEY, {})[name] = listener


async def broadcast_receipt(
    account_id: uuid.UUID, external_id: str, status: str, error: str = "", answer: str = ""
) -> int:
    """1 when a listener took the receipt, else 0."""
    for listener in list(current().state.get(_KEY, {}).values()):
        more = {"answer": answer} if _takes_answer(listener) else {}
        if await listener(account_id, external_id, status, error, **more):
            return 1
    return 0


def _takes_answer(listener: Any) -> bool:
    try:
        return "answer" in inspect.signature(listener).parameters
    except (TypeError, ValueError):  # a callable without a signature: called as before
        return False


__all__ = ["ReceiptListener", "add_receipt_listener", "broadcast_receipt"]
