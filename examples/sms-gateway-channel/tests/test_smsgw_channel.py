"""The SMS channel beyond the contract: the gateway's errors by intent, idempotent retries,
segment limits, failed receipts, and what inbound SMS become."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from smsgw_adapters import SmsAdapters, phone, webhook
from smsgw_standin import (
    ANSWER_LOST,
    INVALID_NUMBER,
    OPTED_OUT,
    RATE_LIMITED,
    GatewayStandin,
    message_event,
)
from smsgw_standin import status_event as status_payload

from unionline import Settings
from unionline.testing import AppHarness, ContractEnv

ADAPTERS = SmsAdapters()  # the contract's adapters, reused outside a contract class


@pytest.fixture
def unionline_settings(unionline_settings: Settings, tmp_path: Path) -> Settings:
    return ADAPTERS.configure(unionline_settings, tmp_path)


@pytest.fixture
async def env(gateway: GatewayStandin, unionline_app: AppHarness) -> ContractEnv:
    ADAPTERS.gateway = gateway
    return await ADAPTERS.create_env(unionline_app)


async def member_writes(env: ContractEnv, update_id: int, sender: str = "100001") -> dict:
    return await ADAPTERS.inbound(env, update_id, sender=sender)


async def delivery_errors(env: ContractEnv, entry_id: int) -> list[str]:
    return [e.error or "" for e in await env.delivery_events(entry_id)]


async def test_rate_limit_is_retried_and_sends_once(env: ContractEnv) -> None:
    inbound = await member_writes(env, 1)
    ADAPTERS.gateway.fail_next(RATE_LIMITED)  # 429 with Retry-After: 1
    entry_id = await env.reply(inbound["appeal_id"], "Ответ после паузы")
    assert await env.wait_for_delivery(entry_id) == "sent"
    assert ADAPTERS.gateway.requests == 2
    assert [s.text for s in ADAPTERS.gateway.sent] == ["Ответ после паузы"]


async def test_lost_answer_is_retried_without_a_second_sms(env: ContractEnv) -> None:
    inbound = await member_writes(env, 2)
    ADAPTERS.gateway.fail_next(ANSWER_LOST)
    entry_id = await env.reply(inbound["appeal_id"], "Один раз")
    assert await env.wait_for_delivery(entry_id) == "sent"
    assert ADAPTERS.gateway.requests == 2  # retried with the same Idempotency-Key
    assert len(ADAPTERS.gateway.sent) == 1


async def test_invalid_number_fails_visibly(env: ContractEnv) -> None:
    inbound = await member_writes(env, 3)
    ADAPTERS.gateway.fail_next(INVALID_NUMBER)
    entry_id = await env.reply(inbound["appeal_id"], "Не дойдёт")
    assert await env.wait_for_delivery(entry_id) == "failed"
    assert "invalid_number" in (await delivery_errors(env, entry_id))[0]
    assert ADAPTERS.gateway.requests == 1  # a permanent refusal is not retried


async def test_opted_out_number_is_marked_blocked(env: ContractEnv) -> None:
    inbound = await member_writes(env, 4, sender="400001")
    ADAPTERS.gateway.fail_next(OPTED_OUT)
    entry_id = await env.reply(inbound["appeal_id"], "Рассылка")
    assert await env.wait_for_delivery(entry_id) == "failed"
    h = env.harness
    member = await h.client.get(f"/api/members/{inbound['member_id']}", headers=h.admin_headers)
    contacts = {c["address"]: c for c in member.json()["contacts"]}
    assert contacts[phone("400001")]["blocked"] is True


async def test_revoked_api_key_waits_for_reauth(env: ContractEnv) -> None:
    h, account = env.harness, env.account
    inbound = await member_writes(env, 5)
    ADAPTERS.gateway.api_key = "live_key_rotated_999"  # rotated at the gateway: 401 from now on
    entry_id = await env.reply(inbound["appeal_id"], "Ждёт нового ключа")
    assert await env.wait_for_delivery(entry_id, ("sent", "failed"), timeout=1.0) == "queued"
    url = f"/api/channel-accounts/{account.id}"
    assert (await h.client.get(url, headers=h.admin_headers)).json()["status"] == "needs_reauth"
    patched = await h.client.patch(
        url, headers=h.admin_headers,
        json={"secrets": {"api_key": "live_key_rotated_999"}, "status": "active"},
    )  # fmt: skip
    assert patched.status_code == 200, patched.text
    assert await env.wait_for_delivery(entry_id) == "sent"
    assert [s.text for s in ADAPTERS.gateway.sent] == ["Ждёт нового ключа"]


async def test_too_many_segments_are_refused_before_sending(env: ContractEnv) -> None:
    inbound = await member_writes(env, 6)
    entry_id = await env.reply(inbound["appeal_id"], "Ж" * (6 * 67 + 1))  # 7 UCS-2 segments
    assert await env.wait_for_delivery(entry_id) == "failed"
    assert "7 SMS-сегментов" in (await delivery_errors(env, entry_id))[0]
    assert ADAPTERS.gateway.requests == 0
    latin = await env.reply(inbound["appeal_id"], "A" * (6 * 153))  # GSM-7: 6 segments fit
    assert await env.wait_for_delivery(latin) == "sent"


async def test_undelivered_receipt_fails_the_message(env: ContractEnv) -> None:
    inbound = await member_writes(env, 7)
    entry_id = await env.reply(inbound["appeal_id"], "Абонент недоступен")
    assert await env.wait_for_delivery(entry_id) == "sent"
    sms = ADAPTERS.gateway.sent[-1]
    payload = status_payload("st_7", sms.id, "expired", "absent_subscriber")
    assert (await env.post(webhook(env.account, payload))).status_code == 200
    assert await env.delivery_status(entry_id) == "failed"
    assert "expired absent_subscriber" in (await delivery_errors(env, entry_id))[-1]


async def test_number_without_plus_is_the_same_member(env: ContractEnv) -> None:
    first = await member_writes(env, 8, sender="800001")
    bare = phone("800001").removeprefix("+")
    call = webhook(env.account, message_event("in_bare", bare, "Ещё вопрос"))
    assert (await env.post(call)).status_code == 200
    again = (await env.stored())[-1]
    assert again["member_id"] == first["member_id"]
    assert again["appeal_id"] == first["appeal_id"]


@pytest.mark.parametrize("sender", ["BANK", "+1", ""])
async def test_non_phone_senders_are_answered_and_not_stored(env: ContractEnv, sender: str) -> None:
    call = webhook(env.account, message_event(f"in_{uuid.uuid4().hex}", sender, "Спам"))
    assert (await env.post(call)).status_code == 200
    assert await env.stored() == []
