"""The event log: published in the caller's transaction, delivered to ``on_event`` once after
commit, never after a rollback; the relay gives dense positions in commit order, so a reader
resuming with ``read_after(last_position)`` never misses an event that committed late."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator

import pytest

from unionline import hookimpl
from unionline.events import Event, EventBus, StoredEvent
from unionline.registry import EventsRegistrar
from unionline.settings import Settings
from unionline.testing import AppHarness
from unionline.testing.support import running_app


class Ping(Event, tag="test.ping"):
    n: int = 0


class Unregistered(Event, tag="test.unregistered"):
    pass


class Listener:
    """Registers Ping and records every Ping it hears, as (event id, n)."""

    def __init__(self) -> None:
        self.heard: list[tuple[int, int]] = []

    @hookimpl
    def register_events(self, register: EventsRegistrar) -> None:
        register(Ping)

    @hookimpl
    async def on_event(self, event: Event) -> None:
        if isinstance(event, Ping):
            self.heard.append((event.id, event.n))


class Abort(Exception):
    """Raised inside a transaction to roll it back."""


@pytest.fixture
def listener() -> Listener:
    return Listener()


@pytest.fixture
async def app(unionline_settings: Settings, listener: Listener) -> AsyncIterator[AppHarness]:
    async with running_app(
        unionline_settings, migrate=True, extra_plugins={"listener": listener}
    ) as harness:
        await harness.settle()
        yield harness


async def pings(bus: EventBus) -> list[StoredEvent]:
    return [e for e in await bus.read_after(0) if e.type == "test.ping"]


async def test_rolled_back_event_reaches_no_listener(app: AppHarness, listener: Listener) -> None:
    bus, db = app.runtime.events, app.runtime.db
    with pytest.raises(Abort):
        async with db.transaction():
            event = await bus.publish(Ping(n=1))
            assert event.id > 0  # written to the log, inside the transaction
            raise Abort
    await app.settle()
    assert listener.heard == []
    assert await pings(bus) == []
    rows = await db.fetch("SELECT id FROM system_event WHERE type = {}", "test.ping")
    assert rows == []  # not in the log either, positioned or not


async def test_committed_event_reaches_on_event_once_with_its_id(
    app: AppHarness, listener: Listener
) -> None:
    bus, db = app.runtime.events, app.runtime.db
    async with db.transaction():
        first = await bus.publish(Ping(n=1))
        second = await bus.publish(Ping(n=2))
        assert listener.heard == []  # nothing is delivered before the commit
    third = await bus.publish(Ping(n=3))  # outside a transaction: one of its own
    await app.settle()
    await app.settle()  # settling again delivers nothing twice
    assert listener.heard == [(first.id, 1), (second.id, 2), (third.id, 3)]
    assert first.id < second.id < third.id
    stored = await pings(bus)
    assert [bus.decode(e) for e in stored] == [first, second, third]


async def test_positions_are_dense_and_follow_commit_order(app: AppHarness) -> None:
    bus = app.runtime.events
    for n in range(5):
        await bus.publish(Ping(n=n))
    await app.settle()
    everything = await bus.read_after(0)
    assert [e.position for e in everything] == list(range(1, len(everything) + 1))
    assert await bus.last_position() == len(everything)
    tail = await bus.read_after(everything[-3].position)
    assert tail == everything[-2:]
    assert await bus.read_after(everything[1].position, limit=2) == everything[2:4]


async def test_late_commit_with_lower_id_gets_the_later_position(
    app: AppHarness, on_postgres: bool
) -> None:
    """The PostgreSQL sequence trap, step by step: A takes id 1, B takes id 2, B commits, a
    reader reads up to B; then A commits. A must come *after* B, or the reader skips it."""
    if not on_postgres:
        pytest.skip("SQLite lets one writer at a time in, so a lower id cannot commit later")
    bus, db = app.runtime.events, app.runtime.db
    a_published, release_a = asyncio.Event(), asyncio.Event()

    async def a() -> Event:
        async with db.transaction():
            event = await bus.publish(Ping(n=1))
            a_published.set()
            await release_a.wait()
        return event

    task_a = asyncio.create_task(a())
    await a_published.wait()
    async with db.transaction():
        event_b = await bus.publish(Ping(n=2))
    await bus.relay_once()
    seen = await pings(bus)
    assert [e.id for e in seen] == [event_b.id]  # A is still open: not positioned yet
    release_a.set()
    event_a = await task_a
    assert event_a.id < event_b.id
    await app.settle()
    resumed = [e for e in await bus.read_after(seen[-1].position) if e.type == "test.ping"]
    assert [e.id for e in resumed] == [event_a.id]  # not skipped
    assert resumed[0].position > seen[-1].position


async def test_concurrent_writers_and_an_incremental_reader_miss_nothing(
    app: AppHarness, listener: Listener, on_postgres: bool
) -> None:
    """Many transactions commit in random order while relays run and a reader resumes from
    its last position: the reader sees every committed event once, in position order."""
    bus, db = app.runtime.events, app.runtime.db
    rng = random.Random(20261128)
    committed: dict[int, int] = {}  # event id -> n
    rolled_back: set[int] = set()  # n of the events whose transaction rolled back
    writers_done = asyncio.Event()
    writers = asyncio.Semaphore(6)

    async def writer(n: int) -> None:
        await asyncio.sleep(rng.random() * 0.01)
        try:
            # At most 6 open at once, so the relays and the reader get pool connections too.
            async with writers, db.transaction():
                event = await bus.publish(Ping(n=n))
                await asyncio.sleep(rng.random() * 0.02)  # commit later than others started
                if n % 7 == 0:
                    raise Abort
        except Abort:
            rolled_back.add(n)  # (SQLite may hand its id to a later event: compare by n)
            return
        committed[event.id] = n

    async def extra_relay() -> None:  # a second relay racing the app's own
        while not writers_done.is_set():
            await bus.relay_once(batch=5)
            await asyncio.sleep(0.003)

    async def reader() -> list[StoredEvent]:
        read: list[StoredEvent] = []
        last = 0
        while True:
            batch = await bus.read_after(last, limit=7)
            read += batch
            last = batch[-1].position if batch else last
            if not batch:
                if writers_done.is_set() and await bus.last_position() == last:
                    return read
                await asyncio.sleep(0.002)

    reading = asyncio.create_task(reader())
    relaying = asyncio.create_task(extra_relay())
    await asyncio.gather(*(writer(n) for n in range(80)))
    await app.settle()
    writers_done.set()
    await relaying
    read = await reading

    mine = [e for e in read if e.type == "test.ping"]
    assert sorted(e.id for e in mine) == sorted(committed)  # every committed event, once
    assert rolled_back and not rolled_back & {bus.decode(e).n for e in mine}
    assert [e.position for e in read] == list(range(1, len(read) + 1))  # in order, no gaps
    assert [bus.decode(e).n for e in mine] == [committed[e.id] for e in mine]
    assert sorted(listener.heard) == sorted(committed.items())  # on_event once each
    if on_postgres:
        ids_in_position_order = [e.id for e in mine]
        assert ids_in_position_order != sorted(ids_in_position_order)  # the trap did occur


async def test_publishing_an_unregistered_event_type_is_refused(app: AppHarness) -> None:
    bus = app.runtime.events
    with pytest.raises(TypeError, match=r"event type 'test.unregistered' is not registered"):
        await bus.publish(Unregistered())

    class Untagged(Event):  # msgspec tags it with its class name; nobody registered that
        pass

    with pytest.raises(TypeError, match="event type 'Untagged' is not registered"):
        await bus.publish(Untagged())
    await app.settle()
    rows = await app.runtime.db.fetch(
        "SELECT id FROM system_event WHERE type IN ({}, {})", "test.unregistered", "Untagged"
    )
    assert rows == []


async def test_event_tag_must_be_registered_by_exactly_one_plugin(
    unionline_settings: Settings,
) -> None:
    from unionline.errors import PluginError

    with pytest.raises(PluginError, match=r"event type 'test\.ping' is already registered"):
        async with running_app(
            unionline_settings, migrate=True, extra_plugins={"one": Listener(), "two": Listener()}
        ):
            pass


async def test_a_committed_transaction_notifies_other_processes_once(
    app: AppHarness, on_postgres: bool
) -> None:
    """On PostgreSQL the transaction's first event queues the NOTIFY that wakes other
    processes' relays (in the event's own INSERT): one per committed transaction, none for a
    rolled-back one — counted up to a marker sent after both, as notices arrive in commit
    order."""
    if not on_postgres:
        pytest.skip("SQLite has one process's relay only")
    import asyncpg

    from unionline.events import NOTIFY_CHANNEL

    bus, db = app.runtime.events, app.runtime.db
    heard: list[str] = []
    marker = asyncio.Event()

    def on_notice(_conn: object, _pid: int, _channel: str, payload: str) -> None:
        heard.append(payload)
        if payload == "marker":
            marker.set()

    dsn = app.runtime.settings.database_url.replace("postgresql+asyncpg", "postgresql")
    other = await asyncpg.connect(dsn)
    try:
        await other.add_listener(NOTIFY_CHANNEL, on_notice)
        with pytest.raises(Abort):
            async with db.transaction():
                await bus.publish(Ping(n=1))
                raise Abort
        async with db.transaction():
            await bus.publish(Ping(n=2))
            await bus.publish(Ping(n=3))
        await db.execute("SELECT pg_notify({}, 'marker')", NOTIFY_CHANNEL)
        await asyncio.wait_for(marker.wait(), 30)
    finally:
        await other.close()
    assert heard == ["", "marker"]
