"""A thin client of the gateway's HTTP API; failures are raised by intent.

* 429 (``Retry-After``), 5xx, 402 out of balance, no connection → ``NotReady``: retried
  later, ``Retry-After`` honoured;
* 401 → ``AuthFailed``: the account is flagged ``needs_reauth``, the message waits for an admin;
* 403 ``recipient_opted_out`` → ``RecipientBlocked``: the member's number is marked blocked;
* 400 ``invalid_number`` and other refusals → ``PermanentFailure``: the message fails visibly,
  with the gateway's words.

A timeout after the request went out is ``NotReady`` too, not ``DeliveryUnknown``: every send
carries an ``Idempotency-Key``, so the retry gets the first answer and the member no second SMS.
"""

from __future__ import annotations

import httpx
import msgspec

from unionline import AuthFailed, NotReady, PermanentFailure
from unionline.channel import RecipientBlocked
from unionline_smsgw.wire import IDEMPOTENCY_HEADER, Accepted, ErrorAnswer, SendRequest

DEFAULT_RETRY_AFTER = 1.0
BALANCE_RETRY_AFTER = 300.0  # someone has to top the balance up; do not hammer the gateway


class GatewayRefused(PermanentFailure):
    """The gateway refused the message for good; ``code`` is its machine code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"SMS-шлюз отказал ({status} {code}): {message}".rstrip(": "))
        self.status, self.code = status, code


class RecipientOptedOut(GatewayRefused, RecipientBlocked):
    """The member texted STOP: the gateway sends them nothing until they write again."""


class GatewayClient:
    def __init__(self, base_url: str, api_key: str, *, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    async def send(self, request: SendRequest, *, idempotency_key: str) -> Accepted:
        headers = {
            "Authorization": f"Bearer {self.api_key}",
            "Content-Type": "application/json",
            IDEMPOTENCY_HEADER: idempotency_key,
        }
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as http:
                answer = await http.post(
                    f"{self.base_url}/v1/messages",
                    content=msgspec.json.encode(request),
                    headers=headers,
                )
        except httpx.TransportError as exc:  # safe to retry: the key makes the send idempotent
            raise NotReady(f"SMS-шлюз недоступен: {type(exc).__name__}") from exc
        if answer.status_code in (200, 201):
            try:
                return msgspec.json.decode(answer.content, type=Accepted)
            except msgspec.DecodeError as exc:
                raise NotReady(f"SMS-шлюз: нечитаемый ответ ({exc})") from exc
        raise error_for(answer)


def error_for(answer: httpx.Response) -> Exception:
    """The error by intent for a failed answer of the gateway."""
    status = answer.status_code
    try:
        error = msgspec.json.decode(answer.content, type=ErrorAnswer).error
        code, message = error.code, error.message
    except msgspec.DecodeError:
        code, message = "", answer.text[:200]
    if status == 429:
        return NotReady(f"SMS-шлюз: слишком часто ({message})", retry_after=_retry_after(answer))
    if status >= 500:
        return NotReady(f"SMS-шлюз ответил {status}: {message}", retry_after=_retry_after(answer))
    if status == 402:
        return NotReady(f"SMS-шлюз: {message or 'закончился баланс'}", BALANCE_RETRY_AFTER)
    if status == 401:
        return AuthFailed(f"SMS-шлюз не принял API-ключ ({message or code})")
    if status == 403 and code == "recipient_opted_out":
        return RecipientOptedOut(status, code, message)
    return GatewayRefused(status, code or "refused", message)


def _retry_after(answer: httpx.Response) -> float | None:
    value = answer.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return DEFAULT_RETRY_AFTER if answer.status_code == 429 else None
