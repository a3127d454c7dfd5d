"""Calls to a provider's API, with its answers sorted by intent: ``NotReady`` (retry later),
``AuthFailed`` (the line's keys are refused), ``PermanentFailure`` (this request is refused)."""

from __future__ import annotations

from typing import Any

import httpx

from unionline import AuthFailed, NotReady, PermanentFailure


def client() -> httpx.AsyncClient:
    from unionline.channels.phone.settings import phone_settings

    return httpx.AsyncClient(timeout=phone_settings().request_timeout, follow_redirects=True)


async def send(method: str, url: str, **kwargs: Any) -> httpx.Response:
    try:
        async with client() as http:
            response = await http.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise NotReady(f"{url}: no answer in time") from exc
    except httpx.TransportError as exc:
        raise NotReady(f"{url}: {exc}") from exc
    if response.status_code in (401, 403):
        raise AuthFailed(f"{url}: the provider refused the line's keys ({response.status_code})")
    if response.status_code == 429 or response.status_code >= 500:
        raise NotReady(f"{url}: {response.status_code}", retry_after=_retry_after(response))
    if response.status_code >= 400:
        raise PermanentFailure(f"{url}: {response.status_code} {response.text[:200]}")
    return response


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else None
