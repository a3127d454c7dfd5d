"""``[telegram] run_pollers``: the app polls bots in polling mode itself, and stops with it."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import pytest
from standins.telegram import TelegramStandin
from telegram_support import TelegramAdapters, telegram_fixtures

from unionline.channels.telegram.polling import TelegramPoller
from unionline.testing.channel_contract import ContractEnv


class Adapters(TelegramAdapters):
    config: ClassVar[dict[str, Any]] = {"mode": "polling"}
    telegram_settings: ClassVar[dict[str, Any]] = {"run_pollers": True, "poll_timeout": 1}


unionline_settings, env = telegram_fixtures(Adapters())


@pytest.fixture(autouse=True)
def quick_rescan(monkeypatch: pytest.MonkeyPatch) -> None:
    """The account is made after the app started: let the pollers look for it soon."""
    monkeypatch.setattr(TelegramPoller, "rescan_seconds", 0.2)


async def test_the_app_polls_a_bot_in_polling_mode(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    telegram.bot.message("без публичного адреса", user=telegram.user(5100))
    for _ in range(300):  # the app's poller picks the account up on its first scan
        if await env.messages_in():
            break
        await asyncio.sleep(0.05)
    assert [m["body"] for m in await env.messages_in()] == ["без публичного адреса"]
