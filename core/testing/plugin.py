"""pytest plugin (entry point ``pytest11``): fixtures for testing Unionline and its plugins.

* ``unionline_database_url`` – an empty database for this test (SQLite, or PostgreSQL when
  ``UNIONLINE_TEST_DATABASE_URL`` points at a server).
* ``unionline_settings`` – Settings for a test app on that database.
* ``unionline_app`` – a started app (``AppHarness``: ``.client``, ``.admin_headers``,
  ``.settle()``, ``.create_operator()``); enable plugins with
  ``@pytest.mark.unionline_plugins("name", ...)``.

Tests using these fixtures are marked ``database`` (run them on every engine); an app started
with migrations gets its empty database from a migrated template (``unionline.testing.templates``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from unionline import runtime
from unionline.settings import Settings
from unionline.testing import app_memo, handler_memo, host_memo, spares
from unionline.testing.support import (
    AppHarness,
    fresh_database,
    make_settings,
    postgres_server_url,
    running_app,
)
from unionline.testing.templates import prepare_database

# A test whose fixtures reach one of these touches the database under test: it runs on every
# engine. The others prove the same thing on any engine and run once (docs/testing.md).
DATABASE_FIXTURES = frozenset({"unionline_database_url"})


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "unionline_plugins(*names): plugins the test app enables")
    config.addinivalue_line(
        "markers",
        "database: touches the database under test, so it runs on every engine (set "
        "automatically from the fixtures; mark a module that makes its own databases)",
    )
    # Every app a test starts with migrations gets its empty database from a migrated template.
    if prepare_database not in runtime.BEFORE_STARTING:
        runtime.BEFORE_STARTING.append(prepare_database)
    # Each test's app parses the same handler signatures: once per process is enough.
    handler_memo.install()
    app_memo.install()  # and copy, route and model them with less work (after handler_memo)
    host_memo.install()  # and find the same plugins' entry points and hooks


def pytest_unconfigure(config: pytest.Config) -> None:
    host_memo.uninstall()
    app_memo.uninstall()
    handler_memo.uninstall()
    spares.close()
    if prepare_database in runtime.BEFORE_STARTING:
        runtime.BEFORE_STARTING.remove(prepare_database)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.database)


@pytest.fixture
def unionline_database_url(tmp_path: Path) -> Iterator[str]:
    # Created when first started (from the template when migrating): one copy, not two.
    with fresh_database(tmp_path, postgres_server_url(), lazy=True) as url:
        yield url


@pytest.fixture
def unionline_settings(request: pytest.FixtureRequest, unionline_database_url: str) -> Settings:
    marker = request.node.get_closest_marker("unionline_plugins")
    plugins = list(marker.args) if marker else []
    return make_settings(unionline_database_url, plugins=plugins)


@pytest.fixture
async def unionline_app(unionline_settings: Settings) -> AsyncIterator[AppHarness]:
    async with running_app(unionline_settings, migrate=True) as harness:
        yield harness
