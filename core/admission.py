"""Admission control: a bound on the HTTP requests one process serves at once.

Past the bound a request is answered 503 with ``Retry-After`` at once instead of queueing
behind the database pool: when one of two web processes dies, the survivor sheds what it
cannot serve and keeps its latency, rather than letting every request wait seconds and the
queue outlive the outage. Health checks are never refused (a load balancer must see the
process alive), and websockets are not counted: a console socket is open for hours but costs
nothing while idle.
"""

from __future__ import annotations

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

RETRY_AFTER_SECONDS = 1
EXEMPT_PREFIXES = ("/health/",)
_BUSY = msgspec.json.encode(
    ErrorResponse(ErrorBody(code="overloaded", message="The server is busy; retry shortly."))
)


class Admission:
    """Counts the requests in flight; ``limit`` 0 admits everything."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.active = 0
        self.refused = 0

    def middleware(self, app: ASGIApp) -> ASGIApp:
        async def admit(scope: Scope, receive: Receive, send: Send) -> None:
            if not self._counted(scope):
                await app(scope, receive, send)
                return
            if self.active >= self.limit:
                self.refused += 1
                await _refuse(send)
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


async def _refuse(send: Send) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(_BUSY)).encode()),
        (b"retry-after", str(RETRY_AFTER_SECONDS).encode()),
    ]
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": 503,
        "headers": headers,
    }
    body: HTTPResponseBodyEvent = {"type": "http.response.body", "body": _BUSY, "more_body": False}
    await send(start)
    await send(body)
