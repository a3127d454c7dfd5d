"""SQLite statements on the event loop's own thread, and on a thread when they cannot stay there.

:class:`InlineConnection` is a sqlite3 connection used on the loop's thread with the async
methods of aiosqlite's connection that piccolo's transactions call. It has no busy timeout:
:func:`retrying` tries a statement that finds the file locked by another process again after a
pause (for up to :data:`BUSY_TIMEOUT`), so the loop never waits inside SQLite. A statement
outside a transaction runs for at most :data:`INLINE_BUDGET` of the loop thread's CPU
(:meth:`InlineConnection.budgeted`); past that SQLite stops and undoes it and the caller runs it
again on a thread connection (:func:`open_on_a_thread`, piccolo's way). :class:`Pace` gives
the loop to other tasks after each 2 ms of statements. The connections themselves, their turns
and pragmas: :mod:`unionline.db_sqlite_pool`; the engine: :mod:`unionline.db_sqlite`.
"""

from __future__ import annotations

import asyncio
import math
import sqlite3
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import aiosqlite
from piccolo.engine.sqlite import dict_factory

T = TypeVar("T")

# Seconds a writer waits for its turn (other tasks' transactions, then other processes' locks)
# before failing with "database is locked", as piccolo's engine did with ``timeout=30``.
BUSY_TIMEOUT = 30.0
# Seconds of the loop thread's CPU a statement outside a transaction may take before it is
# moved to a thread (SQLite checks every PROGRESS_STEPS virtual-machine steps). CPU, not wall
# time: a statement the OS happened to pause is not a long statement.
INLINE_BUDGET = 0.002
PROGRESS_STEPS = 1000
_READ_STARTS = ("SELECT", "WITH", "VALUES")


def may_read_only(sql: str) -> bool:
    """Whether ``sql`` is worth trying on the reader (which refuses it if it writes)."""
    return sql.lstrip().upper().startswith(_READ_STARTS)


def error_code(exc: sqlite3.Error) -> int:
    return getattr(exc, "sqlite_errorcode", -1)


def busy(exc: sqlite3.Error) -> bool:
    """Another connection holds the lock: trying again later can succeed. (Not a deferred
    transaction's stale snapshot, SQLITE_BUSY_SNAPSHOT, which only a new transaction cures.)"""
    code = error_code(exc)
    return code & 0xFF == sqlite3.SQLITE_BUSY and code != 517


async def retrying(call: Callable[[], T]) -> T:
    """``call()`` until it does not find the file locked by another process (BUSY_TIMEOUT)."""
    waited, pause = 0.0, 0.001
    while True:
        try:
            return call()
        except sqlite3.OperationalError as exc:
            if not busy(exc) or waited >= BUSY_TIMEOUT:
                raise
        await asyncio.sleep(pause)
        waited += pause
        pause = min(pause * 2, 0.05)


class Pace:
    """The loop's share of SQLite work: after INLINE_BUDGET of statements (CPU) the task that
    ran the last one lets the loop run the others once — SQLite calls on the loop do not
    suspend, so a task running statements back to back would otherwise keep it to itself."""

    def __init__(self) -> None:
        self.worked = 0.0

    async def after(self, started: float) -> None:
        self.worked += time.thread_time() - started
        if self.worked > INLINE_BUDGET:
            self.worked = 0.0
            await asyncio.sleep(0)


class InlineConnection:
    """A sqlite3 connection used on the event loop's thread, with the async methods of
    aiosqlite's connection that piccolo's transactions and ``unionline.members.bulk`` call.

    A statement inside a transaction runs to its end (and :class:`Pace` lets other tasks run
    between statements: a long transaction, an import, does not stop the rest of the process).
    """

    def __init__(self, connect_kwargs: dict[str, Any], pragmas: Sequence[str], pace: Pace) -> None:
        self.raw = sqlite3.connect(**{**connect_kwargs, "timeout": 0})
        self.raw.row_factory = dict_factory
        self.pragmas = pragmas
        self.ready = self.closed = False
        self.deadline = math.inf
        self.pace = pace
        self.raw.set_progress_handler(self._over_budget, PROGRESS_STEPS)

    async def start(self) -> None:
        for pragma in self.pragmas:
            await self.execute_fetchall(pragma)
        self.ready = True

    def _over_budget(self) -> bool:
        return time.thread_time() > self.deadline  # True interrupts the statement

    def budgeted(self, sql: str, args: Sequence[Any]) -> list[dict[str, Any]]:
        """Run a statement outside any transaction for at most INLINE_BUDGET (then SQLite
        raises "interrupted" and undoes it: safe only outside a transaction)."""
        assert not self.raw.in_transaction
        self.deadline = time.thread_time() + INLINE_BUDGET
        try:
            return cast(list[dict[str, Any]], self.raw.execute(sql, args).fetchall())
        finally:
            self.deadline = math.inf

    async def _run(self, call: Callable[[], T]) -> T:
        started = time.thread_time()
        result = await retrying(call)
        await self.pace.after(started)
        return result

    # -- aiosqlite's surface ------------------------------------------------------------------

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> sqlite3.Cursor:
        return await self._run(lambda: self.raw.execute(sql, parameters))

    async def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:
        return await self._run(lambda: self.raw.executemany(sql, rows))

    async def execute_fetchall(
        self, sql: str, parameters: Sequence[Any] = ()
    ) -> list[dict[str, Any]]:
        return await self._run(lambda: self.raw.execute(sql, parameters).fetchall())

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    async def close(self) -> None:
        self.close_now()

    def close_now(self) -> None:
        self.closed = True
        self.raw.close()


async def open_on_a_thread(
    connect_kwargs: dict[str, Any], pragmas: Sequence[str]
) -> aiosqlite.Connection:
    """A connection of its own on a thread of its own (piccolo's way), its pragmas run."""
    connection = await aiosqlite.connect(**connect_kwargs)
    try:
        connection.row_factory = dict_factory  # type: ignore[assignment]  # a callable will do
        for pragma in pragmas:
            await connection.execute(pragma)
    except BaseException:
        await connection.close()
        raise
    return connection


async def fetch_on(
    connection: aiosqlite.Connection, sql: str, args: Sequence[Any]
) -> list[dict[str, Any]]:
    """Run one statement on a thread connection, waiting for other processes' locks there."""
    return cast(list[dict[str, Any]], list(await connection.execute_fetchall(sql, args)))


async def on_a_thread(
    connect_kwargs: dict[str, Any], pragmas: Sequence[str], sql: str, args: Sequence[Any]
) -> list[dict[str, Any]]:
    """Run one statement on a connection of its own, on a thread (piccolo's way), waiting for
    other processes' locks there: for the statements too long or too blocked for the loop."""
    connection = await open_on_a_thread(connect_kwargs, pragmas)
    try:
        return await fetch_on(connection, sql, args)
    finally:
        await connection.close()
