"""Test support shipped with Unionline for plugin authors (a pytest plugin, ``unionline.testing.plugin``).

Fixtures give an app on SQLite, or on PostgreSQL when ``UNIONLINE_TEST_DATABASE_URL`` names a
server; a client signed in as an administrator; and helpers to wait for events and jobs.
"""

from __future__ import annotations

from unionline.testing.support import (
    AppHarness,
    fresh_database,
    require_service,
    make_settings,
)

__all__ = ["AppHarness", "fresh_database", "require_service", "make_settings"]
