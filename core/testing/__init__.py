"""Test support shipped with Unionline for plugin authors (the pytest plugin is
``unionline.testing.plugin``; ``serve`` runs an ASGI app, e.g. a provider stand-in, on loopback;
``ChannelContract`` is the suite every channel passes, see docs/writing-channels.md).

Fixtures give an app on SQLite, or on PostgreSQL when ``UNIONLINE_TEST_DATABASE_URL`` names a
server; a client signed in as an administrator; and helpers to wait for events and jobs.
"""

from __future__ import annotations

from unionline.testing.channel_contract import (
    ChannelContract,
    ContractAccount,
    ContractEnv,
    SentRecord,
    WebhookCall,
)
from unionline.testing.server import free_port, serve
from unionline.testing.support import (
    AppHarness,
    fresh_database,
    make_settings,
    require_service,
)

__all__ = [
    "AppHarness",
    "ChannelContract",
    "ContractAccount",
    "ContractEnv",
    "SentRecord",
    "WebhookCall",
    "free_port",
    "fresh_database",
    "make_settings",
    "require_service",
    "serve",
]
