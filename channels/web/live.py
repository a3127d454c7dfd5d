"""Per-process fan-out to visitor sockets: one bus subscription for every widget socket.

The hub listens on the realtime bus the console uses: ``web.conversation_changed`` events
(written by whichever process stored the message, positioned by the event relay) wake the
sockets of that visitor, which then read their conversation from the database; the consoles'
``typing`` signals reach the visitors of the appeal being answered. The bus only says "look":
what a visitor sees always comes from the database, so a lost notice costs a delay (sockets
also look by themselves every ``POLL`` seconds), never a message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

import msgspec

from unionline import current
from unionline.channels.web import conversation

log = logging.getLogger("unionline.channels.web")
# The bus channels of unionline's realtime layer (see docs/console-protocol.md).
EVENTS = "events"
SIGNALS = "signals"
CHANGED = "web.conversation_changed"
APPEAL_CACHE = 30.0  # seconds an appeal's visitors are remembered for typing notices


class _Stored(msgspec.Struct):
    type: str
    payload: msgspec.Raw


class _Changed(msgspec.Struct):
    visitor_key: str
    seq: int


class _Signal(msgspec.Struct):
    signal: str
    data: dict[str, Any]


_events = msgspec.json.Decoder(list[_Stored])
_signal = msgspec.json.Decoder(_Signal)
_changed = msgspec.json.Decoder(_Changed)

Listener = Callable[[str, Any], None]  # (kind, item): ("seq", int) or ("typing", bool)


class WidgetHub:
    def __init__(self, channels: Any) -> None:
        self.channels = channels
        self.sockets: dict[str, set[Listener]] = {}
        self._appeals: dict[uuid.UUID, tuple[float, list[str]]] = {}
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def add(self, key: str, listener: Listener) -> None:
        self.sockets.setdefault(key, set()).add(listener)
        if self._task is None or self._task.done():
            self._ready.clear()
            self._task = asyncio.create_task(self._run(), name="unionline-widget-hub")
        await self._ready.wait()

    def remove(self, key: str, listener: Listener) -> None:
        found = self.sockets.get(key)
        if found is not None:
            found.discard(listener)
            if not found:
                del self.sockets[key]

    def notify(self, key: str, kind: str, item: Any) -> None:
        for listener in list(self.sockets.get(key, ())):
            listener(kind, item)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        async with self.channels.start_subscription([EVENTS, SIGNALS]) as subscriber:
            self._ready.set()
            async for raw in subscriber.iter_events():
                try:
                    await self._dispatch(raw)
                except Exception:
                    log.exception("widget hub could not dispatch a bus message")

    async def _dispatch(self, raw: bytes) -> None:
        if not self.sockets:
            return
        if raw.startswith(b"["):
            for event in _events.decode(raw):
                if event.type == CHANGED:
                    changed = _changed.decode(event.payload)
                    self.notify(changed.visitor_key, "seq", changed.seq)
            return
        signal = _signal.decode(raw)
        if signal.signal == "typing" and signal.data.get("appeal_id"):
            for key in await self._visitors(uuid.UUID(str(signal.data["appeal_id"]))):
                self.notify(key, "typing", bool(signal.data.get("on")))

    async def _visitors(self, appeal_id: uuid.UUID) -> list[str]:
        now = time.monotonic()
        hit = self._appeals.get(appeal_id)
        if hit is None or now - hit[0] > APPEAL_CACHE:
            if len(self._appeals) > 10_000:
                self._appeals.clear()
            hit = (now, await conversation.visitors_of_appeal(appeal_id))
            self._appeals[appeal_id] = hit
        return hit[1]


def hub() -> WidgetHub:
    state = current().state
    found = state.get("web_widget_hub")
    if found is None:
        found = state["web_widget_hub"] = WidgetHub(state["channels"])
    return found


async def stop_hub() -> None:
    found = current().state.pop("web_widget_hub", None)
    if found is not None:
        await found.stop()
