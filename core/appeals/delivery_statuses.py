"""The delivery statuses of a reply, written once, with the one order reports follow.

A reply is ``queued`` until its channel's ``send()`` settles it: ``sent`` (the provider took
it), ``unknown`` (no answer, never resent), or ``failed``; receipts may move it on to
``delivered`` and ``read``. Reports come late, twice and out of order (a "delivered" after its
"read"), so a status only ever moves forward: :func:`advances` is the rule, for the channel
SDK's delivery rows and the appeal's timeline entry alike.
"""

from __future__ import annotations

from typing import Literal, get_args

DeliveryStatus = Literal["queued", "sent", "unknown", "delivered", "read", "failed"]
DELIVERY_STATUSES: tuple[DeliveryStatus, ...] = get_args(DeliveryStatus)
# How far a message got; failed is outside the order (see advances).
RANK: dict[str, int] = {"queued": 0, "sent": 1, "unknown": 1, "delivered": 2, "read": 3}
# A message fails only before anyone confirmed it arrived; nothing moves on from failed.
FAILS_FROM: tuple[DeliveryStatus, ...] = ("queued", "sent", "unknown")
LABELS: dict[str, dict[DeliveryStatus, str]] = {
    "ru": {
        "queued": "В очереди",
        "sent": "Отправлено",
        "unknown": "Статус неизвестен",
        "delivered": "Доставлено",
        "read": "Прочитано",
        "failed": "Не доставлено",
    },
    "en": {
        "queued": "Queued",
        "sent": "Sent",
        "unknown": "Status unknown",
        "delivered": "Delivered",
        "read": "Read",
        "failed": "Failed",
    },
}


def advances(old: str | None, new: str) -> bool:
    """Whether a report of ``new`` moves a message that is ``old`` (None: just queued)."""
    old = old or "queued"
    if new == "failed":
        return old in FAILS_FROM
    return new in RANK and RANK[new] > RANK.get(old, len(RANK))
