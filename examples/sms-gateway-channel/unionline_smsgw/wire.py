"""The SMS gateway's wire format (its public HTTP API), as msgspec Structs.

Outbound: ``POST {base_url}/v1/messages`` with ``Authorization: Bearer <api_key>`` and
``Idempotency-Key: <key>`` (the gateway answers a repeated key with the first answer and
sends nothing again, for 24 hours)::

    {"from": "PROFSOYUZ", "to": "+79991234567", "text": "…", "reference": "<our id>"}
    → 201 {"id": "msg_000001", "status": "accepted", "segments": 2, "encoding": "ucs2"}
    → 4xx/5xx {"error": {"code": "invalid_number", "message": "…"}}  (429 with Retry-After)

Inbound: the gateway POSTs events to the URL configured for the number, signed with
``X-SMSGW-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed by the webhook secret>``::

    {"event": "message.received", "id": "in_01", "from": "+79991234567",
     "to": "+79001234567", "text": "Здравствуйте", "received_at": 1718000000}
    {"event": "message.status", "id": "st_01", "message_id": "msg_000001",
     "status": "delivered", "error_code": ""}

Statuses: ``accepted`` and ``sent`` (on the way), ``delivered`` (the handset has it), and the
final failures ``undelivered``, ``expired``, ``rejected``.
"""

from __future__ import annotations

import hashlib
import hmac

import msgspec

SIGNATURE_HEADER = "X-SMSGW-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
FAILED_STATUSES = ("undelivered", "expired", "rejected")


class SendRequest(msgspec.Struct, kw_only=True, omit_defaults=True):
    sender: str = msgspec.field(name="from")
    to: str
    text: str
    reference: str = ""


class Accepted(msgspec.Struct, kw_only=True):
    id: str
    status: str = "accepted"
    segments: int = 1
    encoding: str = "gsm7"


class ErrorBody(msgspec.Struct, kw_only=True):
    code: str
    message: str = ""


class ErrorAnswer(msgspec.Struct, kw_only=True):
    error: ErrorBody


class Event(msgspec.Struct, kw_only=True):
    """Every event's common part: what it is."""

    event: str
    id: str


class MessageReceived(msgspec.Struct, kw_only=True):
    id: str
    sender: str = msgspec.field(name="from")
    to: str = ""
    text: str = ""
    received_at: float | None = None


class MessageStatus(msgspec.Struct, kw_only=True):
    id: str
    message_id: str
    status: str
    error_code: str = ""


def signature(secret: str, body: bytes) -> str:
    """The ``X-SMSGW-Signature`` value of ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
