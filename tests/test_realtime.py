"""The realtime bus on Redis outlives a Redis error: one failed publish or read does not
silence the process's bus (Litestar's channels plugin runs each in one task that an exception
would end for good), nor does the expiry of a stream's key. Only processes that publish on the
bus relay events."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from litestar.channels import ChannelsPlugin
from redis.exceptions import ConnectionError as RedisConnectionError

from unionline import hookimpl, realtime
from unionline.events import Event, EventBus, StoredEvent
from unionline.realtime import EVENTS_CHANNEL, StreamBackend, make_channels
from unionline.registry import EventsRegistrar
from unionline.settings import Settings
from unionline.testing import require_service
from unionline.testing.support import TEST_SECRET, redis_url, running_app

REDIS_DB = 12  # a database of its own: these tests' streams only


@pytest.fixture
async def bus(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ChannelsPlugin]:
    parts = urlsplit(redis_url())
    require_service("Redis", parts.hostname or "127.0.0.1", parts.port or 6379)
    url = urlunsplit(parts._replace(path=f"/{REDIS_DB}"))
    monkeypatch.setattr(realtime, "RETRY_SECONDS", 0.05)
    channels = make_channels(Settings(secret_key=TEST_SECRET, redis_url=url))
    backend = channels._backend
    assert isinstance(backend, StreamBackend)
    backend._key_prefix = f"unionline-test-{uuid.uuid4().hex[:8]}"  # this test's streams only
    async with channels:
        yield channels
    await backend.flush_all()
    await backend._redis.aclose()


async def received(channels: ChannelsPlugin, *published: bytes) -> list[bytes]:
    """Publish each message in turn; what a subscriber of the events channel got."""
    got: list[bytes] = []
    async with channels.start_subscription([EVENTS_CHANNEL]) as subscriber:
        for data in published:
            channels.publish(data, EVENTS_CHANNEL)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(10):
                async for data in subscriber.iter_events():
                    got.append(data)
                    if data == published[-1]:
                        break
    return got


def fail_once(target: Any, name: str, monkeypatch: pytest.MonkeyPatch) -> list[Exception]:
    original = getattr(target, name)
    failures: list[Exception] = [RedisConnectionError("Connection reset by peer")]

    async def flaky(*args: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop()
        return await original(*args, **kwargs)

    monkeypatch.setattr(target, name, flaky)
    return failures


async def test_a_batch_published_while_the_bus_stops_does_not_fail_the_shutdown() -> None:
    """A batch put between the shutdown's drain and its dropping of the queue (the relay still
    publishing as the app stops) once failed the whole shutdown with an AttributeError."""
    channels = make_channels(Settings(secret_key=TEST_SECRET))
    backend = channels._backend
    gate = asyncio.Event()
    original = backend.publish
    calls = 0

    async def publish(data: bytes, names: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            await gate.wait()
            # Lands after the drain is seen complete, before the shutdown goes on.
            asyncio.get_running_loop().call_soon(channels.publish, b"late", EVENTS_CHANNEL)
        await original(data, names)

    backend.publish = publish  # type: ignore[method-assign]
    await channels.__aenter__()
    channels.publish(b"first", EVENTS_CHANNEL)
    await asyncio.sleep(0)
    stopping = asyncio.create_task(channels.__aexit__(None, None, None))
    await asyncio.sleep(0)
    gate.set()
    async with asyncio.timeout(10):
        await stopping
    assert calls == 2


async def test_a_failed_publish_does_not_stop_the_next(
    bus: ChannelsPlugin, monkeypatch: pytest.MonkeyPatch
) -> None:
    failures = fail_once(bus._backend, "_publish_script", monkeypatch)
    got = await received(bus, b"lost", b"delivered")
    assert not failures
    assert got == [b"delivered"]


async def test_a_failed_read_does_not_stop_delivery(
    bus: ChannelsPlugin, monkeypatch: pytest.MonkeyPatch
) -> None:
    failures = fail_once(bus._backend._redis, "xread", monkeypatch)  # type: ignore[attr-defined]
    got = await received(bus, b"first", b"second")
    assert not failures
    assert got == [b"first", b"second"]


async def test_a_subscription_outlives_the_expiry_of_the_stream_key(bus: ChannelsPlugin) -> None:
    backend = bus._backend
    assert isinstance(backend, StreamBackend)
    backend._stream_ttl = 100  # ms; Litestar's default is a minute without a publish
    async with bus.start_subscription([EVENTS_CHANNEL]) as subscriber:
        bus.publish(b"before", EVENTS_CHANNEL)
        async with asyncio.timeout(10):
            assert await anext(subscriber.iter_events()) == b"before"
            while await backend._redis.exists(backend._make_key(EVENTS_CHANNEL)):
                await asyncio.sleep(0.05)
        bus.publish(b"after", EVENTS_CHANNEL)
        async with asyncio.timeout(10):
            assert await anext(subscriber.iter_events()) == b"after"


class Ping(Event, tag="test.realtime_ping"):
    n: int = 0


class Pings:
    @hookimpl
    def register_events(self, register: EventsRegistrar) -> None:
        register(Ping)


async def test_only_a_process_with_a_realtime_sink_relays(unionline_settings: Settings) -> None:
    """A worker or command numbering a batch would publish it nowhere: consoles would see the
    gap only when a later batch came through a web process."""
    async with running_app(
        unionline_settings, migrate=True, extra_plugins={"pings": Pings()}
    ) as app:
        rt = app.runtime
        published: list[StoredEvent] = []

        async def sink(batch: list[StoredEvent]) -> None:
            published.extend(batch)

        rt.events.sinks.append(sink)
        worker = EventBus(rt.db, rt.hooks, rt.events.types)  # a job worker's bus: no sinks
        await worker.start()
        try:
            committed = set()
            for n in range(20):  # committed in the worker process, one by one
                async with rt.db.transaction():
                    committed.add((await worker.publish(Ping(n=n))).id)
                await asyncio.sleep(0.01)
            async with asyncio.timeout(15):
                while not committed <= {e.id for e in published}:
                    await asyncio.sleep(0.05)
        finally:
            await worker.stop()
