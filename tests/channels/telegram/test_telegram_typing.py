"""An operator typing in the console shows "typing…" in the member's Telegram chat:
``sendChatAction`` to the chat the member wrote from, at most once per throttle window per
appeal, never for an operator who may not see the appeal, never breaking the console."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from standins.telegram import BAD_GATEWAY, BLOCKED, HANG_BEFORE_SEND, TelegramStandin
from telegram_support import TelegramAdapters
from typing_support import console, other_organization, served, set_account_status

from unionline.channel import mark_needs_reauth, typing_notice
from unionline.settings import Settings
from unionline.testing.channel_contract import ContractEnv


class Adapters(TelegramAdapters):
    telegram_settings: ClassVar[dict[str, Any]] = {"request_timeout": 2.0}


adapters = Adapters()


@pytest.fixture
async def env(
    unionline_settings: Settings, tmp_path: Path, telegram: TelegramStandin
) -> AsyncIterator[ContractEnv]:
    settings = adapters.configure_for(unionline_settings, tmp_path, telegram)
    async with served(adapters, settings) as served_env:
        yield served_env


def actions(telegram: TelegramStandin) -> list[tuple[str, str]]:
    return [
        (str(c.params.get("chat_id")), str(c.params.get("action")))
        for c in telegram.bot.calls_of("sendChatAction")
    ]


async def test_typing_shows_in_the_members_chat_once_per_window(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    inbound = await adapters.inbound(env, 21, sender="2100")
    appeal_id = str(inbound["appeal_id"])
    async with console(env, "olga", env.account.organization_id) as olga:
        for _ in range(3):
            typed = await olga.command("typing", appeal_id=appeal_id)
            assert typed["ok"] is True, typed
        stopped = await olga.command("typing", appeal_id=appeal_id, typing=False)
        assert stopped["ok"] is True
        await typing_notice.drain()
        assert actions(telegram) == [("2100", "typing")]

        # Once the window has passed (the clock moved on), typing shows again.
        notices = typing_notice.notices()
        moved = notices.clock() + typing_notice.THROTTLE + 0.1
        notices.clock = lambda: moved
        assert (await olga.command("typing", appeal_id=appeal_id))["ok"] is True
        await typing_notice.drain()
        assert actions(telegram) == [("2100", "typing")] * 2


async def test_an_operator_who_may_not_see_the_appeal_gets_the_usual_error(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    inbound = await adapters.inbound(env, 22, sender="2200")
    async with console(env, "pavel", await other_organization(env)) as pavel:
        refused = await pavel.command("typing", appeal_id=str(inbound["appeal_id"]))
        assert refused["ok"] is False and refused["error"]["code"] == "not_found"
    await typing_notice.drain()
    assert actions(telegram) == []


@pytest.mark.parametrize("fault", [BAD_GATEWAY, BLOCKED], ids=["bad-gateway", "blocked"])
async def test_a_provider_error_does_not_break_the_console(
    env: ContractEnv, telegram: TelegramStandin, fault: Any
) -> None:
    inbound = await adapters.inbound(env, 23, sender="2300")
    appeal_id = str(inbound["appeal_id"])
    telegram.bot.inject("sendChatAction", fault)
    async with console(env, "olga", env.account.organization_id) as olga:
        assert (await olga.command("typing", appeal_id=appeal_id))["ok"] is True
        await typing_notice.drain()
        assert len(telegram.bot.calls_of("sendChatAction")) == 1  # tried, and refused
        replied = await olga.command("reply", appeal_id=appeal_id, text="Отвечаю")
        assert replied["ok"] is True, replied
    assert await env.wait_for_delivery(replied["data"]["id"]) == "sent"
    assert telegram.bot.sent_texts() == ["Отвечаю"]
    contact = await env.db.fetchone(
        "SELECT blocked FROM member_contact_point WHERE kind = 'telegram' AND address = '2300'"
    )
    assert contact is not None and not contact["blocked"]  # a notice decides nothing


async def test_the_console_does_not_wait_for_telegram(
    env: ContractEnv, telegram: TelegramStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbound = await adapters.inbound(env, 24, sender="2400")
    monkeypatch.setattr(typing_notice, "TIMEOUT", 60.0)
    telegram.bot.inject("sendChatAction", HANG_BEFORE_SEND)  # Telegram never answers
    async with console(env, "olga", env.account.organization_id) as olga:
        typed = await olga.command("typing", appeal_id=str(inbound["appeal_id"]))
        assert typed["ok"] is True
        assert typing_notice.notices().tasks  # answered while the notice is still waiting
        assert (await olga.command("viewing", appeal_id=str(inbound["appeal_id"])))["ok"]
    await typing_notice.stop()


@pytest.mark.parametrize("status", ["disabled", "needs_reauth"])
async def test_an_account_out_of_service_shows_nothing(
    env: ContractEnv, telegram: TelegramStandin, status: str
) -> None:
    inbound = await adapters.inbound(env, 25, sender="2500")
    if status == "disabled":
        await set_account_status(env, "disabled")
    else:
        await mark_needs_reauth(env.account.id, "token revoked")
    async with console(env, "olga", env.account.organization_id) as olga:
        assert (await olga.command("typing", appeal_id=str(inbound["appeal_id"])))["ok"] is True
    await typing_notice.drain()
    assert actions(telegram) == []
