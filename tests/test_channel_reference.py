"""The reference channel passes the ChannelContract (on SQLite, and on PostgreSQL in CI)."""

from __future__ import annotations

from channel_support import ReferenceAdapters


class TestReferenceChannel(ReferenceAdapters):
    """Every contract test, run against the reference channel."""
