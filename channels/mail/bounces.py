"""Delivery reports about mail we sent: DSN bounces (RFC 3464) and read receipts (MDN, RFC 8098).

The message a report is about is found by its VERP return path (``bounce+<token>@<reply
domain>``, the envelope sender of what we send when the union has a reply domain), else by the
Message-ID in the report (``Original-Message-ID``, the returned headers). Its delivery then moves:
a DSN ``Action: failed`` → ``failed`` (with the status and diagnostic shown to operators),
``delivered``/``relayed`` → ``delivered``, an MDN ``displayed`` → ``read``. A ``delayed`` DSN
changes nothing. The report itself is kept raw, linked to the appeal of the message.
"""

from __future__ import annotations

import email
import logging
import uuid
from dataclasses import dataclass
from email.message import Message
from typing import Any, Literal

import msgspec

from unionline import current
from unionline.channel import report_delivery
from unionline.channels.mail import threads
from unionline.channels.mail.parse import ParsedMail, header_text, message_ids, payload_bytes

log = logging.getLogger("unionline.channels.mail")

Status = Literal["failed", "delivered", "read"]


@dataclass
class Report:
    kind: Literal["bounce", "receipt"]
    status: Status | None  # None: nothing to change (a delay warning, a "deleted" MDN)
    original_ids: list[str]  # Message-IDs of the message reported on (without <>)
    token: str | None  # the VERP token of the bounce address
    error: str = ""


def classify(parsed: ParsedMail, account: Any) -> Report | None:
    """The delivery report ``parsed`` is, or None when it is ordinary mail."""
    message = parsed.message
    if message is None:
        return None
    token = _verp_token(parsed, account)
    kind = message.get_content_type()
    report_type = (message.get_param("report-type") or "") if kind == "multipart/report" else ""
    report_type = str(report_type).lower()
    if report_type == "delivery-status":
        return _dsn(message, token)
    if report_type == "disposition-notification":
        return _mdn(message)
    if token is not None:  # a non-standard bounce sent to our VERP address
        return Report(
            kind="bounce",
            status="failed",
            original_ids=[],
            token=token,
            error=(parsed.subject or "bounced")[:300],
        )
    return None


def _verp_token(parsed: ParsedMail, account: Any) -> str | None:
    for address in [*parsed.delivered_to, *parsed.to]:
        if address.startswith("bounce+"):
            token = threads.token_of(address, account.config.reply_domain)
            if token:
                return token
    return None


def _fields(message: Message, content_type: str) -> list[Message]:
    """The field groups of a message/delivery-status or disposition-notification part."""
    groups: list[Message] = []
    for part in message.walk():
        if part.get_content_type() != content_type:
            continue
        payload = part.get_payload()
        if isinstance(payload, list):
            groups.extend(p for p in payload if isinstance(p, Message))
        elif isinstance(payload, str):
            groups.append(email.message_from_string(payload))
    return groups


def _returned_ids(message: Message) -> list[str]:
    ids: list[str] = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                ids += message_ids(header_text(inner[0], "Message-ID"))
        elif kind == "text/rfc822-headers":
            try:
                headers = email.message_from_bytes(payload_bytes(part))
                ids += message_ids(header_text(headers, "Message-ID"))
            except Exception:
                continue
    return ids


def _dsn(message: Message, token: str | None) -> Report:
    groups = _fields(message, "message/delivery-status")
    actions = [(header_text(g, "Action").lower(), g) for g in groups if header_text(g, "Action")]
    status: Status | None = None
    error = ""
    for action, group in actions:
        if action == "failed":
            status = "failed"
            code = header_text(group, "Status")
            diagnostic = header_text(group, "Diagnostic-Code")
            recipient = header_text(group, "Final-Recipient") or header_text(
                group, "Original-Recipient"
            )
            recipient = recipient.split(";", 1)[-1].strip()
            error = f"bounced: {recipient} {code} {diagnostic}".strip()[:500]
            break
        if action in ("delivered", "relayed", "expanded") and status is None:
            status = "delivered"
    return Report(
        kind="bounce", status=status, original_ids=_returned_ids(message), token=token, error=error
    )


def _mdn(message: Message) -> Report:
    groups = _fields(message, "message/disposition-notification")
    status: Status | None = None
    ids: list[str] = []
    for group in groups:
        disposition = header_text(group, "Disposition").lower()
        ids += message_ids(header_text(group, "Original-Message-ID"))
        if disposition.rpartition(";")[2].strip().startswith("displayed"):
            status = "read"
    return Report(
        kind="receipt", status=status, original_ids=ids or _returned_ids(message), token=None
    )


async def apply(account: Any, parsed: ParsedMail, report: Report, record: dict[str, Any]) -> Any:
    """Keep the report raw, linked to the appeal of the message it reports on, and move that
    message's delivery status — in one transaction."""
    from unionline.channels.mail.ingest import IngestOutcome, insert_record

    record["kind"] = report.kind
    record["auto"] = record["auto"] or report.kind
    async with current().db.transaction():
        original = await _original(account, report)
        if original is not None:
            record["appeal_id"] = original.appeal_id
        if not await insert_record(record):
            return IngestOutcome(stored=False, duplicate=True, message_id=parsed.message_id)
        if original is not None and report.status is not None:
            await report_delivery(
                account.id, original.message_id, report.status, error=report.error
            )
    if original is None:
        log.info("mail %s: a %s of no message we know", parsed.message_id, report.kind)
    return IngestOutcome(
        stored=True,
        duplicate=False,
        message_id=parsed.message_id,
        appeal_id=original.appeal_id if original is not None else None,
        kind=report.kind,
        auto=record["auto"],
        error=parsed.error,
    )


class _Original(msgspec.Struct):
    """The outgoing message a report is about, and its appeal."""

    message_id: str
    appeal_id: uuid.UUID | None


async def _original(account: Any, report: Report) -> _Original | None:
    db = current().db
    if report.token:
        row = await db.fetch_one_as(
            _Original,
            "SELECT message_id, appeal_id FROM mail_message WHERE token = {} AND account_id = {}",
            report.token,
            account.id,
        )
        if row is not None:
            return row
    for message_id in report.original_ids:
        row = await db.fetch_one_as(
            _Original,
            "SELECT message_id, appeal_id FROM mail_message WHERE key = {} AND direction = 'out'",
            f"{account.id}:{message_id}",
        )
        if row is not None:
            return row
    return None
