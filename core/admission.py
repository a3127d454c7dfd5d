"""Admission control: a bound on the HTTP requests one process serves at once.

Past the bound a request is answered 503 with ``Retry-After`` at once instead of queueing
behind the database pool: when one of two web processes dies, the survivor sheds what it
cannot serve and keeps its latency, rather than letting every request wait seconds and the
queue outlive the outage. Health checks are never refused (a load balancer must see the
process alive), and websockets are not counted: a console socket is open for hours but costs
nothing while idle.

``Retry-After`` grows with the overload and is spread at random: a fixed ``1`` brings every
refused client back in the same second, refused again (a retry storm that keeps the process
saturated however short the outage). With ``k`` bounds' worth of requests refused in the last
second, each refusal names a delay drawn from 1..k+1 seconds (at most ``MAX_RETRY_AFTER``), so
the retries arrive spread over about as many seconds as the excess needs.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import msgspec

from unionline.web import ErrorBody, ErrorResponse

if TYPE_CHECKING:
    from litestar.types import (
        ASGIApp,
        HTTPResponseBodyEvent,
        HTTPResponseStartEvent,
        Receive,
        Scope,
        Send,
    )

RETRY_AFTER_SECONDS = 1  # the delay named while the overload is under one bound a second
MAX_RETRY_AFTER = 30
EXEMPT_PREFIXES = ("/health/",)
_BUSY = msgspec.json.encode(
    ErrorResponse(ErrorBody(code="overloaded", message="The server is busy; retry shortly."))
)


class Admission:
    """Counts the requests in flight; ``limit`` 0 admits everything."""

    def __init__(
        self,
        limit: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        draw: Callable[[int, int], int] = random.randint,
    ) -> None:
        self.limit = limit
        self.active = 0
        self.refused = 0
        self.clock = clock
        self.draw = draw  # randint(a, b): the delay within the spread
        self._second = 0.0  # start of the one-second window the refusals are counted in
        self._refused_in_second = 0

    def retry_after(self) -> int:
        """The delay to name in one refusal: spread over more seconds the more is refused."""
        now = self.clock()
        if now - self._second >= 1.0:
            self._second, self._refused_in_second = now, 0
        self._refused_in_second += 1
        spread = RETRY_AFTER_SECONDS + self._refused_in_second // max(self.limit, 1)
        return self.draw(RETRY_AFTER_SECONDS, min(spread, MAX_RETRY_AFTER))

    def middleware(self, app: ASGIApp) -> ASGIApp:
        async def admit(scope: Scope, receive: Receive, send: Send) -> None:
            if not self._counted(scope):
                await app(scope, receive, send)
                return
            if self.active >= self.limit:
                self.refused += 1
                await _refuse(send, self.retry_after())
                return
            self.active += 1
            try:
                await app(scope, receive, send)
            finally:
                self.active -= 1

        return admit

    def _counted(self, scope: Scope) -> bool:
        if self.limit <= 0 or scope["type"] != "http":
            return False
        return not scope["path"].startswith(EXEMPT_PREFIXES)


async def _refuse(send: Send, retry_after: int) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(_BUSY)).encode()),
        (b"retry-after", str(retry_after).encode()),
    ]
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": 503,
        "headers": headers,
    }
    body: HTTPResponseBodyEvent = {"type": "http.response.body", "body": _BUSY, "more_body": False}
    await send(start)
    await send(body)
