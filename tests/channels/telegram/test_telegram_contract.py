"""The Telegram channel passes the ChannelContract (on SQLite, and on PostgreSQL in CI)."""

from __future__ import annotations

from telegram_support import TelegramAdapters


class TestTelegramChannel(TelegramAdapters):
    """Every contract test, run against the Telegram channel and the Bot API stand-in."""
