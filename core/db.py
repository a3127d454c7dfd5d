"""Storage: the piccolo engine chosen by settings, transactions with after-commit callbacks,
and the per-app migrations of the enabled plugins.

SQLite (a file, WAL mode, long-lived connections: :mod:`unionline.db_sqlite`) is the embedded
default; ``database_url = "postgresql://..."`` selects PostgreSQL with a connection pool. Use
:meth:`Database.transaction` for every write: events and jobs published inside it are dispatched
only after it commits.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import os
import socket
import sqlite3
import sys
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.commands.forwards import ForwardsMigrationManager
from piccolo.apps.migrations.tables import Migration
from piccolo.conf.apps import AppConfig
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import TransactionType
from piccolo.querystring import QueryString

from unionline import piccolo_conf
from unionline.db_sqlite import PooledSQLiteEngine
from unionline.errors import ConfigError, DatabaseUnavailable
from unionline.rows import S, decode_row, decode_rows

os.environ["PICCOLO_CONF"] = "unionline.piccolo_conf"
log = logging.getLogger("unionline.db")

AfterCommit = Callable[[], Awaitable[None] | None]


class Tx:
    """The current unit of work: collects what must happen only once it has committed."""

    def __init__(self) -> None:
        self.after_commit: list[AfterCommit] = []
        self.data: dict[str, Any] = {}  # per-transaction scratch space (e.g. pending events)

    def on_commit(self, callback: AfterCommit) -> None:
        self.after_commit.append(callback)


_current: ContextVar[Tx | None] = ContextVar("unionline_tx", default=None)


def current_tx() -> Tx | None:
    return _current.get()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        return PooledSQLiteEngine(path=url.removeprefix("sqlite:///"))
    if url.startswith(("postgresql://", "postgres://")):
        # piccolo connects once here to check the server version and only warns when it
        # cannot; Database.start reports an unreachable server in one line instead.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return PostgresEngine(config={"dsn": url})
    raise ConfigError(f"database_url: unsupported URL scheme {urlsplit(url).scheme!r}")


async def keep_session(connection: asyncpg.Connection) -> None:
    """Give a pool connection back without asyncpg's reset query (``pg_advisory_unlock_all();
    CLOSE ALL; UNLISTEN *; RESET ALL``), which costs a round trip on every release — one per
    autocommit statement, doubling them. No code leaves session state on a pool connection:
    settings are ``SET LOCAL`` or ``set_config(…, true)``, advisory locks are ``_xact_`` ones,
    cursors live in transactions, and LISTEN has a connection of its own (``events``). asyncpg
    still rolls back a transaction left open and drops listeners before calling this."""


class Database:
    """One engine, bound to every table of the enabled apps."""

    def __init__(self, url: str, apps: Iterable[AppConfig] = (), *, pool_size: int = 10) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.apps = {app.app_name: app for app in apps}
        self.pool_size = pool_size
        self.bind()

    @property
    def is_postgres(self) -> bool:
        return isinstance(self.engine, PostgresEngine)

    def bind(self) -> None:
        """Point piccolo and every registered table at this engine."""
        piccolo_conf.DB = self.engine
        registry = piccolo_conf.APP_REGISTRY
        registry.app_configs = dict(self.apps)
        registry.apps = [m for m in map(_module_of, self.apps.values()) if m]
        Migration._meta.db = self.engine
        for app in self.apps.values():
            for table in app.table_classes:
                table._meta.db = self.engine

    async def start(self) -> None:
        """Open the pool (PostgreSQL) or the file's writer connection (SQLite, in WAL mode);
        DatabaseUnavailable when the server cannot be reached, so commands say so in one line
        instead of a traceback."""
        try:
            if isinstance(self.engine, PostgresEngine):
                await self.engine.start_connection_pool(
                    min_size=1, max_size=self.pool_size, reset=keep_session
                )
            elif isinstance(self.engine, PooledSQLiteEngine):
                await self.engine.open()
        except (OSError, sqlite3.OperationalError, asyncpg.PostgresError) as exc:
            where, reason = masked_url(self.url), describe_error(exc)
            if database_unavailable(exc):
                reason = f"unreachable ({reason}); is the server running?"
            raise DatabaseUnavailable(f"database {where}: {reason}") from exc

    async def stop(self) -> None:
        """Close the pool or the SQLite connections (their threads and file handles)."""
        if isinstance(self.engine, PostgresEngine):
            await self.engine.close_connection_pool()
        elif isinstance(self.engine, PooledSQLiteEngine):
            await self.engine.close()

    # -- queries --------------------------------------------------------------------------

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        """Run raw SQL with ``{}`` placeholders (piccolo compiles them per engine)."""
        return await self.engine.run_querystring(QueryString(sql, *args)) or []

    async def fetchone(self, sql: str, *args: Any) -> dict[str, Any] | None:
        rows = await self.fetch(sql, *args)
        return rows[0] if rows else None

    async def fetch_as(self, row_type: type[S], sql: str, *args: Any) -> list[S]:
        """``fetch`` with each row decoded into ``row_type``, a msgspec Struct, the same way on
        both engines (UUIDs, JSON text, timestamps in UTC: :mod:`unionline.rows`)."""
        return decode_rows(row_type, await self.fetch(sql, *args))

    async def fetch_one_as(self, row_type: type[S], sql: str, *args: Any) -> S | None:
        """The first row of ``sql`` as a ``row_type`` (None when there is none)."""
        found = await self.fetchone(sql, *args)
        return None if found is None else decode_row(row_type, found)

    async def execute(self, sql: str, *args: Any) -> None:
        await self.engine.run_querystring(QueryString(sql, *args))

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """A write transaction; nested calls join the outer one.

        After-commit callbacks run once the outermost transaction has committed, and never if
        it rolled back.
        """
        outer = _current.get()
        if outer is not None:
            yield outer
            return
        tx = Tx()
        token = _current.set(tx)
        try:
            if isinstance(self.engine, PostgresEngine):
                async with _postgres_transaction(self.engine):
                    yield tx
            else:
                async with self.engine.transaction(transaction_type=TransactionType.immediate):
                    yield tx
        finally:
            _current.reset(token)
        for callback in tx.after_commit:
            try:
                result = callback()
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("after-commit callback %r failed", callback)

    # -- migrations -----------------------------------------------------------------------

    def ordered_apps(self) -> list[AppConfig]:
        return BaseMigrationManager().sort_app_configs(list(self.apps.values()))

    async def pending_migrations(self) -> dict[str, list[str]]:
        """Migration ids not yet applied, per enabled app (empty when up to date)."""
        await Migration.create_table(if_not_exists=True)
        manager = BaseMigrationManager()
        pending: dict[str, list[str]] = {}
        for app in self.ordered_apps():
            modules = manager.get_migration_modules(app.resolved_migrations_folder_path)
            ran = set(await Migration.get_migrations_which_ran(app_name=app.app_name))
            missing = sorted(set(modules) - ran)
            if missing:
                pending[app.app_name] = missing
        return pending

    async def migrate(self, *, quiet: bool = True) -> list[str]:
        """Apply pending migrations of every enabled app, in dependency order."""
        pending = await self.pending_migrations()
        applied: list[str] = []
        for app in self.ordered_apps():
            if app.app_name not in pending:
                continue
            manager = ForwardsMigrationManager(app_name=app.app_name)
            with _quiet(quiet):
                result = await manager.run_migrations(app)
            if not result.success:
                raise RuntimeError(f"migrations of {app.app_name} failed: {result.message}")
            applied += [f"{app.app_name}:{m}" for m in pending[app.app_name]]
        return applied


@contextlib.asynccontextmanager
async def _postgres_transaction(engine: PostgresEngine) -> AsyncIterator[None]:
    """piccolo's transaction, minus its one way of dying for good.

    When the server goes away, piccolo's ``__aexit__`` raises inside ``rollback()`` (or
    ``commit()``) before it resets ``engine.current_transaction``; the task's context then keeps
    the dead transaction and every later query of that task runs on it and fails ("connection
    has been released back to the pool") — a long-lived loop (the event relay) never recovers.
    Here a transaction that could not begin or end is forgotten and its connection discarded.
    """
    transaction = engine.transaction()
    try:
        async with transaction:
            yield
    except BaseException as exc:
        if _left_behind(engine, transaction):
            log.warning("database transaction abandoned: %s", describe_error(exc))
            await _discard(engine, transaction)
        raise


def _left_behind(engine: PostgresEngine, transaction: Any) -> bool:
    """Whether piccolo failed to clean ``transaction`` up (its own exit did not finish)."""
    if transaction._parent is not None:
        return False
    if engine.current_transaction.get() is transaction:
        return True  # began, but commit/rollback/release raised: the context still holds it
    # Connection taken but BEGIN failed: piccolo never set the context nor released it.
    return hasattr(transaction, "connection") and not hasattr(transaction, "context")


async def _discard(engine: PostgresEngine, transaction: Any) -> None:
    held = engine.current_transaction.get()
    if held is not None and held is transaction:
        engine.current_transaction.reset(held.context)
    connection = transaction.connection
    # A broken connection is never reused: close it (asyncpg's pool replaces it on demand).
    with contextlib.suppress(Exception):
        connection.terminate()
    if engine.pool is not None:
        with contextlib.suppress(Exception):
            await engine.pool.release(connection)


# Errors that mean "the database is not reachable right now" rather than "this is a bug".
_UNAVAILABLE_MESSAGES = ("connection is closed", "released back to the pool", "pool is closing")


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) says the database server cannot be reached now:
    refused or reset connections, a server shutting down or starting up, a pool being closed.
    Callers answer 503 / retry later instead of reporting a bug."""
    import asyncpg

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (asyncpg.PostgresConnectionError, ConnectionError, socket.gaierror)):
            return True
        if isinstance(current, asyncpg.exceptions.OperatorInterventionError) and not isinstance(
            current, asyncpg.exceptions.QueryCanceledError
        ):
            return True  # shutting down, crashed, starting up
        if isinstance(current, asyncpg.InterfaceError) and any(
            m in str(current) for m in _UNAVAILABLE_MESSAGES
        ):
            return True
        if isinstance(current, asyncpg.InternalClientError) and "cannot switch to state" in str(
            current
        ):
            return True  # asyncpg's protocol state left mid-operation by a server that went away
        current = current.__cause__ or current.__context__
    return False


def describe_error(exc: BaseException) -> str:
    """One line: the exception's type and first line of its message."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def masked_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` (safe to print and log)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{user}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


_APP_MODULES: dict[str, str] = {}  # app name -> the module defining its APP_CONFIG


def _module_of(app: AppConfig) -> str | None:
    # Scanning sys.modules costs ~25 ms (getattr wakes lazy module attributes): once per app.
    known = _APP_MODULES.get(app.app_name)
    if known and getattr(sys.modules.get(known), "APP_CONFIG", None) is app:
        return known
    for name, module in list(sys.modules.items()):
        if getattr(module, "APP_CONFIG", None) is app:
            _APP_MODULES[app.app_name] = name
            return name
    return None


@contextlib.contextmanager
def _quiet(enabled: bool) -> Any:
    """piccolo prints progress with print(); keep it off stdout unless asked."""
    if not enabled:
        yield
        return
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        yield
