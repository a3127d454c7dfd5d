"""Storage: the piccolo engine chosen by settings, transactions with after-commit callbacks,
and the per-app migrations of the enabled plugins.

SQLite (a file, WAL mode) is the embedded default; ``database_url = "postgresql://..."``
selects PostgreSQL with a connection pool. Use :meth:`Database.transaction` for every write:
events and jobs published inside it are dispatched only after it commits.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.commands.forwards import ForwardsMigrationManager
from piccolo.apps.migrations.tables import Migration
from piccolo.conf.apps import AppConfig
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString

from unionline import piccolo_conf
from unionline.errors import ConfigError

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
        path = url.removeprefix("sqlite:///")
        # Writers queue on SQLite's lock instead of failing at once.
        return SQLiteEngine(path=path, timeout=30)
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresEngine(config={"dsn": url})
    raise ConfigError(f"database_url: unsupported URL scheme {urlsplit(url).scheme!r}")


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
        if self.is_postgres:
            assert isinstance(self.engine, PostgresEngine)
            await self.engine.start_connection_pool(min_size=1, max_size=self.pool_size)
        else:
            await self.execute("PRAGMA journal_mode=WAL")

    async def stop(self) -> None:
        if self.is_postgres:
            assert isinstance(self.engine, PostgresEngine)
            await self.engine.close_connection_pool()

    # -- queries --------------------------------------------------------------------------

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        """Run raw SQL with ``{}`` placeholders (piccolo compiles them per engine)."""
        return await self.engine.run_querystring(QueryString(sql, *args)) or []

    async def fetchone(self, sql: str, *args: Any) -> dict[str, Any] | None:
        rows = await self.fetch(sql, *args)
        return rows[0] if rows else None

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
            options = {} if self.is_postgres else {"transaction_type": TransactionType.immediate}
            async with self.engine.transaction(**options):
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


def _module_of(app: AppConfig) -> str | None:
    for name, module in list(sys.modules.items()):
        if getattr(module, "APP_CONFIG", None) is app:
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
