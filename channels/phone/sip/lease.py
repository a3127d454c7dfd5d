"""One SIP agent per line across every process of an install: the agent runs under a lease.

Two agents of one line would both register the line's account (the registrar's binding flaps
between them) and both answer its calls. The processes that may run agents therefore try for
the line's lease, and the one that holds it runs the agent:

* PostgreSQL: a session advisory lock on a connection of its own. The server drops it when the
  connection ends, so a crashed (even SIGKILLed) process frees the line at once.
* SQLite: an exclusive ``flock`` on a file next to the database file. The processes sharing a
  SQLite file share the machine, and the kernel drops the lock with the dead process.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import uuid
from typing import Any

from unionline import current

LOCK_CLASS = 0x73697061  # "sipa": advisory lock class of the SIP agents


class Lease:
    """The right to run one line's agent; :meth:`acquire` does not wait."""

    def __init__(self, line_id: uuid.UUID) -> None:
        self.line_id = line_id
        self.held = False
        self._conn: Any = None  # PostgreSQL: kept between tries, so a standby costs no connects
        self._fd: int | None = None

    async def acquire(self) -> bool:
        db = current().db
        if db.is_postgres:
            self.held = await self._acquire_pg(db.url)
        else:
            self.held = self._acquire_file(db.url.removeprefix("sqlite:///"))
        return self.held

    async def _acquire_pg(self, url: str) -> bool:
        import asyncpg

        if self._conn is None or self._conn.is_closed():
            self._conn = await asyncpg.connect(url)
        key = int.from_bytes(self.line_id.bytes[:4], "big", signed=True)
        try:
            return bool(
                await self._conn.fetchval("SELECT pg_try_advisory_lock($1, $2)", LOCK_CLASS, key)
            )
        except Exception:
            await self.release()
            raise

    def _acquire_file(self, database: str) -> bool:
        fd = os.open(f"{database}-sip-{self.line_id}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    async def alive(self) -> bool:
        """Whether the lease still holds (a PostgreSQL restart ends it)."""
        if not self.held:
            return False
        if self._fd is not None:
            return True
        try:
            await self._conn.fetchval("SELECT 1")
        except Exception:
            return False
        return True

    async def release(self) -> None:
        self.held = False
        if self._fd is not None:
            os.close(self._fd)  # closing the only descriptor drops the flock
            self._fd = None
        if self._conn is not None:
            conn, self._conn = self._conn, None
            with contextlib.suppress(Exception):
                await conn.close(timeout=5)
