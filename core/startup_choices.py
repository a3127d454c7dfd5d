"""The plugins an administrator switched on or off in the console, read once at a process's
start: before the plugin host loads anything, so before any table, route or job is bound.

The table belongs to ``unionline.plugin_choices`` (a domain: it writes the choices); the kernel
only reads two columns of it here, with the engine's own driver and no piccolo, because nothing
is bound yet. A database that does not exist yet, or has no such table yet (never migrated),
holds no choices.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import sqlite3
from pathlib import Path

import asyncpg

from unionline.db import database_unavailable, describe_error, masked_url
from unionline.errors import DatabaseUnavailable

TABLE = "plugin_choice"  # unionline.plugin_choices.tables.PluginChoice
QUERY = f"SELECT name, enabled FROM {TABLE}"
CONNECT_TIMEOUT = 10.0


def read(database_url: str) -> dict[str, bool]:
    """``{plugin name: enabled}`` as stored; DatabaseUnavailable when the server is away."""
    if database_url.startswith("sqlite:///"):
        return _sqlite(Path(database_url.removeprefix("sqlite:///")))
    if database_url.startswith(("postgresql://", "postgres://")):
        # A thread of its own: the caller may be sync code inside a running event loop
        # (`unionline` commands load plugins from within asyncio.run).
        with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="choices") as pool:
            return pool.submit(asyncio.run, _postgres(database_url)).result()
    return {}  # an unsupported scheme is reported by the engine, with its own message


def _sqlite(path: Path) -> dict[str, bool]:
    if not path.is_file():
        return {}
    try:
        uri = f"{path.absolute().as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            rows = db.execute(QUERY).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return {}
        raise DatabaseUnavailable(f"database {path}: {exc}") from exc
    return {str(name): bool(enabled) for name, enabled in rows}


async def _postgres(url: str) -> dict[str, bool]:
    try:
        conn = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT)
    except asyncpg.InvalidCatalogNameError:
        return {}  # the database is not created yet
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        reason = describe_error(exc)
        if database_unavailable(exc):
            reason = f"unreachable ({reason}); is the server running?"
        raise DatabaseUnavailable(f"database {masked_url(url)}: {reason}") from exc
    try:
        rows = await conn.fetch(QUERY)
    except asyncpg.UndefinedTableError:
        return {}
    finally:
        await conn.close()
    return {str(row["name"]): bool(row["enabled"]) for row in rows}
