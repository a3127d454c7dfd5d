"""A console websocket client for tests: an operator's connection to ``/ws/console``.

``console_client(base, headers)`` connects to an app served with :func:`unionline.testing.serve`
and says hello (everything up to now is replayed, then ``caught_up``); ``command()`` sends a
console command and returns its result frame; ``until()`` waits for a frame. Every frame read
is kept in ``frames``, so a test can also assert on what it was sent along the way.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import websockets


class ConsoleClient:
    """One console connection (see the module's docstring)."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.frames: list[dict[str, Any]] = []
        self.n = 0

    async def hello(self, last_id: int | None = None) -> None:
        await self.ws.send(json.dumps({"type": "hello", "last_id": last_id}))
        await self.until(lambda f: f["type"] == "caught_up")

    async def until(
        self, match: Callable[[dict[str, Any]], bool], timeout: float = 10
    ) -> dict[str, Any]:
        while True:
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
            self.frames.append(frame)
            if match(frame):
                return frame

    async def command(self, name: str, **args: Any) -> dict[str, Any]:
        self.n += 1
        ref = f"c{self.n}"
        await self.ws.send(json.dumps({"type": "command", "ref": ref, "name": name, "args": args}))
        return await self.until(lambda f: f["type"] == "result" and f["ref"] == ref)


def connect_console(base: str, headers: dict[str, str]) -> Any:
    """The websocket connection (an async context manager) to ``base``'s console endpoint."""
    url = base.replace("http", "ws", 1).rstrip("/") + "/ws/console"
    return websockets.connect(url, additional_headers=headers)


@contextlib.asynccontextmanager
async def console_client(base: str, headers: dict[str, str]) -> AsyncIterator[ConsoleClient]:
    """A connected console that has said hello and caught up."""
    async with connect_console(base, headers) as ws:
        client = ConsoleClient(ws)
        await client.hello()
        yield client
