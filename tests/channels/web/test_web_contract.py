"""The web channel passes the ChannelContract (on SQLite, and on PostgreSQL in CI)."""

from __future__ import annotations

from web_support import WebAdapters


class TestWebChannel(WebAdapters):
    """Every contract test, run against the web channel's HTTP inbound path."""
