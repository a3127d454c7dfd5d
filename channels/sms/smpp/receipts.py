"""Delivery receipts correlated with the parts that were sent, by ``receipted_message_id``,
whichever comes first — the receipt or the part's ``submit_sm_resp`` (``sms_smpp_part``).

A send is delivered when every part is, failed as soon as one part fails. A receipt that comes
before its send is settled — the part's row is made by the receipt, and the send finds the
state there (:func:`.claims.record`); one that comes after ``send()`` returned but before the SDK
recorded the send is applied again by a short job (:data:`RECEIPT_JOB`) until it takes.
"""

from __future__ import annotations

import time
import uuid
from typing import Literal

import msgspec

from unionline import JobContext, NotReady, current, enqueue
from unionline.channel import report_delivery
from unionline.channels.sms.smpp.pdu import Receipt

RECEIPT_JOB = "sms.smpp_receipt"
RECEIPT_TRIES = 8
DELIVERED = {"DELIVRD"}
FAILED = {"UNDELIV", "EXPIRED", "DELETED", "REJECTD", "UNKNOWN"}
WORDS = {
    "UNDELIV": "не доставлено",
    "EXPIRED": "истёк срок доставки",
    "DELETED": "удалено",
    "REJECTD": "отклонено",
    "UNKNOWN": "статус неизвестен",
}
State = Literal["", "delivered", "failed"]


class Part(msgspec.Struct):
    state: str = ""
    error: str = ""
    first_id: str = ""
    parts: int = 0


class Outcome(msgspec.Struct, frozen=True):
    state: State
    error: str = ""


def _key(account_id: uuid.UUID, message_id: str) -> str:
    return f"{account_id}:{message_id}"


async def outcome(account_id: uuid.UUID, first_id: str) -> Outcome:
    rows = await current().db.fetch_as(
        Part,
        "SELECT state, error, first_id, parts FROM sms_smpp_part WHERE account_id = {}"
        " AND first_id = {}",
        account_id,
        first_id,
    )
    failed = [r for r in rows if r.state == "failed"]
    if failed:
        return Outcome("failed", failed[0].error)
    if rows and len(rows) >= rows[0].parts and all(r.state == "delivered" for r in rows):
        return Outcome("delivered")
    return Outcome("")


async def received(account_id: uuid.UUID, receipt: Receipt) -> None:
    """Apply a receipt: remember the part's state, and report the send when it is settled."""
    state = (
        "delivered" if receipt.state in DELIVERED else "failed" if receipt.state in FAILED else ""
    )
    if not state or not receipt.message_id:
        return  # ENROUTE, ACCEPTD: on the way
    error = f"SMS не доставлено: {WORDS.get(receipt.state, receipt.state)} ({receipt.state}"
    error += f", err {receipt.error})" if receipt.error else ")"
    rows = await current().db.fetch_as(
        Part,
        "INSERT INTO sms_smpp_part (id, key, account_id, first_id, parts, state, error,"
        " created_at) VALUES ({}, {}, {}, '', 0, {}, {}, {}) ON CONFLICT (key) DO UPDATE"
        " SET state = excluded.state, error = excluded.error"
        " RETURNING state, error, first_id, parts",
        uuid.uuid4(),
        _key(account_id, receipt.message_id),
        account_id,
        state,
        error if state == "failed" else "",
        time.time(),
    )
    if rows and rows[0].first_id:
        await report(account_id, rows[0].first_id)


class ReportReceipt(msgspec.Struct, frozen=True):
    account_id: uuid.UUID
    first_id: str


async def report(account_id: uuid.UUID, first_id: str) -> None:
    found = await outcome(account_id, first_id)
    if not found.state:
        return
    if not await report_delivery(account_id, first_id, found.state, error=found.error):
        key = f"{RECEIPT_JOB}:{account_id}:{first_id}:{found.state}"
        await enqueue(RECEIPT_JOB, ReportReceipt(account_id, first_id), key=key, delay=0.5)


async def report_later(ctx: JobContext, job: ReportReceipt) -> None:
    """The receipt came while its send was being recorded: apply it once the send is."""
    found = await outcome(job.account_id, job.first_id)
    if not found.state:
        return
    applied = await report_delivery(job.account_id, job.first_id, found.state, error=found.error)
    if not applied and ctx.attempt < RECEIPT_TRIES:
        raise NotReady("the send is not recorded yet", retry_after=0.5 * ctx.attempt)
