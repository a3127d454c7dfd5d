"""SQLite with two long-lived connections on the event loop: piccolo's SQLiteEngine without a
connection — and a thread — per statement.

piccolo's SQLite engine has no pool: every statement outside a transaction, and every
transaction, opens a connection on a thread of its own (aiosqlite) and closes it afterwards.
Handing each statement to a thread costs more than running it: SQLite answers an indexed
statement in microseconds, while the hand-over waits for the other thread to get the GIL (up to
5 ms when the event loop is busy) and back. So between :meth:`PooledSQLiteEngine.open` and
:meth:`~PooledSQLiteEngine.close`, statements run on the event loop's own thread:

* **the writer** takes every transaction and every statement that may write, one task at a time
  (an asyncio lock: a transaction holds it from BEGIN to COMMIT, so no other task's statement
  lands inside it). Transactions begin ``IMMEDIATE``;
* **the reader** (``query_only``) answers reads outside transactions; WAL lets it read the last
  committed state while a transaction is open on the writer. A statement sent to it that turns
  out to write is refused by SQLite before it changes anything and goes to the writer.

The loop never waits on SQLite: both connections have no busy timeout, and a statement that
finds the file locked by another process is tried again after a pause (for up to
:data:`BUSY_TIMEOUT`). A statement outside a transaction that runs longer than
:data:`INLINE_BUDGET` on the loop is stopped (SQLite undoes it) and run again on a thread, as
piccolo would have run it — a read (and a read that finds the file busy) on a ``query_only``
thread connection kept for the next one, a write on a connection of its own.
Statements inside a transaction run to their end on the loop: keep transactions short (imports
insert in chunks). WAL checkpoints run on a thread every :data:`CHECKPOINT_EVERY` writes.

Before ``open()``, after ``close()`` and on another event loop, piccolo's own path runs.

The module is split by concern: :mod:`unionline.db_sqlite_inline` runs statements (on the loop,
or moved to a thread), :mod:`unionline.db_sqlite_pool` keeps the writer, the reader and the
writer's turns, and this one is the engine piccolo calls and its transactions.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType
from piccolo.querystring import QueryString

from unionline.db_sqlite_inline import BUSY_TIMEOUT, InlineConnection, may_read_only, on_a_thread
from unionline.db_sqlite_pool import Connections

# The knobs (INLINE_BUDGET, CHECKPOINT_EVERY, the pragmas) are read where they are defined,
# in db_sqlite_inline and db_sqlite_pool: set them there.
__all__ = [
    "Connections",
    "InlineConnection",
    "PooledSQLiteEngine",
    "PooledTransaction",
    "may_read_only",
    "on_a_thread",
]

# RETURNING (SQLite 3.35) gives inserted keys without the cursor piccolo's older path needs.
_RETURNING = sqlite3.sqlite_version_info >= (3, 35)


class PooledSQLiteEngine(SQLiteEngine):
    """piccolo's SQLite engine on :class:`Connections` while open (see the module docstring)."""

    __slots__ = ("connections",)

    def __init__(self, path: str, **connect_kwargs: Any) -> None:
        super().__init__(path=path, timeout=BUSY_TIMEOUT, **connect_kwargs)
        self.connections: Connections | None = None

    async def open(self) -> None:
        """Open the writer (setting WAL mode) and the reader."""
        if self.connections is not None or not _RETURNING:
            return
        connections = Connections(self.connection_kwargs)
        try:
            await connections.start()
        except BaseException:
            connections.reader.close_now()
            connections.writer.close_now()
            raise
        self.connections = connections

    async def close(self) -> None:
        """Close both connections (later statements connect one by one again)."""
        connections, self.connections = self.connections, None
        if connections is not None:
            await connections.close()

    def connections_here(self) -> Connections | None:
        """The open connections, when this task runs on the loop that opened them (a task of
        another loop — a thread running a loop of its own — connects per statement, as before)."""
        connections = self.connections
        if connections is None or connections.loop is not asyncio.get_running_loop():
            return None
        return connections

    # -- piccolo's entry points --------------------------------------------------------------

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False) -> Any:
        query, args = querystring.compile_string(engine_type=self.engine_type)
        return await self._run(query, args, querystring)

    async def run_ddl(self, ddl: str, in_pool: bool = False) -> Any:
        return await self._run(ddl, [], None)

    async def _run(self, query: str, args: list[Any], querystring: QueryString | None) -> Any:
        transaction = self.current_transaction.get()
        connections = self.connections_here()
        if transaction is None and connections is None:
            if querystring is None:
                return await super().run_ddl(query)
            return await super().run_querystring(querystring)
        query_id = self.get_query_id()
        if self.log_queries:
            self.print_query(query_id=query_id, query=query)
        if transaction is not None:
            if getattr(transaction, "ended", False):
                raise sqlite3.ProgrammingError(
                    "the transaction this task started in has ended; its connection is gone"
                )
            response = await self._run_in_existing_connection(transaction.connection, query, args)
        else:
            assert connections is not None
            response = await connections.autocommit(query, args)
        if self.log_responses:
            self.print_response(query_id=query_id, response=response)
        return response

    async def _run_in_existing_connection(
        self,
        connection: Any,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        if not _RETURNING:
            return await super()._run_in_existing_connection(
                connection, query, args, query_type, table
            )
        # One call instead of piccolo's four (its PRAGMA foreign_keys before every statement
        # is a no-op inside a transaction anyway); ``connection`` is an InlineConnection, or
        # piccolo's aiosqlite one off the open period.
        return list(await connection.execute_fetchall(query, args or []))

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> PooledTransaction:
        return PooledTransaction(self, transaction_type, allow_nested)


class PooledTransaction(SQLiteTransaction):
    """A transaction on the writer, which it holds from BEGIN to COMMIT/ROLLBACK.

    Always ``BEGIN IMMEDIATE`` on the writer: the process's transactions take turns anyway, and
    taking the file's write lock first means another process's commit can never leave this one
    reading a stale snapshot it cannot write on (SQLITE_BUSY_SNAPSHOT). Unlike piccolo's, a
    BEGIN, COMMIT or ROLLBACK that fails still gives the writer back and resets the context.
    """

    __slots__ = ("ended", "held")
    engine: PooledSQLiteEngine

    def __init__(
        self,
        engine: PooledSQLiteEngine,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> None:
        super().__init__(engine, transaction_type, allow_nested)
        self.held: Connections | None = None
        self.ended = False

    async def get_connection(self) -> Any:
        self.held = self.engine.connections_here()
        if self.held is None:
            return await self.engine.get_connection()  # piccolo's: a new one, closed at exit
        return await self.held.acquire_writer()

    async def begin(self) -> None:
        kind = "IMMEDIATE" if self.held is not None else self.transaction_type.value
        await self.connection.execute(f"BEGIN {kind}")

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        self.connection = await self.get_connection()
        try:
            await self.begin()
        except BaseException:
            await self._give_back()
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent is not None:
            return exception is None
        try:
            if exception is not None:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            self.engine.current_transaction.reset(self.context)
            await self._give_back()
        return exception is None

    async def _give_back(self) -> None:
        self.ended = True
        if self.held is None:
            await self.connection.close()
        else:
            self.held.release_writer()
