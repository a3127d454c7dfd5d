"""Bots Long Poll: events are stored before ``ts`` moves on; failed 1/2/3; restarts lose nothing."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import pytest
from standins.vk import VkStandin
from vk_support import VkAdapters, vk_fixtures

from unionline.channel.polling import run_pollers
from unionline.channels.vk import polling
from unionline.channels.vk.polling import LongPoller, load_ts
from unionline.testing.channel_contract import ContractEnv


class Adapters(VkAdapters):
    mode: ClassVar[str] = "longpoll"
    vk_settings: ClassVar[dict[str, Any]] = {"poll_wait": 1, "request_timeout": 5.0}


unionline_settings, env = vk_fixtures(Adapters())


async def bodies(env: ContractEnv) -> list[str]:
    return sorted(m["body"] for m in await env.messages_in())


async def test_events_are_stored_and_ts_saved_after_them(env: ContractEnv, vk: VkStandin) -> None:
    poller = LongPoller(env.account.id, wait=0)
    assert await poller.poll_once() == 0  # the first round only learns key and ts
    for n in range(3):
        vk.community.message_new(f"вопрос {n}", from_id=800 + n)
    assert await poller.poll_once() == 3
    assert await bodies(env) == ["вопрос 0", "вопрос 1", "вопрос 2"]
    assert await load_ts(env.account.id) == str(vk.community.first_ts + 3)


async def test_a_restart_continues_from_the_saved_ts(env: ContractEnv, vk: VkStandin) -> None:
    await LongPoller(env.account.id, wait=0).poll_once()
    vk.community.message_new("пока сервис стоял", from_id=810)  # nobody is polling now
    restarted = LongPoller(env.account.id, wait=0)
    assert await restarted.poll_once() == 1  # a fresh key, but the saved ts
    assert await bodies(env) == ["пока сервис стоял"]


async def test_a_failed_store_keeps_ts_and_the_events_come_again(
    env: ContractEnv, vk: VkStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    poller = LongPoller(env.account.id, wait=0)
    await poller.poll_once()
    saved = await load_ts(env.account.id)
    for n in range(3):
        vk.community.message_new(f"сообщение {n}", from_id=820)
    real, calls = polling.store_inbound, 0

    async def flaky(account: Any, items: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionError("database went away")
        return await real(account, items)

    monkeypatch.setattr(polling, "store_inbound", flaky)
    with pytest.raises(ConnectionError):
        await poller.poll_once()
    assert await load_ts(env.account.id) == saved
    assert await poller.poll_once() == 3
    assert await bodies(env) == ["сообщение 0", "сообщение 1", "сообщение 2"]


async def test_failed_1_2_3_are_handled_as_vk_documents(env: ContractEnv, vk: VkStandin) -> None:
    community = vk.community
    poller = LongPoller(env.account.id, wait=0)
    await poller.poll_once()

    community.message_new("потеряно в истории", from_id=830)
    community.fail_long_poll(1)  # the history moved on: continue from the given ts
    assert await poller.poll_once() == 0
    community.message_new("после сбоя 1", from_id=830)
    assert await poller.poll_once() == 1

    community.fail_long_poll(2)  # the key expired: a new key, the same ts
    community.message_new("после сбоя 2", from_id=830)
    assert await poller.poll_once() == 0 and poller.server is None
    assert await poller.poll_once() == 1

    community.fail_long_poll(3)  # key and ts lost: both anew
    assert await poller.poll_once() == 0 and await load_ts(env.account.id) is None
    await poller.poll_once()
    community.message_new("после сбоя 3", from_id=830)
    assert await poller.poll_once() == 1
    assert await bodies(env) == ["после сбоя 1", "после сбоя 2", "после сбоя 3"]


async def test_pollers_run_until_stopped(env: ContractEnv, vk: VkStandin) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(run_pollers(LongPoller, stop))
    for _ in range(100):  # the poller has its key once groups.getLongPollServer was called
        if vk.community.calls_of("groups.getLongPollServer"):
            break
        await asyncio.sleep(0.05)
    vk.community.message_new("пока сообщество опрашивается", from_id=840)
    for _ in range(200):
        if await env.messages_in():
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 10)
    assert await bodies(env) == ["пока сообщество опрашивается"]


async def test_a_revoked_token_flags_the_account_and_stops(env: ContractEnv, vk: VkStandin) -> None:
    from unionline.channel.accounts import load_account

    vk.communities.pop(vk.community.token)
    await asyncio.wait_for(LongPoller(env.account.id, wait=0).run(), 10)
    assert (await load_account(env.account.id)).status == "needs_reauth"


async def test_a_batch_is_named_in_one_call_and_permissions_apply(
    env: ContractEnv, vk: VkStandin
) -> None:
    poller = LongPoller(env.account.id, wait=0)
    await poller.poll_once()
    for n, name in enumerate(("Анна", "Борис", "Вера")):
        vk.add_person(830 + n, name, "Соколова" if name != "Борис" else "Соколов")
        vk.community.message_new(f"вопрос {n}", from_id=830 + n)
    vk.community.message_deny(831)
    assert await poller.poll_once() == 4
    [call] = vk.community.calls_of("users.get")  # one for the whole answer
    assert sorted(call.params["user_ids"].split(",")) == ["830", "831", "832"]
    row = await env.db.fetchone(
        "SELECT blocked FROM member_contact_point WHERE kind = 'vk' AND address = '831'"
    )
    assert row is not None and row["blocked"]
    names = await env.db.fetch("SELECT full_name FROM member_member ORDER BY full_name")
    assert [r["full_name"] for r in names] == ["Анна Соколова", "Борис Соколов", "Вера Соколова"]
