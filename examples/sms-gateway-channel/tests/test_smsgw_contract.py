"""The SMS gateway channel passes Unionline's ChannelContract (SQLite; PostgreSQL with
``UNIONLINE_TEST_DATABASE_URL``)."""

from __future__ import annotations

from smsgw_adapters import SmsAdapters


class TestSmsGatewayChannel(SmsAdapters):
    """Every contract test, against the channel and the gateway stand-in."""
