"""An operator typing in the console shows "typing…" in the member's VK conversation:
``messages.setActivity`` to the peer the member wrote from, at most once per throttle window per
appeal, never for an operator who may not see the appeal, never breaking the console, never
making a message wait for the client's pace."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from standins.vk import VkStandin
from typing_support import console, other_organization, served
from vk_support import VkAdapters

from unionline.channel import typing_notice
from unionline.channels.vk.client import pacer_for
from unionline.settings import Settings
from unionline.testing.channel_contract import ContractEnv


class Adapters(VkAdapters):
    vk_settings: ClassVar[dict[str, Any]] = {"request_timeout": 2.0}


adapters = Adapters()


@pytest.fixture
async def env(
    unionline_settings: Settings, tmp_path: Path, vk: VkStandin
) -> AsyncIterator[ContractEnv]:
    async with served(adapters, adapters.configure_for(unionline_settings, tmp_path, vk)) as e:
        yield e


async def pace_is_free(vk: VkStandin) -> None:
    """Let the client's pace pass any call made while setting up (a notice never waits)."""
    pacer = pacer_for(vk.community.token, 20)
    while (wait := pacer.free_in()) > 0:
        await asyncio.sleep(wait)


def activities(vk: VkStandin) -> list[dict[str, Any]]:
    return [call.params for call in vk.community.calls_of("messages.setActivity")]


async def test_typing_shows_in_the_members_conversation_once_per_window(
    env: ContractEnv, vk: VkStandin
) -> None:
    inbound = await adapters.inbound(env, 31, sender="3100")
    appeal_id = str(inbound["appeal_id"])
    await pace_is_free(vk)
    async with console(env, "olga", env.account.organization_id) as olga:
        for _ in range(3):
            typed = await olga.command("typing", appeal_id=appeal_id)
            assert typed["ok"] is True, typed
        await typing_notice.drain()
    [call] = activities(vk)
    assert call["peer_id"] == "3100" and call["type"] == "typing"
    assert call["group_id"] == str(vk.community.group_id) and call["v"]


async def test_an_operator_who_may_not_see_the_appeal_gets_the_usual_error(
    env: ContractEnv, vk: VkStandin
) -> None:
    inbound = await adapters.inbound(env, 32, sender="3200")
    async with console(env, "pavel", await other_organization(env)) as pavel:
        refused = await pavel.command("typing", appeal_id=str(inbound["appeal_id"]))
        assert refused["ok"] is False and refused["error"]["code"] == "not_found"
    await typing_notice.drain()
    assert activities(vk) == []


@pytest.mark.parametrize("code", [10, 901], ids=["internal-error", "messages-not-allowed"])
async def test_a_provider_error_does_not_break_the_console(
    env: ContractEnv, vk: VkStandin, code: int
) -> None:
    inbound = await adapters.inbound(env, 33, sender="3300")
    appeal_id = str(inbound["appeal_id"])
    await pace_is_free(vk)
    vk.community.inject("messages.setActivity", code)
    async with console(env, "olga", env.account.organization_id) as olga:
        assert (await olga.command("typing", appeal_id=appeal_id))["ok"] is True
        await typing_notice.drain()
        assert len(activities(vk)) == 1  # tried, and refused
        replied = await olga.command("reply", appeal_id=appeal_id, text="Отвечаю")
        assert replied["ok"] is True, replied
    assert await env.wait_for_delivery(replied["data"]["id"]) == "sent"
    assert vk.community.sent_texts() == ["Отвечаю"]


async def test_a_notice_is_skipped_rather_than_wait_for_the_pace(
    env: ContractEnv, vk: VkStandin
) -> None:
    inbound = await adapters.inbound(env, 34, sender="3400")
    await pace_is_free(vk)
    pacer = pacer_for(vk.community.token, 20)
    pacer.not_before = time.monotonic() + 60  # the pace is taken (by messages, say)
    try:
        async with console(env, "olga", env.account.organization_id) as olga:
            typed = await olga.command("typing", appeal_id=str(inbound["appeal_id"]))
            assert typed["ok"] is True
            await typing_notice.drain()
    finally:
        pacer.not_before = 0.0  # the pacer is the process's: free it for the other tests
    assert activities(vk) == []
