"""The ``unionline`` command line: init, run, worker, migrate, plugins, jobs, makemigrations;
plugins add theirs (``register_commands``: createadmin, import, demo, ...)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any, NoReturn

import click

from unionline import runtime
from unionline.errors import (
    ConfigError,
    DatabaseUnavailable,
    MigrationsPending,
    PluginError,
    ServiceError,
)
from unionline.settings import DEFAULT_CONFIG, starter_config

EXIT_CONFIG = 2
# Option types that refuse what would fail later with a traceback (a port uvicorn cannot bind,
# a negative SQL LIMIT on PostgreSQL) as click's usage error instead.
PORT = click.IntRange(1, 65535)
POSITIVE = click.IntRange(min=1)


def fail(message: str) -> NoReturn:
    click.echo(f"unionline: {message}", err=True)
    sys.exit(EXIT_CONFIG)


def run_async(coro: Coroutine[Any, Any, Any]) -> Any:
    try:
        return asyncio.run(coro)
    except (ConfigError, PluginError, MigrationsPending, ServiceError, DatabaseUnavailable) as exc:
        fail(str(exc))


@contextlib.asynccontextmanager
async def booted(
    config: str | None, *, migrate: bool | None = None, log: bool = False
) -> AsyncIterator[runtime.Runtime]:
    """Load settings and plugins and start the database (no web server, no job executor).

    ``log=True`` is for long-running commands (pollers, servers): they log to stderr as the web
    app does (``[log]`` settings), so their warnings are seen."""
    settings, host, registry = runtime.load(config)
    if log:
        from unionline.observability import configure_logging

        configure_logging(settings.log)
    rt = runtime.build(settings, host, registry)
    async with rt.running(migrate=migrate, execute_jobs=False):
        yield rt


class UnionlineCLI(click.Group):
    """Core commands plus those plugins register (``register_commands``)."""

    def _plugin_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        if "plugin_commands" not in ctx.meta:
            ctx.meta["plugin_commands"] = {}
            try:
                config = (ctx.params or {}).get("config")
                _, _, registry = runtime.load(config)
                ctx.meta["plugin_commands"] = {n: c for n, (_, c) in registry.commands.items()}
            except (ConfigError, PluginError, DatabaseUnavailable) as exc:
                ctx.meta["plugin_commands_error"] = str(exc)
        return ctx.meta["plugin_commands"]

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._plugin_commands(ctx)})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        found = super().get_command(ctx, name) or self._plugin_commands(ctx).get(name)
        if found is None and "plugin_commands_error" in ctx.meta and not ctx.resilient_parsing:
            # Not a core command, and the plugins could not be loaded: say why, rather than
            # "no such command" for a plugin's command hidden by a broken config.
            fail(ctx.meta["plugin_commands_error"])
        return found


@click.group(cls=UnionlineCLI)
@click.option(
    "--config",
    envvar="UNIONLINE_CONFIG",
    type=click.Path(dir_okay=False),
    help="Config file (default: ./unionline.toml).",
)
@click.pass_context
def main(ctx: click.Context, config: str | None) -> None:
    """Unionline: an omnichannel contact center for trade unions."""
    ctx.obj = {"config": config}


def config_of(ctx: click.Context) -> str | None:
    return ctx.find_root().obj["config"]


@main.command()
@click.option("--path", default=DEFAULT_CONFIG, show_default=True, type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: str, force: bool) -> None:
    """Write a commented starter config with a fresh secret_key."""
    target = Path(path)
    if target.exists() and not force:
        fail(f"{target}: already exists (use --force to overwrite)")
    target.write_text(starter_config(), encoding="utf-8")
    os.chmod(target, 0o600)
    click.echo(f"wrote {target}")


@main.command()
@click.option("--host", default=None, help="Interface to bind (default from [server]).")
@click.option("--port", default=None, type=PORT)
@click.option("--workers", default=None, type=POSITIVE)
@click.option("--migrate", is_flag=True, help="Apply pending migrations first (PostgreSQL).")
@click.pass_context
def run(
    ctx: click.Context, host: str | None, port: int | None, workers: int | None, migrate: bool
) -> None:
    """Serve the web app, console and API with uvicorn."""
    import uvicorn

    config = config_of(ctx)
    try:
        settings, _, _ = runtime.load(config)
        workers = workers or settings.server.workers
        if workers > 1 and settings.is_sqlite:
            # Each worker would run its own relay and jobs on one SQLite file, and a console
            # would hear only the events of the worker it is connected to.
            fail(f"{workers} workers need PostgreSQL (database_url); SQLite serves one process")
        if migrate:
            run_async(_migrate(config))
        elif not settings.is_sqlite:
            run_async(_require_migrated(config))
    except (ConfigError, PluginError, DatabaseUnavailable) as exc:
        fail(str(exc))
    if config:
        os.environ["UNIONLINE_CONFIG"] = str(Path(config).resolve())
    uvicorn.run(
        "unionline.asgi:app",
        host=host or settings.server.host,
        port=port or settings.server.port,
        workers=workers,
        log_level=settings.log.level.lower(),
        ws="websockets-sansio",
        # No permessage-deflate: compression state costs about 50 KiB per console socket
        # (half its memory) and CPU on every small event frame.
        ws_per_message_deflate=False,
        lifespan="on",
    )


async def _migrate(config: str | None) -> list[str]:
    async with booted(config, migrate=True):
        pass
    return []


async def _require_migrated(config: str | None) -> None:
    async with booted(config, migrate=False):
        pass


@main.command()
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Apply pending migrations of the enabled apps."""

    async def go() -> list[str]:
        settings, host, registry = runtime.load(config_of(ctx))
        rt = runtime.build(settings, host, registry)
        await rt.db.start()
        try:
            return await rt.db.migrate()
        finally:
            await rt.db.stop()

    applied = run_async(go())
    for name in applied:
        click.echo(f"applied {name}")
    click.echo(
        f"{len(applied)} migration(s) applied" if applied else "no migrations need to be run"
    )


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def plugins(ctx: click.Context, as_json: bool) -> None:
    """List installed plugins: enabled or not, versions, hooks."""
    import msgspec

    try:
        _, host, _ = runtime.load(config_of(ctx))
    except (ConfigError, PluginError, DatabaseUnavailable) as exc:
        fail(str(exc))
    rows = host.listing()
    if as_json:
        click.echo(msgspec.json.encode([r.__dict__ for r in rows]).decode())
        return
    for row in rows:
        mark = "on " if row.enabled else "off"
        click.echo(f"{mark} {row.name:<20} {row.version:<10} {row.origin}")
        if row.hooks:
            click.echo(f"    hooks: {', '.join(row.hooks)}")


@main.command()
@click.option("--failed", is_flag=True, help="Only dead letters.")
@click.option("--status", type=click.Choice(["pending", "running", "done", "dead"]))
@click.option("--retry", "retry_id", type=int, help="Retry the dead letter with this id.")
@click.option("--discard", "discard_id", type=int, help="Delete the dead letter with this id.")
@click.option("--limit", default=100, show_default=True, type=POSITIVE)
@click.pass_context
def jobs(
    ctx: click.Context,
    failed: bool,
    status: str | None,
    retry_id: int | None,
    discard_id: int | None,
    limit: int,
) -> None:
    """List jobs of the outbox; retry or discard dead letters."""

    async def go() -> None:
        async with booted(config_of(ctx)) as rt:
            if retry_id is not None:
                ok = await rt.jobs.retry(retry_id)
                click.echo(f"job {retry_id} queued again" if ok else f"job {retry_id} is not dead")
                return
            if discard_id is not None:
                ok = await rt.jobs.discard(discard_id)
                click.echo(f"job {discard_id} discarded" if ok else f"job {discard_id} is not dead")
                return
            rows = await rt.jobs.list("dead" if failed else status, limit=limit)
            for job in rows:
                error = (job.last_error or "").splitlines()[0][:100] if job.last_error else ""
                click.echo(
                    f"{job.id:>8} {job.status:<8} {job.attempts}/{job.max_attempts} "
                    f"{job.name:<30} {error}"
                )
            counts = await rt.jobs.counts()
            click.echo(" ".join(f"{k}={v}" for k, v in counts.items()))

    run_async(go())


@main.command()
@click.option("--burst", is_flag=True, help="Exit when no job is due.")
@click.pass_context
def worker(ctx: click.Context, burst: bool) -> None:
    """Run jobs from the outbox: arq workers when redis_url is set, else in this process."""
    from unionline.jobs.arq import run_worker

    run_async(run_worker(config_of(ctx), burst=burst))


def command(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator for plugin commands: ``@unionline.cli.command`` is ``click.command``."""
    return click.command()(fn)


@main.command()
@click.argument("app_name")
@click.option("--description", default="", help="Saved in the migration file.")
@click.pass_context
def makemigrations(ctx: click.Context, app_name: str, description: str) -> None:
    """Write a new auto migration for an enabled app's tables (for plugin authors)."""
    from piccolo.apps.migrations.commands.new import (
        _create_migrations_folder,
        _create_new_migration,
    )

    async def go() -> str:
        settings, host, registry = runtime.load(config_of(ctx))
        app = registry.tables.get(app_name)
        if app is None:
            fail(f"{app_name}: no enabled app of that name ({', '.join(sorted(registry.tables))})")
        runtime.build(settings, host, registry)
        _create_migrations_folder(app.resolved_migrations_folder_path)
        meta = await _create_new_migration(app, auto=True, description=description)
        return meta.migration_path

    click.echo(f"wrote {run_async(go())}")
