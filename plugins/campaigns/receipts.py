"""Providers' receipts for campaign messages (``unionline.channel.add_receipt_listener``): an SMS
gateway's delivery status, the mail channel's DSN (RFC 3464) or read receipt (MDN), a
messenger's "delivered"/"read". A campaign message has no appeal, so the channel SDK hands its
receipt here; the recipient row is found by the provider's id (``external_id``, what ``send()``
answered — the e-mail's Message-ID for mail) and the account it went from.

- ``delivered`` / ``read``: a ``sent`` row becomes ``delivered``; ``read`` also counts an open
  (a definite one, unlike the pixel's);
- ``failed``: a ``sent`` row becomes ``bounced``, with the report's words as its error.

A receipt comes twice, late or out of order: a row only moves forward from ``sent``.
"""

from __future__ import annotations

import uuid

import msgspec

from unionline import current
from unionline.plugins.campaigns.unsubscribe import event


class _Row(msgspec.Struct):
    id: int
    campaign_id: uuid.UUID
    channel: str
    accounts: str


async def on_receipt(account_id: uuid.UUID, external_id: str, status: str, error: str) -> bool:
    if not external_id:
        return False
    rows = await current().db.fetch_as(
        _Row,
        "SELECT r.id, r.campaign_id, r.channel, c.accounts FROM campaigns_recipient r"
        " JOIN campaigns_campaign c ON c.id = r.campaign_id WHERE r.external_id = {}",
        external_id[:200],
    )
    mine = [r for r in rows if msgspec.json.decode(r.accounts).get(r.channel) == str(account_id)]
    if not mine:
        return False
    row = mine[0]
    db = current().db
    if status in ("delivered", "read"):
        await db.execute(
            "UPDATE campaigns_recipient SET status = 'delivered' WHERE id = {} AND status = 'sent'",
            row.id,
        )
        if status == "read":
            await event(row.campaign_id, row.id, "open", "receipt")
    elif status == "failed":
        await db.execute(
            "UPDATE campaigns_recipient SET status = 'bounced', error = {} WHERE id = {}"
            " AND status = 'sent'",
            (error or "the provider reported the message undelivered")[:2000],
            row.id,
        )
    return True
