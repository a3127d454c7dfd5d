"""Fixtures for the Telegram channel tests: a Bot API stand-in and a client bound to it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from standins.telegram import TelegramStandin

from unionline.channels.telegram.client import TelegramClient

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def payload() -> Callable[[str], dict]:
    """Load a recorded-shape Bot API update from ``fixtures/<name>.json``."""

    def load(name: str) -> dict:
        return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))

    return load


@pytest.fixture
def telegram() -> Iterator[TelegramStandin]:
    with TelegramStandin() as standin:
        yield standin


@pytest.fixture
async def client(telegram: TelegramStandin) -> AsyncIterator[TelegramClient]:
    async with TelegramClient(telegram.bot.token, base_url=telegram.base_url, timeout=5) as c:
        yield c
