"""One process of the install runs this: a lease on a name and a key (a mailbox's poller, a SIP
line's agent) that at most one process holds at a time, taken without waiting.

* PostgreSQL: a session advisory lock ``(class, key)`` on the process's lease connection — one
  connection per runtime, shared by all its leases, opened at the first try and closed when the
  runtime stops. The server drops the locks when the connection ends, so a crashed (even
  SIGKILLed) process frees its leases at once. When that connection dies (the server restarted)
  every lease on it is lost: :attr:`Lease.held` is false from the next check on, and the
  owners stop what they ran under it and try again.
* SQLite: an exclusive ``flock`` on ``<database>-<name>-<key>.lock`` beside the database file.
  The processes sharing a SQLite file share the machine, and the kernel drops the lock with the
  dead process.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import re
import uuid
from typing import Any

from unionline.runtime import Runtime, current

_NAME = re.compile(r"[a-z0-9]{4}")
_STATE_KEY = "unionline.lease"
APPLICATION_NAME = "unionline leases"  # how pg_stat_activity shows the lease connection


class _Connection:
    """A runtime's PostgreSQL connection for its leases; the locks taken on it, by lease.

    Advisory locks belong to the session, so every use of the one connection is serialised
    (``lock``), and a connection that failed is dropped with everything taken on it: its
    ``generation`` moves on, and the leases of the old one are no longer held."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.lock = asyncio.Lock()
        self.conn: Any = None
        self.generation = 0
        self.taken: set[tuple[str, uuid.UUID]] = set()

    def open(self, generation: int) -> bool:
        return generation == self.generation and self.conn is not None and not self.conn.is_closed()

    def notice(self) -> None:
        """Drop a connection that ended by itself (asyncpg saw the socket close)."""
        if self.conn is not None and self.conn.is_closed():
            self.drop()

    async def connect(self) -> None:
        import asyncpg

        self.notice()
        if self.conn is None:
            self.conn = await asyncpg.connect(
                self.url, timeout=10, server_settings={"application_name": APPLICATION_NAME}
            )

    def drop(self) -> None:
        """Forget the connection and every lock taken on it (they end with it)."""
        conn, self.conn = self.conn, None
        self.generation += 1
        self.taken.clear()
        if conn is not None and not conn.is_closed():
            conn.terminate()

    async def close(self) -> None:
        async with self.lock:
            conn, self.conn = self.conn, None
            self.generation += 1
            self.taken.clear()
            if conn is not None:
                with contextlib.suppress(Exception):
                    await conn.close(timeout=5)


def _connection(runtime: Runtime) -> _Connection:
    shared = runtime.state.get(_STATE_KEY)
    if shared is None:
        shared = runtime.state[_STATE_KEY] = _Connection(runtime.db.url)
        # Closed after every other stopping step: the holders stop what they run first.
        runtime.stopping.insert(0, shared.close)
    return shared


class Lease:
    """The right to run one thing (``key``) of a kind (``name``) in this process only;
    :meth:`acquire` does not wait.

    ``name`` is four lowercase ASCII letters or digits (``mail``, ``sipa``): on PostgreSQL the
    advisory lock class, so a kind's name must be its own across the install. The key's lock
    is its first 32 bits (two keys of one kind sharing them share a lock)."""

    def __init__(self, name: str, key: uuid.UUID) -> None:
        if not _NAME.fullmatch(name):
            raise ValueError(f"Lease name must be four lowercase letters or digits: {name!r}")
        self.name = name
        self.key = key
        self._shared: _Connection | None = None
        self._generation = -1
        self._fd: int | None = None

    @property
    def _pg_key(self) -> tuple[int, int]:
        return (
            int.from_bytes(self.name.encode("ascii"), "big", signed=True),
            int.from_bytes(self.key.bytes[:4], "big", signed=True),
        )

    @property
    def held(self) -> bool:
        """Held as far as this process knows: false once a check found the connection gone."""
        if self._fd is not None:
            return True
        return self._shared is not None and self._shared.open(self._generation)

    async def acquire(self) -> bool:
        """Take the lease if no process holds it (another lease of this process counts); True
        while this lease holds it."""
        if self.held:
            return await self.alive()
        self._shared = None
        runtime = current()
        if runtime.db.is_postgres:
            return await self._acquire_pg(_connection(runtime))
        return self._acquire_file(runtime.db.url.removeprefix("sqlite:///"))

    async def _acquire_pg(self, shared: _Connection) -> bool:
        async with shared.lock:
            shared.notice()
            if (self.name, self.key) in shared.taken:
                return False
            try:
                await shared.connect()
                got = await shared.conn.fetchval(
                    "SELECT pg_try_advisory_lock($1, $2)", *self._pg_key
                )
            except BaseException:
                shared.drop()
                raise
            if got:
                shared.taken.add((self.name, self.key))
                self._shared, self._generation = shared, shared.generation
            return bool(got)

    def _acquire_file(self, database: str) -> bool:
        path = f"{database}-{self.name}-{self.key}.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    async def alive(self) -> bool:
        """Check that the lease still holds (a PostgreSQL restart ends it, and every lease on
        the connection with it); :attr:`held` says the same afterwards."""
        if self._fd is not None or not self.held:
            return self.held
        shared = self._shared
        assert shared is not None
        async with shared.lock:
            shared.notice()
            if not shared.open(self._generation):
                return False
            try:
                await shared.conn.fetchval("SELECT 1", timeout=10)
            except Exception:
                shared.drop()
                return False
        return True

    async def release(self) -> None:
        """Give the lease up (nothing when it is not held)."""
        if self._fd is not None:
            os.close(self._fd)  # closing the only descriptor drops the flock
            self._fd = None
        shared, self._shared = self._shared, None
        if shared is None:
            return
        async with shared.lock:
            shared.notice()
            if not shared.open(self._generation):
                return
            shared.taken.discard((self.name, self.key))
            try:
                await shared.conn.fetchval("SELECT pg_advisory_unlock($1, $2)", *self._pg_key)
            except BaseException as exc:
                shared.drop()  # not known to be given up: the connection goes, the lock with it
                if not isinstance(exc, Exception):
                    raise
