"""The test infrastructure shipped in ``unionline.testing`` proves what it claims: a database
filled from a migrated template is the database the migrations make, and the cheap password
hashing of test suites never becomes what ships."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from unionline.db import Database
from unionline.operators import services
from unionline.runtime import build, from_settings
from unionline.settings import Settings
from unionline.testing.support import fresh_database, make_settings, postgres_server_url
from unionline.testing.templates import restore_template

pytestmark = pytest.mark.database  # makes its own databases on the engine under test

SCHEMA = {
    "sqlite": "SELECT type, name, sql AS detail FROM sqlite_master "
    "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
    "postgres": "SELECT table_name AS name, column_name AS detail, data_type AS type "
    "FROM information_schema.columns WHERE table_schema = 'public' "
    "ORDER BY table_name, column_name",
}


async def schema_of(db: Database) -> list[dict[str, Any]]:
    await db.start()
    try:
        return await db.fetch(SCHEMA["postgres" if db.is_postgres else "sqlite"])
    finally:
        await db.stop()


def database_for(settings: Settings) -> Database:
    return build(*from_settings(settings)).db


def test_template_copy_equals_a_migrated_database(tmp_path: Path) -> None:
    server = postgres_server_url()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        fresh_database(tmp_path / "a", server) as migrated_url,
        fresh_database(tmp_path / "b", server) as copied_url,
    ):
        asyncio.run(compare(migrated_url, copied_url))


async def compare(migrated_url: str, copied_url: str) -> None:
    migrated = database_for(make_settings(migrated_url))
    await migrated.start()
    try:
        applied = await migrated.migrate()
    finally:
        await migrated.stop()
    copied = database_for(make_settings(copied_url))
    assert await restore_template(copied) is True
    assert await restore_template(copied) is False  # a database with tables is left alone
    await copied.start()
    try:
        assert await copied.pending_migrations() == {}
    finally:
        await copied.stop()
    assert applied, "the migrated database ran real migrations"
    assert await schema_of(copied) == await schema_of(migrated)


def test_production_password_hashing_is_what_ships() -> None:
    """Test suites hash cheaply; the default, and what a Settings without the key gets, is
    argon2id with RFC 9106's low-memory parameters."""
    assert Settings(secret_key="x" * 32).password_hashing == "standard"
    hashed = services._HASHERS["standard"].hash("password-123")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert make_settings("sqlite:///unused").password_hashing == "fast-insecure"
