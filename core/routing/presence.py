"""Operator presence: online, away, offline.

An operator is *offline* without an open console socket, else *away* when they chose away or
their console reported them idle (auto-away), else *online*. Only online operators get
appeals. Each socket is a row refreshed by its process while it lives; when the last one
closes, a job after the grace period checks whether a socket came back before going offline,
and a row its dead process stopped refreshing expires on its own (see the sweep).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable

import msgspec

from unionline.routing import candidates
from unionline.routing.config import routing_settings
from unionline.runtime import current, enqueue

log = logging.getLogger("unionline.routing")
PROCESS = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
CHECK_JOB = "routing.presence_check"
DRAIN_JOB = "routing.drain"
LEFT_JOB = "routing.operator_left"


class OperatorRef(msgspec.Struct, frozen=True):
    operator_id: uuid.UUID


class PresenceRow(msgspec.Struct, frozen=True, kw_only=True):
    """One row of ``routing_presence``."""

    operator_id: uuid.UUID
    status: str
    chosen: str
    idle: bool
    changed_at: float
    last_assigned_at: float


def effective(live: int, chosen: str, idle: bool) -> str:
    if live <= 0:
        return "offline"
    return "away" if chosen == "away" or idle else "online"


def _now() -> float:
    from unionline.routing.engine import now

    return now()


async def row_of(operator_id: uuid.UUID) -> PresenceRow | None:
    return await current().db.fetch_one_as(
        PresenceRow, "SELECT * FROM routing_presence WHERE operator_id = {}", operator_id
    )


async def live_connections(operator_id: uuid.UUID, at: float) -> int:
    ttl = routing_settings().connection_ttl_seconds
    row = await current().db.fetchone(
        "SELECT COUNT(*) AS n FROM routing_connection WHERE operator_id = {} AND seen_at >= {}",
        operator_id,
        at - ttl,
    )
    return int(row["n"]) if row else 0


async def apply(
    operator_id: uuid.UUID, at: float, *, chosen: str | None = None, idle: bool | None = None
) -> tuple[str, str]:
    """Recompute the operator's status (inside a transaction); returns (old, new)."""
    await candidates.lock(operator_id)
    row = await row_of(operator_id)
    old = row.status if row else "offline"
    chosen = chosen or (row.chosen if row else "online")
    idle = row.idle if idle is None and row else bool(idle)
    new = effective(await live_connections(operator_id, at), chosen, idle)
    changed = at if new != old or row is None else row.changed_at
    await current().db.execute(
        "INSERT INTO routing_presence (operator_id, status, chosen, idle, changed_at,"
        " last_assigned_at) VALUES ({}, {}, {}, {}, {}, 0)"
        " ON CONFLICT (operator_id) DO UPDATE SET status = excluded.status,"
        " chosen = excluded.chosen, idle = excluded.idle, changed_at = excluded.changed_at",
        operator_id,
        new,
        chosen,
        idle,
        changed,
    )
    if new != old:
        await _changed(operator_id, old, new, at)
    return old, new


async def _changed(operator_id: uuid.UUID, old: str, new: str, at: float) -> None:
    from unionline.db import current_tx

    if new == "online":  # room appeared: waiting appeals may go to them
        await _drain_soon()
    elif old == "online" or new == "offline":
        # Their pending offers go to someone else; gone offline, the unanswered appeals of
        # queues that ask for it too (flows.operator_left).
        key = f"{LEFT_JOB}:{operator_id}:{at}"
        await enqueue(LEFT_JOB, OperatorRef(operator_id), key=key)
    tx = current_tx()
    if tx is not None:
        tx.on_commit(lambda: announce(operator_id, new))


async def _drain_soon() -> None:
    """One drain at the end of the current second for everyone who came online in it: a
    morning's logins (or a restart's reconnects) cost one drain a second, not one each."""
    slot = int(time.time()) + 1
    await enqueue(
        DRAIN_JOB, None, key=f"{DRAIN_JOB}:online:{slot}", delay=max(0.0, slot - time.time())
    )


async def hold_changed(operator_id: uuid.UUID) -> None:
    """A plugin's hold on the operator (``routing_holds``) started or ended; call it in the
    transaction that changes it. Held: their pending offers go to someone else (held as gone,
    their unanswered appeals too, as :func:`flows.hand_back` says). Free again and online:
    waiting appeals are routed to them at once. Consoles hear the operator's presence again."""
    from unionline.db import current_tx

    at = _now()
    row = await row_of(operator_id)
    if await candidates.holds([operator_id]):
        await enqueue(LEFT_JOB, OperatorRef(operator_id), key=f"{LEFT_JOB}:{operator_id}:{at}")
    elif row is not None and row.status == "online":
        await enqueue(DRAIN_JOB, None, key=f"{DRAIN_JOB}:hold:{operator_id}:{at}")
    status = row.status if row is not None else "offline"
    tx = current_tx()
    if tx is not None:
        tx.on_commit(lambda: announce(operator_id, status))


# Who hears that an operator's status changed: the console, a layer above, installs its
# announcer with ``on_presence`` from its ``runtime_started`` hook (a port of this module).
Announcer = Callable[[uuid.UUID, str], Awaitable[None]]
_ANNOUNCER = "routing.presence_announcer"


def on_presence(announcer: Announcer) -> None:
    """Install what tells others of a presence change (the console does, in every process)."""
    current().state[_ANNOUNCER] = announcer


async def announce(operator_id: uuid.UUID, status: str) -> None:
    """Tell whoever listens (the consoles of the operator's organizations) after commit."""
    announcer: Announcer | None = current().state.get(_ANNOUNCER)
    if announcer is not None:
        await announcer(operator_id, status)


# -- console sockets ------------------------------------------------------------------------


async def connected(operator_id: uuid.UUID, connection_id: str) -> str:
    """A console socket opened; returns the operator's status."""
    at = _now()
    async with current().db.transaction():
        await current().db.execute(
            "INSERT INTO routing_connection (id, operator_id, process, opened_at, seen_at)"
            " VALUES ({}, {}, {}, {}, {})",
            connection_id,
            operator_id,
            PROCESS,
            at,
            at,
        )
        _, status = await apply(operator_id, at, idle=False)
    _keeper().ensure()
    return status


async def disconnected(operator_id: uuid.UUID, connection_id: str) -> None:
    """A console socket closed; the operator goes offline after the grace period unless
    another socket of theirs is open by then."""
    at = _now()
    grace = routing_settings().offline_grace_seconds
    async with current().db.transaction():
        await current().db.execute("DELETE FROM routing_connection WHERE id = {}", connection_id)
        if await live_connections(operator_id, at) == 0:
            await enqueue(
                CHECK_JOB, OperatorRef(operator_id), key=f"{CHECK_JOB}:{connection_id}", delay=grace
            )


async def check(operator_id: uuid.UUID, at: float | None = None) -> str:
    """Recompute the operator's status from their live sockets (the grace-period job)."""
    async with current().db.transaction():
        _, status = await apply(operator_id, _now() if at is None else at)
    return status


async def expire_stale(at: float) -> int:
    """Forget sockets of processes that died; their operators are re-checked."""
    ttl = routing_settings().connection_ttl_seconds
    db = current().db
    await db.execute("DELETE FROM routing_connection WHERE seen_at < {}", at - ttl)
    rows = await db.fetch_as(
        OperatorRef,
        "SELECT operator_id FROM routing_presence WHERE status != 'offline' AND operator_id"
        " NOT IN (SELECT operator_id FROM routing_connection WHERE seen_at >= {})",
        at - ttl,
    )
    for row in rows:
        await check(row.operator_id, at)
    return len(rows)


# -- the per-process refresher --------------------------------------------------------------


class Keeper:
    """Refreshes ``seen_at`` of this process's sockets every ``refresh_seconds``."""

    def __init__(self) -> None:
        self.task: asyncio.Task[None] | None = None

    def ensure(self) -> None:
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._run(), name="unionline-presence-keeper")

    async def _run(self) -> None:
        interval = routing_settings().refresh_seconds
        while True:
            await asyncio.sleep(interval)
            try:
                await self.refresh()
            except Exception:
                log.exception("could not refresh console connections")

    async def refresh(self) -> None:
        await current().db.execute(
            "UPDATE routing_connection SET seen_at = {} WHERE process = {}", _now(), PROCESS
        )

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
            self.task = None


def _keeper() -> Keeper:
    state = current().state
    keeper = state.get("routing_keeper")
    if keeper is None:
        keeper = state["routing_keeper"] = Keeper()
    return keeper


async def stop() -> None:
    keeper = current().state.get("routing_keeper")
    if keeper is not None:
        await keeper.stop()
