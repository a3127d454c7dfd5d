"""Long polling: updates are confirmed to Telegram only after they are stored."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import pytest
from standins.telegram import TelegramStandin, too_many_requests
from telegram_support import TelegramAdapters, telegram_fixtures

from unionline.channel.polling import run_pollers
from unionline.channels.telegram import polling
from unionline.channels.telegram.polling import TelegramPoller
from unionline.testing.channel_contract import ContractEnv


class Adapters(TelegramAdapters):
    config: ClassVar[dict[str, Any]] = {"mode": "polling"}
    telegram_settings: ClassVar[dict[str, Any]] = {"poll_timeout": 1, "request_timeout": 5.0}


unionline_settings, env = telegram_fixtures(Adapters())


async def test_updates_are_confirmed_only_after_they_are_stored(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    for n in range(3):
        telegram.bot.message(f"вопрос {n}", user=telegram.user(3000 + n))
    poller = TelegramPoller(env.account.id, timeout=0)
    assert await poller.poll_once() == 3
    assert sorted(m["body"] for m in await env.messages_in()) == [
        "вопрос 0",
        "вопрос 1",
        "вопрос 2",
    ]
    assert len(telegram.bot.pending()) == 3  # stored; confirmed by the next getUpdates
    assert await poller.poll_once() == 0
    assert telegram.bot.pending() == []


async def test_a_failed_store_leaves_the_updates_with_telegram(
    env: ContractEnv, telegram: TelegramStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        telegram.bot.message(f"сообщение {n}", user=telegram.user(3100))
    real = polling.store_inbound
    calls = 0

    async def flaky(account: Any, items: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionError("database went away")
        return await real(account, items)

    monkeypatch.setattr(polling, "store_inbound", flaky)
    poller = TelegramPoller(env.account.id, timeout=0)
    with pytest.raises(ConnectionError):
        await poller.poll_once()
    assert poller.offset is None and len(telegram.bot.pending()) == 3
    assert await poller.poll_once() == 3  # the same batch again: the first one is a duplicate
    await poller.poll_once()
    assert sorted(m["body"] for m in await env.messages_in()) == [
        "сообщение 0",
        "сообщение 1",
        "сообщение 2",
    ]
    assert telegram.bot.pending() == []


async def test_unsupported_updates_are_skipped_and_confirmed(
    env: ContractEnv, telegram: TelegramStandin, payload: Any
) -> None:
    telegram.bot.add_update(payload("channel_post"))
    telegram.bot.add_update(payload("callback_query_inline"))
    telegram.bot.message("после поста", user=telegram.user(3200))
    poller = TelegramPoller(env.account.id, timeout=0)
    assert await poller.poll_once() == 3
    await poller.poll_once()
    assert [m["body"] for m in await env.messages_in()] == ["после поста"]
    assert telegram.bot.pending() == []


async def test_a_webhook_left_behind_is_removed(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    telegram.bot.webhook = {"url": "https://old.example/hook"}
    telegram.bot.message("ждал в очереди", user=telegram.user(3300))
    poller = TelegramPoller(env.account.id, timeout=0)
    assert await poller.poll_once() == 0  # 409: the webhook is deleted
    assert telegram.bot.webhook == {"url": ""}
    assert await poller.poll_once() == 1


async def test_pollers_run_until_stopped_and_honour_429(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    telegram.bot.inject("getUpdates", too_many_requests(retry_after=1))
    stop = asyncio.Event()
    task = asyncio.create_task(run_pollers(TelegramPoller, stop))
    telegram.bot.message("пока бот опрашивает", user=telegram.user(3400))
    for _ in range(200):
        if await env.messages_in():
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 10)
    assert [m["body"] for m in await env.messages_in()] == ["пока бот опрашивает"]
    first, second = telegram.bot.calls_of("getUpdates")[:2]
    assert second.at - first.at >= 1.0


async def test_a_refused_token_flags_the_account_and_stops(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    from unionline.channel.accounts import load_account

    telegram.bots.pop(telegram.bot.token)  # the bot was deleted in BotFather
    await asyncio.wait_for(TelegramPoller(env.account.id, timeout=0).run(), 10)
    account = await load_account(env.account.id)
    assert account.status == "needs_reauth"


async def test_a_polled_button_press_is_answered_with_a_call(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    member = telegram.user(3400)
    telegram.bot.message("вопрос", user=member)
    question = {"message_id": 9001, "from": {"id": telegram.bot.id, "is_bot": True,
                "first_name": "Бот"}, "chat": {"id": 3400, "type": "private"},
                "date": 1718000000, "text": "Оцените ответ"}  # fmt: skip
    telegram.bot.press(question, "5", user=member)
    expired = telegram.bot.press(question, "4", user=member)
    telegram.bot.open_queries.discard(expired["callback_query"]["id"])  # Telegram forgot it
    poller = TelegramPoller(env.account.id, timeout=0)
    assert await poller.poll_once() == 3  # the expired press's 400 stops nothing
    calls = telegram.bot.calls_of("answerCallbackQuery")
    assert [c.via for c in calls] == ["http", "http"]
    assert len(telegram.bot.answered_queries) == 1 and telegram.bot.open_queries == set()
    assert [m["body"] for m in await env.messages_in()] == ["вопрос", "5", "4"]
