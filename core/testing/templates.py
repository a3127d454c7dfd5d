"""Migrated template databases: migrate once per set of apps, copy per test.

Running every migration of every enabled app for each test costs more than most tests. A template
is one database migrated for a given set of enabled apps and migration files (their names and
contents make its key); a test's empty database is then filled from it: SQLite copies the file
with the backup API, PostgreSQL creates the database with ``CREATE DATABASE … TEMPLATE`` (a copy
made ahead in the background, :mod:`unionline.testing.spares`).

Templates are built on first use and kept (SQLite under the temp folder, PostgreSQL as databases
named ``ul_tpl_<key>``), so later runs and parallel workers reuse them; a changed migration file
changes the key. Building is safe under concurrency: each builder migrates a database of its own
and renames it into place, and a PostgreSQL advisory lock lets one builder per key work at a time.
Tests that test migrations themselves use ``running_app(..., template=False)`` or migrate a bare
:class:`~unionline.db.Database`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from unionline.db import Database
from unionline.testing import spares

TEMPLATE_PREFIX = "ul_tpl_"
_BUILD_LOCK = 0x756C_7470  # PostgreSQL advisory lock id: "ultp"
# PostgreSQL databases handed out (``fresh_database(lazy=True)``) but not created yet.
NOT_CREATED: set[str] = set()


async def prepare_database(db: Database, migrate: bool) -> None:
    """Before a runtime starts (``unionline.runtime.BEFORE_STARTING``): a database it will
    migrate is filled from the template; a lazily handed-out one is created first."""
    import asyncpg

    try:
        if migrate:
            await restore_template(db)
        elif db.is_postgres and _split(db.url)[1] in NOT_CREATED:
            await _create_lazy(db, template=None)
    except (OSError, asyncpg.PostgresError):
        return  # the server is away: starting the runtime says so in its own words


def template_key(db: Database) -> str:
    """What identifies a migrated schema: the engine, the apps and their migration files."""
    digest = hashlib.sha256(b"postgres" if db.is_postgres else b"sqlite")
    for app in db.ordered_apps():
        digest.update(f"\0app:{app.app_name}".encode())
        folder = Path(app.resolved_migrations_folder_path)
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else ():
            if path.name != "__init__.py":
                digest.update(f"\0{path.name}\0".encode() + path.read_bytes())
    return digest.hexdigest()[:20]


async def restore_template(db: Database) -> bool:
    """Fill ``db`` (not started, and empty) from its template; False when it already has tables
    (or, on PostgreSQL, cannot be reached: starting it will say why).

    Rebinds piccolo's tables to ``db`` afterwards (building a template binds them elsewhere).
    """
    try:
        if db.is_postgres:
            return await _restore_postgres(db)
        return await _restore_sqlite(db)
    finally:
        db.bind()


# -- SQLite -------------------------------------------------------------------------------


def _sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def _sqlite_has_tables(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0


def template_folder() -> Path:
    folder = Path(
        os.environ.get("UNIONLINE_TEST_TEMPLATES") or Path(tempfile.gettempdir()) / "unionline-tpl"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def _restore_sqlite(db: Database) -> bool:
    target = _sqlite_path(db.url)
    if _sqlite_has_tables(target):
        return False
    template = template_folder() / f"{template_key(db)}.sqlite3"
    if not template.exists():
        await _build_sqlite(db, template)
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        contextlib.closing(sqlite3.connect(template)) as source,
        contextlib.closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)
    return True


async def _build_sqlite(db: Database, template: Path) -> None:
    building = template.with_name(f"{template.stem}.{uuid.uuid4().hex[:8]}.building")
    async with _started(Database(f"sqlite:///{building}", db.apps.values())) as scratch:
        await scratch.migrate()
    with contextlib.closing(sqlite3.connect(building)) as conn:
        # One self-contained file: fold the WAL in and leave WAL mode, so a copy needs no -wal.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    os.replace(building, template)


# -- PostgreSQL ---------------------------------------------------------------------------


def _split(url: str) -> tuple[str, str]:
    """(the server's maintenance URL, the database name) of a PostgreSQL URL."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


async def _restore_postgres(db: Database) -> bool:
    import asyncpg

    server, name = _split(db.url)
    if name in NOT_CREATED:
        await _create_lazy(db, template=await _postgres_template(db))
        return True
    try:
        target = await asyncpg.connect(db.url)
    except (OSError, asyncpg.PostgresError):
        return False  # no server or no database: the runtime's own start reports it
    try:
        has_tables = await target.fetchval(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
        )
    finally:
        await target.close()
    if has_tables:
        return False
    template = await _postgres_template(db)
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await _create_from(admin, name, template)
    finally:
        await admin.close()
    return True


async def _postgres_template(db: Database) -> str:
    """The name of ``db``'s template database, built first if there is none yet."""
    import asyncpg

    template = TEMPLATE_PREFIX + template_key(db)
    admin = await asyncpg.connect(_split(db.url)[0])
    try:
        await _ensure_postgres_template(admin, db, template)
    finally:
        await admin.close()
    return template


async def _create_lazy(db: Database, template: str | None) -> None:
    import asyncpg

    server, name = _split(db.url)
    if template is not None:
        await spares.take(server, name, template, _create_from)
    else:
        admin = await asyncpg.connect(server)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
    NOT_CREATED.discard(name)


async def _ensure_postgres_template(admin: Any, db: Database, template: str) -> None:
    exists = "SELECT 1 FROM pg_database WHERE datname = $1"
    if await admin.fetchval(exists, template):
        return
    await admin.execute("SELECT pg_advisory_lock($1)", _BUILD_LOCK)
    try:
        if await admin.fetchval(exists, template):
            return
        server, _ = _split(db.url)
        building = f"{template}_b{uuid.uuid4().hex[:8]}"
        await admin.execute(f'CREATE DATABASE "{building}"')
        scratch_url = urlunsplit(urlsplit(server)._replace(path="/" + building))
        async with _started(Database(scratch_url, db.apps.values(), pool_size=1)) as scratch:
            await scratch.migrate()
        await admin.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
    finally:
        await admin.execute("SELECT pg_advisory_unlock($1)", _BUILD_LOCK)


async def _create_from(admin: Any, name: str, template: str) -> None:
    """CREATE DATABASE … TEMPLATE, retried while another copy briefly holds the template."""
    import asyncio

    import asyncpg

    for attempt in range(50):
        try:
            await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            return
        except asyncpg.ObjectInUseError:
            if attempt == 49:
                raise
            await asyncio.sleep(0.1)


@contextlib.asynccontextmanager
async def _started(db: Database) -> AsyncIterator[Database]:
    await db.start()
    try:
        yield db
    finally:
        await db.stop()


async def drop_postgres_templates(server_url: str) -> list[str]:
    """Drop every template database on the server (``unionline.testing`` keeps them)."""
    import asyncpg

    admin = await asyncpg.connect(server_url)
    try:
        names = [
            row["datname"]
            for row in await admin.fetch(
                "SELECT datname FROM pg_database WHERE datname LIKE $1", TEMPLATE_PREFIX + "%"
            )
        ]
        for name in names:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return names
    finally:
        await admin.close()
