"""The SMSC.ru channel passes the ChannelContract (SQLite; PostgreSQL in CI)."""

from __future__ import annotations

from sms_support import SmscAdapters


class TestSmscChannel(SmscAdapters):
    """Every contract test, against the SMS channel and the SMSC.ru stand-in."""
