"""Typed domain events, the event log, and their delivery after commit.

``publish(event)`` writes the event to the log in the caller's transaction. Once that
transaction commits, the event goes to every plugin's ``on_event`` (in this process), and the
relay gives it its stream *position*: a dense number assigned in commit order, so a console that
resumes "after position N" can never miss an event that committed late with a lower id (the
PostgreSQL sequence trap). Positioned events are handed to the realtime sinks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import msgspec

from unionline.db import current_tx, database_unavailable, describe_error

if TYPE_CHECKING:
    from unionline.db import Database
    from unionline.hooks import Hooks

log = logging.getLogger("unionline.events")

RELAY_LOCK = 0x756E696F6E  # pg advisory lock key: one relay at a time across processes
NOTIFY_CHANNEL = "unionline_events"


class Event(msgspec.Struct, kw_only=True, tag_field="type"):
    """Base of every domain event; subclasses declare ``tag="<area>.<what>"``."""

    id: int = 0  # event-log id, set by publish()
    organization_id: uuid.UUID | None = None  # who may see it; None: admins only
    occurred_at: float = msgspec.field(default_factory=time.time)
    # What made it happen when not a person's request: "robot:<rule id>" for a robot's
    # action (set by publish() inside ``caused_by``), so rules can ignore robots' changes.
    cause: str | None = None


_cause: ContextVar[str | None] = ContextVar("unionline_event_cause", default=None)


@contextlib.contextmanager
def caused_by(cause: str) -> Iterator[None]:
    """Mark every event published inside the block with ``cause`` (unless it names one)."""
    token = _cause.set(cause)
    try:
        yield
    finally:
        _cause.reset(token)


def event_type_name(kind: type[Event]) -> str:
    tag = kind.__struct_config__.tag
    if not isinstance(tag, str):
        raise TypeError(f"{kind.__name__} needs an explicit string tag, e.g. tag='area.what'")
    return tag


class JobDead(Event, tag="system.job_dead"):
    """A job used up its attempts (or failed permanently) and is now a dead letter."""

    job_id: int
    name: str
    error: str


CORE_EVENTS: tuple[type[Event], ...] = (JobDead,)


class StoredEvent(msgspec.Struct, frozen=True):
    """An event as the realtime stream sees it: position, type and encoded payload."""

    position: int
    id: int
    type: str
    organization_id: uuid.UUID | None
    payload: msgspec.Raw


Sink = Callable[[list[StoredEvent]], Awaitable[None]]


_INSERT = (
    "INSERT INTO system_event (type, organization_id, payload, created_at)"
    " VALUES ({}, {}, {}, CURRENT_TIMESTAMP) RETURNING id"
)
_INSERT_NOTIFYING = (
    f"WITH e AS ({_INSERT}), n AS (SELECT pg_notify('{NOTIFY_CHANNEL}', '')) SELECT e.id FROM e, n"
)


class EventBus:
    """Publishes events into the log; delivers them after commit; runs the relay."""

    def __init__(self, db: Database, hooks: Hooks, types: dict[str, type[Event]]) -> None:
        self.db = db
        self.hooks = hooks
        self.types = types
        self.sinks: list[Sink] = []
        self._local: asyncio.Queue[Event] = asyncio.Queue()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._listener: Any = None
        self._stopping = False
        self.relay_interval = 0.5
        # Readiness fails when events wait and the relay has not completed a pass for this long.
        self.stall_after = 30.0
        self.last_relayed = time.monotonic()
        # After a pass that failed, the positions above this may have been committed without
        # this process knowing (the server took the commit, the reply was lost): re-emitted by
        # the next pass that succeeds. Sinks take an event twice gracefully (by position).
        self._uncertain_after: int | None = None

    # -- publishing -----------------------------------------------------------------------

    async def publish(self, event: Event) -> Event:
        """Write ``event`` to the log inside the current transaction (one is opened if none)."""
        name = event_type_name(type(event))
        if self.types.get(name) is not type(event):
            raise TypeError(f"event type {name!r} is not registered (register_events)")
        if current_tx() is None:
            async with self.db.transaction():
                return await self.publish(event)
        tx = current_tx()
        assert tx is not None
        if event.cause is None:
            event.cause = _cause.get()
        pending = tx.data.setdefault("events", [])
        first = not pending
        # The transaction's first event also queues the NOTIFY for other processes' relays,
        # in the same statement: one round trip less while the caller may hold row locks (a
        # docflow journal's counter is held from the number's upsert to the commit).
        sql = _INSERT_NOTIFYING if first and self.db.is_postgres else _INSERT
        row = await self.db.fetchone(
            sql, name, event.organization_id, msgspec.json.encode(event).decode()
        )
        assert row is not None
        event.id = int(row["id"])
        if first:
            tx.on_commit(lambda: self._committed(pending))
        pending.append(event)
        return event

    async def _committed(self, events: list[Event]) -> None:
        for event in events:
            self._local.put_nowait(event)
        self._wake.set()

    # -- delivery -------------------------------------------------------------------------

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._deliver_local(), name="unionline-events-local"),
            asyncio.create_task(self._relay_loop(), name="unionline-events-relay"),
        ]
        if self.db.is_postgres:
            await self._listen()

    async def stop(self) -> None:
        await self._local.join()
        if self.sinks:  # see _relay_loop
            await self.relay_once()
        # Let the relay finish its query instead of cancelling it mid-flight: a cancelled
        # aiosqlite call would complete on a thread after the loop has gone.
        self._stopping = True
        self._wake.set()
        local, relay = self._tasks or (None, None)
        if relay is not None:
            await relay
        if local is not None:
            local.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await local
        if self._listener is not None:
            await self._listener.close()
            self._listener = None

    async def drain(self) -> None:
        """Wait until every committed event reached ``on_event`` and the relay (for tests)."""
        await self._local.join()
        await self.relay_once()

    async def _deliver_local(self) -> None:
        while True:
            event = await self._local.get()
            try:
                await self.hooks.on_event(event)
            finally:
                self._local.task_done()

    async def _relay_loop(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.relay_interval)
            self._wake.clear()
            if self._stopping:
                return
            if not self.sinks:
                # Only a process with sinks (a web app: its realtime bus) relays. A worker or
                # command that numbered a batch would hand it to nobody: consoles would notice
                # the gap only when a later batch came through a web process, and the end of a
                # burst not before the next thing a web process did.
                continue
            try:
                while await self.relay_once():
                    pass
                await self._keep_listening()
            except Exception as exc:
                if database_unavailable(exc):  # a restart or outage: one line, not a traceback
                    log.warning("event relay: database unavailable (%s); retrying",
                                describe_error(exc))  # fmt: skip
                else:
                    log.exception("event relay failed; retrying")
                await asyncio.sleep(self.relay_interval)

    async def _listen(self) -> None:
        import asyncpg

        self._listener = await asyncpg.connect(self.db.url)
        await self._listener.add_listener(NOTIFY_CHANNEL, lambda *_: self._wake.set())

    async def _keep_listening(self) -> None:
        """Reconnect the LISTEN connection after the server restarted (until then the relay
        still runs every ``relay_interval``, only without the instant wake-up)."""
        if not self.db.is_postgres or self.listening:
            return
        self._listener = None
        await self._listen()
        self._wake.set()  # a notification may have been missed while it was down

    @property
    def listening(self) -> bool:
        """Whether commits in any process wake this relay at once (PostgreSQL LISTEN)."""
        return self._listener is not None and not self._listener.is_closed()

    def stalled(self, now: float | None = None) -> bool:
        """Whether this process's relay has not completed a pass for ``stall_after`` seconds."""
        return (now or time.monotonic()) - self.last_relayed > self.stall_after

    async def waiting(self) -> int:
        """Committed events not yet positioned (at most 1000 counted)."""
        row = await self.db.fetchone(
            "SELECT COUNT(*) AS n FROM (SELECT 1 FROM system_event"
            " WHERE position IS NULL LIMIT 1000) AS w"
        )
        return int(row["n"]) if row else 0

    async def relay_once(self, batch: int = 500) -> list[StoredEvent]:
        """Give committed, unpositioned events their positions (in id order) and emit them.

        A pass whose transaction fails may still have committed (a lost reply): the next pass
        that succeeds emits what lies between the last position known before the failure and
        its own, so no sink misses a batch."""
        started: list[int] = []
        try:
            stored = await self._position(batch, started)
        except BaseException:
            if started and self._uncertain_after is None:
                self._uncertain_after = started[0]
            raise
        self.last_relayed = time.monotonic()
        if self._uncertain_after is not None:
            stored = await self._maybe_missed(self._uncertain_after, started[0]) + stored
            self._uncertain_after = None
        if stored:
            for sink in self.sinks:
                try:
                    await sink(stored)
                except Exception:
                    log.exception("event sink %r failed", sink)
        return stored

    async def _maybe_missed(self, after: int, upto: int) -> list[StoredEvent]:
        # Positions are dense, so (after, upto] is the next upto - after of them.
        return await self.read_after(after, limit=upto - after) if upto > after else []

    async def _position(self, batch: int, started: list[int]) -> list[StoredEvent]:
        """One positioning transaction; ``started`` gets the highest position before it."""
        async with self.db.transaction():
            if self.db.is_postgres:
                await self.db.execute("SELECT pg_advisory_xact_lock({})", RELAY_LOCK)
            before = await self.db.fetchone(
                "SELECT COALESCE(MAX(position), 0) AS p FROM system_event"
            )
            started.append(int(before["p"]) if before else 0)
            rows = await self.db.fetch(
                "UPDATE system_event SET position = n.pos FROM ("
                " SELECT id, (SELECT COALESCE(MAX(position), 0) FROM system_event)"
                "  + ROW_NUMBER() OVER (ORDER BY id) AS pos"
                " FROM system_event WHERE position IS NULL ORDER BY id LIMIT {}) AS n"
                " WHERE system_event.id = n.id"
                " RETURNING system_event.id, system_event.position, system_event.type,"
                " system_event.organization_id, system_event.payload",
                batch,
            )
        return sorted((_stored(r) for r in rows), key=lambda e: e.position)

    # -- reading --------------------------------------------------------------------------

    async def read_after(self, position: int, limit: int = 1000) -> list[StoredEvent]:
        """Positioned events after ``position``, in order (for resuming subscribers)."""
        rows = await self.db.fetch(
            "SELECT id, position, type, organization_id, payload FROM system_event"
            " WHERE position > {} ORDER BY position LIMIT {}",
            position,
            limit,
        )
        return [_stored(r) for r in rows]

    async def last_position(self) -> int:
        row = await self.db.fetchone("SELECT COALESCE(MAX(position), 0) AS p FROM system_event")
        return int(row["p"]) if row else 0

    def decode(self, stored: StoredEvent) -> Event | None:
        kind = self.types.get(stored.type)
        if kind is None:
            return None  # a disabled plugin's event: kept in the log, not decoded
        event = msgspec.json.decode(stored.payload, type=kind)
        event.id = stored.id
        return event


def _stored(row: dict[str, Any]) -> StoredEvent:
    org = row["organization_id"]
    return StoredEvent(
        position=int(row["position"]),
        id=int(row["id"]),
        type=row["type"],
        organization_id=uuid.UUID(str(org)) if org else None,
        payload=msgspec.Raw(row["payload"].encode()),
    )
