"""The console hub's process-wide ordering: batches reordered between relays or delivered
twice reach each socket once and in order, a gap is read from the log once per process (not
once per socket), and each socket gets only what its operator may see."""

from __future__ import annotations

import asyncio
import uuid

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from unionline.access import Scope
from unionline.console.hub import Connection, Hub, Live
from unionline.events import StoredEvent

ORG_A, ORG_B = uuid.uuid4(), uuid.uuid4()


def _event(position: int) -> StoredEvent:
    org = ORG_A if position % 2 else ORG_B
    payload = msgspec.json.encode({"n": position})
    return StoredEvent(position, position, "test.noticed", org, msgspec.Raw(payload))


class Log:
    """The event log as the hub reads it; counts the reads."""

    def __init__(self, last: int) -> None:
        self.events = [_event(n) for n in range(1, last + 1)]
        self.reads = 0

    async def read_after(self, position: int, limit: int) -> list[StoredEvent]:
        self.reads += 1
        return [e for e in self.events if e.position > position][:limit]


def _socket(hub: Hub, scope: frozenset[uuid.UUID] | None) -> Connection:
    connection = Connection(uuid.uuid4().hex, 10_000, lambda: None)
    connection.scope = Scope(scope)
    hub.connections[connection.id] = connection
    hub.changed()
    return connection


def _received(connection: Connection) -> list[int]:
    got: list[int] = []
    while not connection.queue.empty():
        kind, items = connection.queue.get_nowait()
        assert kind == "events"
        got += [item.position for item in items if isinstance(item, Live)]
    return got


@given(
    st.lists(st.integers(1, 40), min_size=1, max_size=60).map(lambda xs: [[x] for x in xs]),
    st.integers(0, 5),
)
def test_every_socket_gets_each_visible_event_once_in_order(
    deliveries: list[list[int]], start: int
) -> None:
    """Whatever the bus delivers (any order, duplicates, gaps), once the last position
    arrives each socket has had every event it may see after the start, once, in order."""
    last = max(p for batch in deliveries for p in batch)
    log = Log(last)
    hub = Hub(channels=None, read_after=log.read_after)  # type: ignore[arg-type]
    hub.position = min(start, last)
    sockets = [_socket(hub, frozenset({ORG_A})), _socket(hub, None), _socket(hub, frozenset())]
    sockets[1].admin = True

    async def feed() -> None:
        for batch in deliveries:
            await hub._events([_event(p) for p in batch])

    first = hub.position + 1
    asyncio.run(feed())
    expected = list(range(first, last + 1))
    assert hub.position == last
    assert _received(sockets[0]) == [p for p in expected if p % 2]  # ORG_A only
    assert _received(sockets[1]) == expected
    assert _received(sockets[2]) == []


def test_a_gap_is_read_from_the_log_once_for_all_sockets() -> None:
    log = Log(10)
    hub = Hub(channels=None, read_after=log.read_after)  # type: ignore[arg-type]
    sockets = [_socket(hub, None) for _ in range(50)]
    asyncio.run(hub._events([_event(10)]))  # 1..9 were relayed elsewhere, not yet here
    assert log.reads == 1
    assert all(_received(s) == list(range(1, 11)) for s in sockets)
    asyncio.run(hub._events([_event(n) for n in range(1, 11)]))  # the late copies
    assert all(_received(s) == [] for s in sockets)
