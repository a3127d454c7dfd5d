"""Boot: settings → plugins → registry → database, events, jobs. One Runtime per process.

Plugins reach the running services through the public helpers (``unionline.publish``,
``unionline.enqueue``, ``unionline.current()``) rather than through globals of their own.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec

from unionline import startup_choices
from unionline.db import Database
from unionline.errors import MigrationsPending
from unionline.events import Event, EventBus
from unionline.hooks import Hooks
from unionline.jobs import InProcessExecutor, JobQueue
from unionline.plugin_host import PluginHost
from unionline.registry import Registry
from unionline.settings import (
    DEFAULT_DATABASE_URL,
    RawConfig,
    Settings,
    decode_settings,
    read_config,
)

if TYPE_CHECKING:
    from litestar import Litestar

log = logging.getLogger("unionline")
_current: Runtime | None = None
# Awaited with the database (not yet started) and whether migrations will be applied, before a
# runtime starts. unionline.testing prepares test databases here: an empty one that will be
# migrated is filled from a migrated copy instead (see unionline.testing.templates).
BEFORE_STARTING: list[Callable[[Database, bool], Awaitable[object]]] = []


@dataclass
class Runtime:
    """The running services of this process."""

    settings: Settings
    host: PluginHost
    hooks: Hooks
    registry: Registry
    db: Database
    events: EventBus
    jobs: JobQueue
    executor: Any = None  # InProcessExecutor, or None when arq workers run the jobs
    redis: Any = None
    state: dict[str, Any] = field(default_factory=dict)  # per-process caches of core domains
    # Awaited first when the runtime stops, newest first, while the database is still open
    # (what a plugin started in runtime_started: a heartbeat, a row to delete).
    stopping: list[Callable[[], Awaitable[object]]] = field(default_factory=list)

    @property
    def executor_kind(self) -> str:
        chosen = self.settings.jobs.executor
        if chosen == "auto":
            return "arq" if self.settings.redis_url else "inprocess"
        return chosen

    @contextlib.asynccontextmanager
    async def running(
        self, app: Litestar | None = None, *, migrate: bool | None = None, execute_jobs: bool = True
    ) -> AsyncIterator[Runtime]:
        """Start the database, relay and executor; stop them on exit.

        ``migrate=None`` applies pending migrations on SQLite and refuses to start on
        PostgreSQL while any are pending.
        """
        global _current
        _current = self
        if migrate is None:
            migrate = not self.db.is_postgres
        for prepare in BEFORE_STARTING:
            await prepare(self.db, migrate)
        self.db.bind()
        await self.db.start()
        try:
            await self._check_migrations(migrate)
            if self.settings.redis_url:
                from redis.asyncio import Redis

                self.redis = Redis.from_url(self.settings.redis_url)
            await self.events.start()
            await self.hooks.runtime_started(self)
            if execute_jobs:
                await self._start_executor()
            if app is not None:
                await self.hooks.startup(app)
            yield self
        finally:
            if app is not None:
                await self.hooks.shutdown(app)
            await self._run_stopping()
            if self.executor is not None:
                await self.executor.stop()
            await self.events.stop()
            if self.redis is not None:
                await self.redis.aclose()
            await self.db.stop()
            if _current is self:
                _current = None

    async def _run_stopping(self) -> None:
        while self.stopping:
            stop = self.stopping.pop()
            try:
                await stop()
            except Exception:  # one failing cleanup must not keep the others from running
                log.exception("error while stopping the runtime")

    async def _check_migrations(self, migrate: bool) -> None:
        pending = await self.db.pending_migrations()
        if pending and not migrate:
            names = ", ".join(f"{app} ({len(ids)})" for app, ids in pending.items())
            raise MigrationsPending(
                f"pending migrations: {names}; run `unionline migrate` or start with --migrate"
            )
        if pending:
            for applied in await self.db.migrate():
                log.info("applied migration %s", applied)

    async def _start_executor(self) -> None:
        if self.executor_kind == "arq":
            from unionline.jobs.arq import ArqDispatcher

            self.executor = ArqDispatcher(self.jobs, self.settings.redis_url or "")
        else:
            self.executor = InProcessExecutor(self.jobs)
        await self.executor.start()


def current() -> Runtime:
    """The Runtime of this process (available once the app has started)."""
    if _current is None:
        raise RuntimeError("Unionline is not running in this process")
    return _current


async def publish(event: Event) -> Event:
    """Publish ``event`` in the current transaction (see :mod:`unionline.events`)."""
    return await current().events.publish(event)


async def enqueue(name: str, payload: msgspec.Struct | None = None, **options: Any) -> int | None:
    """Enqueue job ``name`` in the current transaction (see :mod:`unionline.jobs`)."""
    return await current().jobs.enqueue(name, payload, **options)


def load(
    config: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    *,
    extra_plugins: dict[str, object] | None = None,
) -> tuple[Settings, PluginHost, Registry]:
    """Read the config, load the enabled plugins and collect what they register."""
    raw = read_config(config, env)
    return _finish(raw, _host(raw, extra_plugins))


def _host(raw: RawConfig, extra: dict[str, object] | None) -> PluginHost:
    """The config file's plugins, then the console's stored choices (read from the database
    before anything is bound: every process takes the list as it is at its start)."""
    url = raw.data.get("database_url", DEFAULT_DATABASE_URL)
    stored = startup_choices.read(url) if isinstance(url, str) else {}
    host = PluginHost(raw.plugins, extra=extra, stored=stored, allowed=raw.plugins_allowed)
    host.raw_config = raw
    return host


def trial(raw: RawConfig, stored: Mapping[str, bool], allowed: list[str] | None) -> PluginHost:
    """Load the plugins as a process starting now with ``stored`` choices would, without
    binding anything: PluginError or ConfigError says what would stop it (the console checks
    a plugin switched on before saving the choice)."""
    host = PluginHost(raw.plugins, stored=stored, allowed=allowed)
    _finish(raw, host)
    return host


def _finish(raw: RawConfig, host: PluginHost) -> tuple[Settings, PluginHost, Registry]:
    hooks = Hooks(host)
    registry = hooks.register_all(Registry(), only=("register_settings",))
    disabled = host.installed_names() - set(host.info)
    settings = decode_settings(raw, registry.settings, ignore=frozenset(disabled))
    hooks.register_all(
        registry, only=tuple(k for k in _register_hooks() if k != "register_settings")
    )
    return settings, host, registry


def _register_hooks() -> tuple[str, ...]:
    from unionline.registry import REGISTRARS

    return tuple(REGISTRARS)


def from_settings(
    settings: Settings, *, extra_plugins: dict[str, object] | None = None
) -> tuple[Settings, PluginHost, Registry]:
    """Like :func:`load`, for Settings built in code (tests, embedding)."""
    raw = RawConfig(data=msgspec.to_builtins(settings), sources={}, path=None)
    return _finish(raw, _host(raw, extra_plugins))


def build(settings: Settings, host: PluginHost, registry: Registry) -> Runtime:
    hooks = Hooks(host)
    db = Database(settings.database_url, registry.tables.values())
    events = EventBus(db, hooks, registry.events)
    jobs = JobQueue(db, registry.jobs, settings.jobs)
    jobs.events = events
    return Runtime(settings, host, hooks, registry, db, events, jobs)
