"""The VK channel passes the ChannelContract (on SQLite, and on PostgreSQL in CI)."""

from __future__ import annotations

from vk_support import VkAdapters


class TestVkChannel(VkAdapters):
    """Every contract test, run against the VK channel and the VK API stand-in."""
