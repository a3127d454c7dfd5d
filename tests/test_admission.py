"""Admission control: past ``server.max_concurrent_requests`` requests in flight, a process
answers 503 with Retry-After at once instead of queueing; health checks are never refused,
websockets are not counted, and once the load falls requests are served again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest
from litestar import get

from unionline import hookimpl
from unionline.admission import MAX_RETRY_AFTER, Admission
from unionline.registry import RoutesRegistrar
from unionline.settings import Settings
from unionline.testing import AppHarness
from unionline.testing.support import running_app


class Slow:
    """A route that answers when the test lets it, so requests stay in flight."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.entered = 0

    @hookimpl
    def register_routes(self, register: RoutesRegistrar) -> None:
        @get("/api/test/slow", include_in_schema=False)
        async def slow() -> dict[str, str]:
            self.entered += 1
            await self.release.wait()
            return {"ok": "yes"}

        register(slow)


@pytest.fixture
def slow() -> Slow:
    return Slow()


@pytest.fixture
async def app(unionline_settings: Settings, slow: Slow) -> AsyncIterator[AppHarness]:
    server = msgspec.structs.replace(unionline_settings.server, max_concurrent_requests=2)
    settings = msgspec.structs.replace(unionline_settings, server=server)
    async with running_app(settings, migrate=True, extra_plugins={"slow": slow}) as harness:
        yield harness


async def test_a_saturated_process_refuses_at_once_and_recovers(
    app: AppHarness, slow: Slow
) -> None:
    client = app.client
    in_flight = [asyncio.create_task(client.get("/api/test/slow")) for _ in range(2)]
    while slow.entered < 2:
        await asyncio.sleep(0.01)

    refused = await asyncio.wait_for(client.get("/api/test/slow"), 10)  # not queued
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "1"
    assert refused.json()["error"]["code"] == "overloaded"
    assert refused.headers["x-request-id"]
    assert (await client.get("/health/live")).status_code == 200  # never refused
    assert (await client.get("/health/ready")).status_code == 200
    assert slow.entered == 2  # the refused request never reached the route

    slow.release.set()
    assert [r.status_code for r in await asyncio.gather(*in_flight)] == [200, 200]
    assert (await client.get("/api/test/slow")).status_code == 200  # served again
    assert app.app.state.admission.refused == 1


def test_retry_after_spreads_the_retries_as_the_overload_grows() -> None:
    now = [100.0]
    admission = Admission(limit=10, clock=lambda: now[0], draw=lambda a, b: b)  # the widest
    first_second = [admission.retry_after() for _ in range(95)]
    assert first_second[:9] == [1] * 9  # under one bound's worth refused: back in a second
    assert first_second[9] == 2 and first_second[-1] == 10  # 95 refused: spread over 10 s
    assert max(admission.retry_after() for _ in range(1000)) == MAX_RETRY_AFTER
    now[0] += 1.0  # a new second: the count starts again
    assert admission.retry_after() == 1
    spread = Admission(limit=10)  # the real draw: uniform within the spread, never below 1
    delays = [spread.retry_after() for _ in range(200)]
    assert min(delays) == 1 and 10 < max(delays) <= 21


async def test_open_websockets_are_not_counted() -> None:
    admission = Admission(limit=1)
    closed = asyncio.Event()
    served: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "websocket":
            await closed.wait()  # a console socket, open for as long as the operator works
        served.append(scope["path"])

    async def nothing(*_: object) -> None:
        return None

    admit = admission.middleware(app)
    socket = asyncio.create_task(admit({"type": "websocket", "path": "/ws"}, nothing, nothing))
    await asyncio.sleep(0)
    await admit({"type": "http", "path": "/api/appeals/"}, nothing, nothing)
    assert served == ["/api/appeals/"]
    closed.set()
    await socket
    assert admission.refused == 0
