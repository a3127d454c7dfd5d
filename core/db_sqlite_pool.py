"""The long-lived SQLite connections of one open period: a writer taken in turns and a reader.

:class:`Connections` holds both. The writer takes every transaction and every statement that
may write, one task at a time (an asyncio lock held from BEGIN to COMMIT); the reader
(``query_only``) answers reads outside transactions, and WAL lets it read the last committed
state while a transaction is open on the writer. WAL checkpoints run on a thread, in a writer
turn of their own, every :data:`CHECKPOINT_EVERY` turns. Reads moved off the loop run on
``query_only`` thread connections kept for the next ones (:data:`SPARE_READERS`). How a
statement runs on them: :mod:`unionline.db_sqlite_inline`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

import aiosqlite

from unionline.db_sqlite_inline import (
    BUSY_TIMEOUT,
    InlineConnection,
    Pace,
    busy,
    error_code,
    fetch_on,
    may_read_only,
    on_a_thread,
    open_on_a_thread,
    retrying,
)

log = logging.getLogger("unionline.db")

CHECKPOINT_EVERY = 1000  # writer turns between WAL checkpoints
SPARE_READERS = 2  # thread connections kept for reads moved off the loop
# WAL: readers never block the writer nor it them. synchronous=NORMAL: a commit appends to the
# WAL without an fsync (checkpoints sync): an application crash loses nothing committed; a
# power cut or OS crash may undo the last commits, never corrupt the file. The writer leaves
# checkpoints (which fsync) to a thread instead of running them inside a COMMIT on the loop.
WRITER_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA wal_autocheckpoint = 0",
    "PRAGMA journal_size_limit = 67108864",
    "PRAGMA foreign_keys = ON",
)
READER_PRAGMAS = ("PRAGMA query_only = ON", "PRAGMA foreign_keys = ON")


class Connections:
    """The writer and the reader of one open period, and the writer's turns."""

    def __init__(self, connect_kwargs: dict[str, Any]) -> None:
        self.connect_kwargs = connect_kwargs
        self.pace = Pace()
        self.writer = InlineConnection(connect_kwargs, WRITER_PRAGMAS, self.pace)
        try:
            self.reader = InlineConnection(connect_kwargs, READER_PRAGMAS, self.pace)
        except BaseException:
            self.writer.close_now()
            raise
        self.write_turn = asyncio.Lock()
        self.loop = asyncio.get_running_loop()  # the lock waits on it, the connections live on it
        self.moved = 0  # statements moved to a thread (tests count them)
        self.spare: list[aiosqlite.Connection] = []  # thread readers kept for moved reads
        self.turns = 0  # writer turns since the last checkpoint
        self.closing = False
        self.checkpoint: asyncio.Task[Any] | None = None

    async def start(self) -> None:
        await self.writer.start()  # WAL first: the reader then opens a WAL database
        await self.reader.start()

    # -- the writer's turns -------------------------------------------------------------------

    async def acquire_writer(self) -> InlineConnection:
        try:
            async with asyncio.timeout(BUSY_TIMEOUT):
                await self.write_turn.acquire()
        except TimeoutError:
            raise sqlite3.OperationalError(
                f"database is locked: no turn to write within {BUSY_TIMEOUT:g} s"
            ) from None
        try:
            if self.writer.closed:  # by release_writer
                self.writer = InlineConnection(self.connect_kwargs, WRITER_PRAGMAS, self.pace)
            if not self.writer.ready:
                await self.writer.start()
        except BaseException:
            self.write_turn.release()
            raise
        return self.writer

    def release_writer(self) -> None:
        """End a turn. A transaction still open (its COMMIT or ROLLBACK failed) is rolled back
        here; if even that fails, the writer is replaced. Synchronous: a cancelled task cannot
        keep the turn."""
        try:
            if self.writer.in_transaction:
                self.writer.raw.execute("ROLLBACK")
        except sqlite3.Error:
            log.warning("SQLite writer replaced: its transaction could not be rolled back")
            self.writer.close_now()  # (closing undoes what it held; the next turn reopens)
        finally:
            self.write_turn.release()
        self.turns += 1
        if self.turns >= CHECKPOINT_EVERY and self.checkpoint is None and not self.closing:
            self.turns = 0
            self.checkpoint = asyncio.ensure_future(self._checkpoint())

    @contextlib.asynccontextmanager
    async def writing(self) -> AsyncIterator[InlineConnection]:
        writer = await self.acquire_writer()
        try:
            yield writer
        finally:
            self.release_writer()

    async def _checkpoint(self) -> None:
        """Fold the WAL into the file on a thread, in a writer turn of its own: with no writer
        appending meanwhile the checkpoint completes, and the next write starts the WAL over
        (a checkpoint racing the writer never catches up, and the WAL grows without end)."""
        try:
            async with self.writing():
                await on_a_thread(self.connect_kwargs, (), "PRAGMA wal_checkpoint(PASSIVE)", ())
        except (OSError, sqlite3.Error) as exc:
            log.warning("SQLite checkpoint failed: %s", exc)
        finally:
            self.checkpoint = None

    # -- statements outside transactions ----------------------------------------------------------

    async def autocommit(self, sql: str, args: Sequence[Any]) -> list[dict[str, Any]]:
        """Run one statement outside any transaction: on the reader when it only reads."""
        if may_read_only(sql):
            try:
                return await self._read(sql, args)
            except sqlite3.OperationalError as exc:
                if error_code(exc) != sqlite3.SQLITE_READONLY:
                    raise
        return await self._write(sql, args)

    async def _read(self, sql: str, args: Sequence[Any]) -> list[dict[str, Any]]:
        started = time.thread_time()
        try:
            rows = self.reader.budgeted(sql, args)
        except sqlite3.OperationalError as exc:
            if error_code(exc) != sqlite3.SQLITE_INTERRUPT and not busy(exc):
                raise
            return await self._moved_read(sql, args)
        await self.pace.after(started)
        return rows

    async def _write(self, sql: str, args: Sequence[Any]) -> list[dict[str, Any]]:
        started = time.thread_time()
        async with self.writing() as writer:
            try:
                rows = await retrying(lambda: writer.budgeted(sql, args))
            except sqlite3.OperationalError as exc:
                if error_code(exc) != sqlite3.SQLITE_INTERRUPT:
                    raise
                return await self._moved(sql, args, ("PRAGMA foreign_keys = ON",))
        await self.pace.after(started)  # (the turn given back first)
        return rows

    async def _moved_read(self, sql: str, args: Sequence[Any]) -> list[dict[str, Any]]:
        """A read moved off the loop, on a ``query_only`` thread connection kept for the next
        one (up to :data:`SPARE_READERS`): its page cache stays warm and nothing is opened per
        statement. A new connection per read opened the file, read its schema and every page
        it touched again: 64 against 29 ms (p50) for an English word searched in 200,000
        messages (benchmarks/README.md, "Search")."""
        self.moved += 1
        if self.spare:
            connection = self.spare.pop()
        else:
            connection = await open_on_a_thread(self.connect_kwargs, READER_PRAGMAS)
        try:
            rows = await fetch_on(connection, sql, args)
        except sqlite3.Error:
            await self._keep(connection)  # (an error leaves an autocommit connection as it was)
            raise
        except BaseException:
            await connection.close()
            raise
        await self._keep(connection)
        return rows

    async def _keep(self, connection: aiosqlite.Connection) -> None:
        if self.closing or len(self.spare) >= SPARE_READERS:
            await connection.close()
        else:
            self.spare.append(connection)

    async def _moved(
        self, sql: str, args: Sequence[Any], pragmas: Sequence[str]
    ) -> list[dict[str, Any]]:
        self.moved += 1
        return await on_a_thread(self.connect_kwargs, pragmas, sql, args)

    async def close(self) -> None:
        """Close both connections once the transaction holding the writer (and a checkpoint)
        is done — for ``BUSY_TIMEOUT`` at most: a transaction still open after that is undone."""
        self.closing = True
        if self.loop is asyncio.get_running_loop():  # (another loop cannot wait on our lock)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(BUSY_TIMEOUT):
                    if self.checkpoint is not None:
                        await self.checkpoint
                    await self.write_turn.acquire()
        spare, self.spare = self.spare, []
        for connection in spare:
            with contextlib.suppress(sqlite3.Error, ValueError):
                await connection.close()
        self.reader.close_now()
        self.writer.close_now()  # the last connection: SQLite checkpoints and removes the WAL
