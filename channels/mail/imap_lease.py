"""One IMAP poller per mailbox across every process of an install.

Two pollers on one mailbox would not lose or double mail (ingest dedups), but they would fetch
everything twice and race on the cursor. A poller therefore holds a lease while it runs:

* PostgreSQL: a session advisory lock on a connection of its own. The server releases it when
  the connection ends, so a crashed (even SIGKILLed) process frees the mailbox at once.
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

LOCK_CLASS = 0x6D61696C  # "mail": advisory lock class of the IMAP pollers


class Lease:
    """Exclusive right to poll one mailbox; :meth:`acquire` does not wait."""

    def __init__(self, account_id: uuid.UUID) -> None:
        self.account_id = account_id
        self._conn: Any = None
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._conn is not None or self._fd is not None

    async def acquire(self) -> bool:
        db = current().db
        if db.is_postgres:
            return await self._acquire_pg(db.url)
        return self._acquire_file(db.url.removeprefix("sqlite:///"))

    async def _acquire_pg(self, url: str) -> bool:
        import asyncpg

        conn = await asyncpg.connect(url)
        key = int.from_bytes(self.account_id.bytes[:4], "big", signed=True)
        try:
            got = await conn.fetchval("SELECT pg_try_advisory_lock($1, $2)", LOCK_CLASS, key)
        except BaseException:
            await conn.close()
            raise
        if not got:
            await conn.close()
            return False
        self._conn = conn
        return True

    def _acquire_file(self, database: str) -> bool:
        fd = os.open(f"{database}-mail-{self.account_id}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    async def alive(self) -> bool:
        """Whether the lease still holds (a PostgreSQL restart ends it)."""
        if self._fd is not None:
            return True
        if self._conn is None or self._conn.is_closed():
            return False
        try:
            await self._conn.fetchval("SELECT 1")
        except Exception:
            return False
        return True

    async def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the only descriptor drops the flock
            self._fd = None
        if self._conn is not None:
            conn, self._conn = self._conn, None
            with contextlib.suppress(Exception):
                await conn.close(timeout=5)
