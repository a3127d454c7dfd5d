"""A loopback stand-in of the SMS gateway, answering as its API documents (see
``unionline_smsgw.wire``): bearer API key, idempotency keys, E.164 check, segment limit, and
its error answers — 429 with ``Retry-After``, 5xx, 401, 400 ``invalid_number``, 403 opt-outs.

Tests read ``sent`` and queue failures with ``fail_next``; ``message_event`` and
``status_event`` build signed webhook bodies as the gateway sends them.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from litestar import Litestar, Request, Response, post

from unionline_smsgw import segments
from unionline_smsgw.wire import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signature

E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
MAX_SEGMENTS = 10  # what the gateway itself accepts in one request


@dataclass(frozen=True)
class Fault:
    status: int
    code: str
    message: str = ""
    retry_after: int | None = None


RATE_LIMITED = Fault(429, "rate_limited", "too many requests", retry_after=1)
UNAVAILABLE = Fault(503, "unavailable", "try again later")
INVALID_NUMBER = Fault(400, "invalid_number", "the number does not exist")
UNAUTHORIZED = Fault(401, "unauthorized", "invalid API key")
OPTED_OUT = Fault(403, "recipient_opted_out", "the recipient replied STOP")
# The gateway took the message, but its answer was lost on the way (a proxy's 502).
ANSWER_LOST = Fault(502, "bad_gateway", "upstream timed out")


@dataclass
class SentSms:
    id: str
    sender: str
    to: str
    text: str
    reference: str
    segments: int
    encoding: str


@dataclass
class GatewayStandin:
    api_key: str = "live_key_0123456789"
    sent: list[SentSms] = field(default_factory=list)
    requests: int = 0  # every POST /v1/messages, answered or refused
    faults: deque[Fault] = field(default_factory=deque)
    answers: dict[str, tuple[int, bytes]] = field(default_factory=dict)  # idempotency cache
    base_url: str = ""
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def fail_next(self, fault: Fault, times: int = 1) -> None:
        self.faults.extend([fault] * times)

    def app(self) -> Litestar:
        @post("/v1/messages", status_code=201)
        async def send(request: Request[Any, Any, Any]) -> Response[bytes]:
            return self.handle(request.headers, await request.body())

        return Litestar([send], openapi_config=None)

    def handle(self, headers: Any, body: bytes) -> Response[bytes]:
        self.requests += 1
        if headers.get("authorization") != f"Bearer {self.api_key}":
            return _error(UNAUTHORIZED)
        key = headers.get(IDEMPOTENCY_HEADER.lower(), "")
        if key in self.answers:  # a retry: the first answer again, nothing sent twice
            status, content = self.answers[key]
            return Response(content, status_code=status, media_type="application/json")
        fault = self.faults.popleft() if self.faults else None
        if fault is not None and fault is not ANSWER_LOST:
            return _error(fault)
        try:
            data = json.loads(body)
            sender, to, text = data["from"], data["to"], data["text"]
        except (ValueError, KeyError, TypeError):
            return _error(Fault(400, "bad_request", "from, to and text are required"))
        if not E164.match(to):
            return _error(INVALID_NUMBER)
        need = segments.count(text)
        if need.count > MAX_SEGMENTS:
            return _error(Fault(400, "text_too_long", f"{need.count} segments"))
        sms = SentSms(f"msg_{next(self._ids):06d}", sender, to, text, data.get("reference", ""),
                      need.count, need.encoding)  # fmt: skip
        self.sent.append(sms)
        content = json.dumps({"id": sms.id, "status": "accepted", "segments": sms.segments,
                              "encoding": sms.encoding}).encode()  # fmt: skip
        if key:
            self.answers[key] = (201, content)
        if fault is ANSWER_LOST:
            return _error(fault)
        return Response(content, status_code=201, media_type="application/json")


def _error(fault: Fault) -> Response[bytes]:
    headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
    body = json.dumps({"error": {"code": fault.code, "message": fault.message}}).encode()
    return Response(body, status_code=fault.status, media_type="application/json", headers=headers)


def signed(secret: str, payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """A webhook body and its headers, as the gateway posts them."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    return body, {"Content-Type": "application/json", SIGNATURE_HEADER: signature(secret, body)}


def message_event(
    event_id: str, sender: str, text: str, to: str = "+79001234567"
) -> dict[str, Any]:
    return {"event": "message.received", "id": event_id, "from": sender, "to": to,
            "text": text, "received_at": 1718000000}  # fmt: skip


def status_event(
    event_id: str, message_id: str, status: str, error_code: str = ""
) -> dict[str, Any]:
    return {"event": "message.status", "id": event_id, "message_id": message_id,
            "status": status, "error_code": error_code}  # fmt: skip
