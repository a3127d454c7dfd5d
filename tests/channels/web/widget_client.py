"""A test visitor: the chat widget's frames over a real websocket (see docs/channels/web.md)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import websockets
from web_support import ORIGIN, WIDGET_KEY, WIDGET_SECRET

from unionline.channels.web.tokens import member_signature


class Visitor:
    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.welcome: dict[str, Any] = {}
        self.history: list[dict[str, Any]] = []

    async def frame(self, timeout: float = 15) -> dict[str, Any]:
        return dict(json.loads(await asyncio.wait_for(self.ws.recv(), timeout)))

    async def until(self, kind: str, **match: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Frames up to the first of ``kind`` (with ``match``ing fields): (it, all before)."""
        seen = []
        while True:
            frame = await self.frame()
            if frame["type"] == kind and all(frame.get(k) == v for k, v in match.items()):
                return frame, seen
            seen.append(frame)

    async def hello(self, token: str | None = None, after: int = 0, **extra: Any) -> dict[str, Any]:
        await self.ws.send(json.dumps({"type": "hello", "token": token, "after": after, **extra}))
        self.welcome = await self.frame()
        if self.welcome["type"] == "welcome":
            _, self.history = await self.until("caught_up")
        return self.welcome

    async def say(self, client_id: str, text: str, **extra: Any) -> dict[str, Any]:
        await self.ws.send(json.dumps({"type": "message", "id": client_id, "text": text, **extra}))
        ack, _ = await self.until("ack", client_id=client_id)
        return ack

    async def messages(self, count: int) -> list[dict[str, Any]]:
        got = []
        while len(got) < count:
            frame = await self.frame()
            if frame["type"] == "message":
                got.append(frame)
        return got


def ws_url(base: str, key: str = WIDGET_KEY) -> str:
    return base.replace("http://", "ws://") + f"/widget/{key}/ws"


@contextlib.asynccontextmanager
async def visitor(base: str, origin: str = ORIGIN, key: str = WIDGET_KEY) -> AsyncIterator[Visitor]:
    async with websockets.connect(ws_url(base, key), origin=origin) as ws:  # type: ignore[arg-type]
        yield Visitor(ws)


def identity(member_id: str, secret: str = WIDGET_SECRET) -> dict[str, str]:
    return {"member_id": member_id, "signature": member_signature(secret, member_id)}


async def upload(
    base: str, token: str, name: str, content_type: str, data: bytes, origin: str = ORIGIN
) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base) as client:
        return await client.post(
            f"/widget/{WIDGET_KEY}/files",
            data={"token": token},
            files={"file": (name, data, content_type)},
            headers={"Origin": origin},
        )
