"""Per-process fan-out: one bus subscription per process, a bounded queue per socket.

Each process subscribes once to the ``events`` and ``signals`` channels and offers every batch
to its console connections. A connection whose queue is full is a slow consumer: it is closed
(code 4008) and resumes from its last event id on reconnect. Event positions are dense, so a
connection that sees a jump (dropped batch, Redis stream hiccup) fills the gap from the event
log; duplicates (the Redis stream backend may redeliver) are skipped by position.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import msgspec

from unionline.events import StoredEvent
from unionline.realtime import EVENTS_CHANNEL

if TYPE_CHECKING:
    from litestar.channels import ChannelsPlugin

log = logging.getLogger("unionline.console")
SIGNALS_CHANNEL = "signals"

_batch = msgspec.json.Decoder(list[StoredEvent])


class SignalMessage(msgspec.Struct, kw_only=True):
    """An ephemeral notice on the bus; ``organization_id`` decides who may see it."""

    signal: str
    organization_id: uuid.UUID | None
    data: dict[str, Any]
    origin: str = ""  # connection id of the sender (not echoed back to it)


_signal = msgspec.json.Decoder(SignalMessage)


class Connection:
    """What the hub needs to know about one socket."""

    def __init__(self, conn_id: str, capacity: int, on_overflow: Callable[[], None]) -> None:
        self.id = conn_id
        self.queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue(maxsize=capacity)
        self.on_overflow = on_overflow
        self.overflowed = False

    def offer(self, kind: str, item: Any) -> None:
        if self.overflowed:
            return
        try:
            self.queue.put_nowait((kind, item))
        except asyncio.QueueFull:
            self.overflowed = True
            self.on_overflow()


class Hub:
    def __init__(self, channels: ChannelsPlugin) -> None:
        self.channels = channels
        self.connections: dict[str, Connection] = {}
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def add(self, connection: Connection) -> None:
        self.connections[connection.id] = connection
        if self._task is None or self._task.done():
            self._ready.clear()
            self._task = asyncio.create_task(self._run(), name="unionline-console-hub")
        await self._ready.wait()

    def remove(self, connection: Connection) -> None:
        self.connections.pop(connection.id, None)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def publish_signal(self, message: SignalMessage) -> None:
        self.channels.publish(msgspec.json.encode(message), SIGNALS_CHANNEL)

    async def _run(self) -> None:
        async with self.channels.start_subscription([EVENTS_CHANNEL, SIGNALS_CHANNEL]) as sub:
            self._ready.set()
            async for raw in sub.iter_events():
                try:
                    self._dispatch(raw)
                except Exception:
                    log.exception("console hub could not dispatch a bus message")

    def _dispatch(self, raw: bytes) -> None:
        if raw.startswith(b"["):
            batch = _batch.decode(raw)
            for connection in list(self.connections.values()):
                connection.offer("events", batch)
        else:
            signal = _signal.decode(raw)
            for connection in list(self.connections.values()):
                if connection.id != signal.origin:
                    connection.offer("signal", signal)


def hub_of(state: dict[str, Any]) -> Hub:
    """The process's hub, created on first use."""
    hub = state.get("console_hub")
    if hub is None:
        hub = state["console_hub"] = Hub(state["channels"])
    return hub
