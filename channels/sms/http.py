"""HTTP calls to gateways, with the one distinction exactly-once needs: a request that cannot
have reached the gateway (no connection) may be retried — ``NotReady`` — while one that may have
reached it and got no answer must not be resent — :class:`MayHaveSent`, which the adapters turn
into ``DeliveryUnknown`` (or into "sent" when the gateway can be asked whether it has it)."""

from __future__ import annotations

from typing import Any

import httpx

from unionline import NotReady


class MayHaveSent(Exception):
    """The request went out and no answer came back (timeout, connection lost, a 5xx)."""


_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


async def post_form(url: str, data: dict[str, Any], *, timeout: float, who: str) -> httpx.Response:
    try:
        async with httpx.AsyncClient(timeout=timeout) as http:
            answer = await http.post(url, data=data)
    except _NOT_SENT as exc:
        raise NotReady(f"{who} недоступен: {type(exc).__name__}") from exc
    except httpx.TransportError as exc:  # read timeout, connection reset after the request
        raise MayHaveSent(f"{who} не ответил: {type(exc).__name__}") from exc
    if answer.status_code == 429:
        raise NotReady(f"{who}: слишком много запросов (429)", retry_after=_retry_after(answer))
    if answer.status_code >= 500:
        raise MayHaveSent(f"{who} ответил {answer.status_code}")
    return answer


def _retry_after(answer: httpx.Response) -> float:
    try:
        return max(1.0, float(answer.headers.get("Retry-After", "")))
    except ValueError:
        return 5.0
