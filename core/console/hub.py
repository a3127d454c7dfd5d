"""Per-process fan-out: one bus subscription per process, a bounded queue per socket.

Each process subscribes once to the ``events`` and ``signals`` channels. The hub turns what
the bus delivers into one ordered stream for the process: duplicates (the Redis stream
backend may redeliver) are dropped by position, and a gap (a batch reordered between two
relays, or lost) is filled from the event log once for the whole process rather than once
per socket. Each event's frame is encoded once; each socket is offered only the events its
operator may see. A connection whose queue is full is a slow consumer: it is closed (code
4008) and resumes from its last event id on reconnect.

The hub also listens on the ``access`` channel: when an operator's rights change anywhere, the
sockets of that operator in this process are told to re-check them (and a sign-out closes the
sockets of that session), without waiting behind the events queued for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import msgspec

from unionline.access import Scope
from unionline.console import protocol as p
from unionline.events import StoredEvent
from unionline.realtime import ACCESS_CHANNEL, EVENTS_CHANNEL, AccessChanged

if TYPE_CHECKING:
    from litestar.channels import ChannelsPlugin

log = logging.getLogger("unionline.console")
SIGNALS_CHANNEL = "signals"
FILL_PAGE = 500

_batch = msgspec.json.Decoder(list[StoredEvent])


class SignalMessage(msgspec.Struct, kw_only=True):
    """An ephemeral notice on the bus; ``organization_id`` decides who may see it."""

    signal: str
    organization_id: uuid.UUID | None
    data: dict[str, Any]
    origin: str = ""  # connection id of the sender (not echoed back to it)


_signal = msgspec.json.Decoder(SignalMessage)
_access = msgspec.json.Decoder(AccessChanged)


class Live(msgspec.Struct, frozen=True):
    """An event as a socket gets it from the hub: its position and its encoded frame."""

    position: int
    frame: bytes


class Connection:
    """What the hub needs to know about one socket: its queue and what it may see."""

    def __init__(self, conn_id: str, capacity: int, on_overflow: Callable[[], None]) -> None:
        self.id = conn_id
        self.queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue(maxsize=capacity)
        self.on_overflow = on_overflow
        self.overflowed = False
        self.scope = Scope(frozenset())  # kept current by the session
        self.admin = False
        # Whose socket it is, for access changes (set by the session).
        self.operator_id: uuid.UUID | None = None
        self.session: str | None = None  # digest of the sign-in session, if any
        self.on_access_changed: Callable[[AccessChanged], None] = lambda change: None

    def visible(self, organization_id: uuid.UUID | None) -> bool:
        if organization_id is None:
            return self.admin
        return self.scope.allows(organization_id)

    def offer(self, kind: str, item: Any) -> None:
        if self.overflowed:
            return
        try:
            self.queue.put_nowait((kind, item))
        except asyncio.QueueFull:
            self.overflowed = True
            self.on_overflow()


class Hub:
    def __init__(self, channels: ChannelsPlugin, read_after: Any = None) -> None:
        self.channels = channels
        self.read_after = read_after  # (position, limit) -> list[StoredEvent]: the event log
        self.connections: dict[str, Connection] = {}
        self.position = 0  # every event up to here went out to the connections
        self._pending: dict[int, StoredEvent] = {}  # events past a gap, in wait for it
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self.version = 0  # bumped when sockets or their scopes change
        self._audiences: dict[uuid.UUID | None, list[Connection]] = {}
        self._audiences_of = -1

    async def add(self, connection: Connection) -> None:
        """Register a socket; from now on it is offered every event after ``self.position``
        that it may see (the session replays what came before from the log)."""
        self.connections[connection.id] = connection
        self.changed()
        if self._task is None or self._task.done():
            self._ready.clear()
            self._task = asyncio.create_task(self._run(), name="unionline-console-hub")
        await self._ready.wait()

    def remove(self, connection: Connection) -> None:
        if self.connections.pop(connection.id, None) is not None:
            self.changed()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def publish_signal(self, message: SignalMessage) -> None:
        self.channels.publish(msgspec.json.encode(message), SIGNALS_CHANNEL)

    async def _run(self) -> None:
        async with (
            self.channels.start_subscription([ACCESS_CHANNEL]) as access,
            access.run_in_background(self._access, join=False),
            self.channels.start_subscription([EVENTS_CHANNEL, SIGNALS_CHANNEL]) as sub,
        ):
            # Subscribed first, then the log's end: anything positioned later arrives on the bus.
            self.position = await self._last_position()
            self._pending.clear()
            self._ready.set()
            async for raw in sub.iter_events():
                try:
                    await self._dispatch(raw)
                except Exception:
                    log.exception("console hub could not dispatch a bus message")

    async def _access(self, raw: bytes) -> None:
        # Apart from the events: a revocation must not wait behind a long replay or fill.
        try:
            self.access_changed(_access.decode(raw))
        except Exception:
            log.exception("console hub could not dispatch an access change")

    def access_changed(self, change: AccessChanged) -> None:
        """Tell the sockets concerned by ``change`` to re-check (or close)."""
        for connection in list(self.connections.values()):
            if (
                change.operator_id is not None and connection.operator_id == change.operator_id
            ) or (change.session is not None and connection.session == change.session):
                connection.on_access_changed(change)

    async def _last_position(self) -> int:
        from unionline.runtime import current

        return await current().events.last_position()

    async def _dispatch(self, raw: bytes) -> None:
        if raw.startswith(b"["):
            await self._events(_batch.decode(raw))
        else:
            self._signal(_signal.decode(raw))

    async def _events(self, batch: list[StoredEvent]) -> None:
        for event in batch:
            if event.position > self.position:
                self._pending[event.position] = event
        if not self._pending:
            return  # all seen before: a redelivery
        if min(self._pending) > self.position + 1:
            await self._fill(min(self._pending) - 1)
        ready = []
        while self.position + 1 in self._pending:
            ready.append(self._pending.pop(self.position + 1))
            self.position += 1
        if ready:
            self._fan_out(ready)

    async def _fill(self, until: int) -> None:
        """Read the events of a gap from the log (positions are final once handed out)."""
        read_after = self.read_after or _log_reader()
        after = self.position
        while after < until:
            page = [e for e in await read_after(after, FILL_PAGE) if e.position <= until]
            if not page:
                return
            for event in page:
                self._pending.setdefault(event.position, event)
            after = page[-1].position

    def _fan_out(self, events: list[StoredEvent]) -> None:
        """Offer each socket the events it may see, every frame encoded once."""
        per_socket: dict[str, list[Live]] = {}
        for event in events:
            frame = p.encoder.encode(p.EventFrame(event.position, event.type, event.payload))
            live = Live(event.position, frame)
            for connection in self._audience(event.organization_id):
                per_socket.setdefault(connection.id, []).append(live)
        for conn_id, items in per_socket.items():
            target = self.connections.get(conn_id)
            if target is not None:
                target.offer("events", items)

    def _signal(self, signal: SignalMessage) -> None:
        for connection in self._audience(signal.organization_id):
            if connection.id != signal.origin:
                connection.offer("signal", signal)

    def _audience(self, organization_id: uuid.UUID | None) -> list[Connection]:
        """The sockets that may see an organization's events (cached until sockets or
        scopes change), so an event costs its recipients, not every socket of the process."""
        if self._audiences_of != self.version:
            self._audiences.clear()
            self._audiences_of = self.version
        found = self._audiences.get(organization_id)
        if found is None:
            found = [c for c in self.connections.values() if c.visible(organization_id)]
            self._audiences[organization_id] = found
        return found

    def changed(self) -> None:
        """Sockets or their scopes changed: audiences are computed afresh."""
        self.version += 1


def _log_reader() -> Any:
    from unionline.runtime import current

    return current().events.read_after


def hub_of(state: dict[str, Any]) -> Hub:
    """The process's hub, created on first use."""
    hub = state.get("console_hub")
    if hub is None:
        hub = state["console_hub"] = Hub(state["channels"])
    return hub
