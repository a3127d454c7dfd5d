"""Providers' receipts for campaign messages (``unionline.channel.add_receipt_listener``): an SMS
gateway's delivery status, the mail channel's DSN (RFC 3464) or read receipt (MDN), a
messenger's "delivered"/"read", a robot call's outcome. A campaign message has no appeal, so the
channel SDK hands its receipt here; the recipient row is found by the provider's id
(``external_id``, what ``send()`` answered — the e-mail's Message-ID for mail) and the account
it went from.

- ``delivered`` / ``read``: a ``sent`` row becomes ``delivered``; ``read`` also counts an open
  (a definite one, unlike the pixel's);
- ``failed``: a ``sent`` row becomes ``bounced``, with the report's words as its error;
- an ``answer`` (the digit a member pressed in a robot call) is recorded once per recipient, as
  the event ``answer`` whose detail is the digit (:func:`.stats.answers` counts them).

A receipt comes twice, late or out of order: a row only moves forward from ``sent``. A receipt
may also come while its row is still being sent (a robot call through the SIP agent reports the
digit before ``send()`` returns): such a row is found by its message id, which the provider's id
names (``bc-<message id>``), and only the answer is recorded at once; the receipt is not taken
yet (False), so the channel offers it again once the send has settled the row.
"""

from __future__ import annotations

import time
import uuid
from typing import TypeVar

import msgspec

from unionline import current
from unionline.plugins.campaigns.sending import row_message_id
from unionline.plugins.campaigns.unsubscribe import event

ANSWER = "answer"  # campaigns_event.kind of a robot call's pressed digit


class _Row(msgspec.Struct):
    id: int
    campaign_id: uuid.UUID
    channel: str
    accounts: str


class _Sending(_Row):
    key: str


R = TypeVar("R", bound=_Row)


async def on_receipt(
    account_id: uuid.UUID, external_id: str, status: str, error: str, answer: str = ""
) -> bool:
    if not external_id:
        return False
    row = await _sent_row(account_id, external_id)
    if row is None:
        sending = await _sending_row(account_id, external_id) if answer else None
        if sending is not None:
            await record_answer(sending.campaign_id, sending.id, answer)
        return False  # the status waits for the send to settle: the channel offers it again
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
    await record_answer(row.campaign_id, row.id, answer)
    return True


def _ours(rows: list[R], account_id: uuid.UUID) -> list[R]:
    """The rows sent from ``account_id`` (a provider's id is unique per account only)."""
    return [r for r in rows if msgspec.json.decode(r.accounts).get(r.channel) == str(account_id)]


async def _sent_row(account_id: uuid.UUID, external_id: str) -> _Row | None:
    rows = await current().db.fetch_as(
        _Row,
        "SELECT r.id, r.campaign_id, r.channel, c.accounts FROM campaigns_recipient r"
        " JOIN campaigns_campaign c ON c.id = r.campaign_id WHERE r.external_id = {}",
        external_id[:200],
    )
    mine = _ours(rows, account_id)
    return mine[0] if mine else None


async def _sending_row(account_id: uuid.UUID, external_id: str) -> _Row | None:
    """A row whose send has not returned yet (in flight: at most each campaign's concurrency)
    whose message id the provider's id names."""
    rows = await current().db.fetch_as(
        _Sending,
        "SELECT r.id, r.campaign_id, r.channel, c.accounts, r.key FROM campaigns_recipient r"
        " JOIN campaigns_campaign c ON c.id = r.campaign_id WHERE r.status = 'sending'"
        " AND r.channel <> ''",
    )
    for row in _ours(rows, account_id):
        if str(row_message_id(row.key, row.channel)) in external_id:
            return row
    return None


async def record_answer(campaign_id: uuid.UUID, recipient_id: int, answer: str) -> None:
    """The digit a member pressed, once per recipient (a receipt twice: the first stays)."""
    digit = "".join(c for c in answer if c.isdigit() or c in "*#")[:1]
    if not digit:
        return
    await current().db.execute(
        "INSERT INTO campaigns_event (key, campaign_id, recipient_id, kind, detail, at, seen)"
        " VALUES ({}, {}, {}, {}, {}, {}, {}) ON CONFLICT (key) DO NOTHING",
        f"{ANSWER}:{recipient_id}", campaign_id, recipient_id, ANSWER, digit, time.time(), True,
    )  # fmt: skip
