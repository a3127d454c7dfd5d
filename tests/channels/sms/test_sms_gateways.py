"""The HTTP gateways beyond the contract: SMS.ru's per-number codes, its cost beside the
delivery status, statuses by hashed callback and by polling, a lost answer never resent; SMSC's
lost answer settled by asking for our id; the part limit; stop words (СТОП/СТАРТ) with one
confirmation and sends refused before sending; «Проверить подключение» with the balance."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from sms_support import SmscAdapters, SmsRuAccounts, callback, phone
from standins.sms_http import LOST, SmscStandin, SmsRuStandin, smsru_callback

from unionline import Settings
from unionline.testing import AppHarness, ContractEnv

SMSRU = SmsRuAccounts()
SMSC = SmscAdapters()


@pytest.fixture
def unionline_settings(unionline_settings: Settings, tmp_path: Path) -> Settings:
    return SMSRU.configure(unionline_settings, tmp_path)


@pytest.fixture
async def smsru_env(smsru: SmsRuStandin, unionline_app: AppHarness) -> ContractEnv:
    SMSRU.gateway = smsru
    return await SMSRU.create_env(unionline_app)


@pytest.fixture
async def smsc_env(smsc: SmscStandin, unionline_app: AppHarness) -> ContractEnv:
    SMSC.gateway = smsc
    return await SMSC.create_env(unionline_app)


async def appeal_for(env: ContractEnv, number: str) -> uuid.UUID:
    """A member with the phone ``number`` and an appeal on the account (SMS.ru forwards no SMS:
    an operator writes first)."""
    h = env.harness
    member = await h.client.post("/api/members/", headers=h.admin_headers, json={
        "organization_id": str(env.account.organization_id), "full_name": "Анна Петрова",
        "contacts": [{"kind": "phone", "address": number}]})  # fmt: skip
    assert member.status_code == 201, member.text
    appeal = await h.client.post("/api/appeals/", headers=h.admin_headers, json={
        "organization_id": str(env.account.organization_id), "member_id": member.json()["id"],
        "channel": "smsru", "channel_account_id": str(env.account.id)})  # fmt: skip
    assert appeal.status_code == 201, appeal.text
    return uuid.UUID(appeal.json()["id"])


async def entry_data(env: ContractEnv, entry_id: int) -> dict[str, Any]:
    row = await env.db.fetchone("SELECT data FROM appeal_timeline WHERE id = {}", entry_id)
    data = row["data"]
    return data if isinstance(data, dict) else __import__("json").loads(data)


async def test_smsru_send_cost_statuses_and_refusals(
    smsru_env: ContractEnv, smsru: SmsRuStandin
) -> None:
    env = smsru_env
    appeal = await appeal_for(env, "+79991110001")
    entry = await env.reply(appeal, "Профсоюз: собрание в пятницу в 18:00, актовый зал.")
    assert await env.wait_for_delivery(entry) == "sent"
    [sms] = smsru.sent
    assert (sms.to, sms.sender) == ("79991110001", "PROFKOM")
    assert (await entry_data(env, entry))["delivery_note"] == "1 SMS · 1,48 ₽"  # sms/cost
    # A status callback with a wrong hash is refused; the genuine one moves it to delivered.
    body, headers = smsru_callback(smsru.api_id, [(sms.id, 103)], good=False)
    assert (await env.post(callback("smsru", env.account, body, headers))).status_code == 403
    body, headers = smsru_callback(smsru.api_id, [(sms.id, 103)])
    answer = await env.post(callback("smsru", env.account, body, headers))
    assert (answer.status_code, answer.text) == (200, "100")  # SMS.ru wants the text 100
    assert await env.delivery_status(entry) == "delivered"
    # 202 for the number: failed visibly, nothing sent; 209 (the account's stop-list): blocked.
    smsru.fail_next(202)
    refused = await env.reply(appeal, "Не дойдёт")
    assert await env.wait_for_delivery(refused) == "failed"
    assert "202" in (await entry_data(env, refused))["delivery_error"]
    smsru.fail_next(209)
    blocked = await env.reply(appeal, "И это не дойдёт")
    assert await env.wait_for_delivery(blocked) == "failed"
    assert len(smsru.sent) == 1


async def test_smsru_lost_answer_is_unknown_and_never_resent(
    smsru_env: ContractEnv, smsru: SmsRuStandin
) -> None:
    appeal = await appeal_for(smsru_env, "+79991110002")
    smsru.fail_next(LOST)  # taken, then a 502
    entry = await smsru_env.reply(appeal, "Один раз")
    assert await smsru_env.wait_for_delivery(entry) == "unknown"
    assert [s.text for s in smsru.sent] == ["Один раз"]
    assert smsru.requests.count("sms/send") == 1


async def test_smsru_unavailable_is_retried_and_bad_key_waits(
    smsru_env: ContractEnv, smsru: SmsRuStandin
) -> None:
    env, h = smsru_env, smsru_env.harness
    appeal = await appeal_for(env, "+79991110003")
    smsru.fail_next(220)  # "service temporarily unavailable": nothing taken
    entry = await env.reply(appeal, "После паузы")
    assert await env.wait_for_delivery(entry) == "sent"
    assert [s.text for s in smsru.sent] == ["После паузы"]
    smsru.api_id = "ROTATED-0000-1111"  # rotated at SMS.ru: 200 from now on
    waiting = await env.reply(appeal, "Ждёт нового ключа")
    assert await env.wait_for_delivery(waiting, ("sent", "failed"), timeout=1.0) == "queued"
    url = f"/api/channel-accounts/{env.account.id}"
    assert (await h.client.get(url, headers=h.admin_headers)).json()["status"] == "needs_reauth"
    check = await h.client.post(f"{url}/check", headers=h.admin_headers)
    assert check.json()["result"]["ok"] is False
    patched = await h.client.patch(
        url, headers=h.admin_headers, json={"secrets": {"api_id": smsru.api_id}, "status": "active"}
    )
    assert patched.status_code == 200, patched.text
    assert await env.wait_for_delivery(waiting) == "sent"
    check = await h.client.post(f"{url}/check", headers=h.admin_headers)
    assert check.json()["result"]["ok"] is True and "баланс" in check.json()["result"]["identity"]


async def test_smsru_statuses_by_polling(smsru_env: ContractEnv, smsru: SmsRuStandin) -> None:
    from unionline.channel import load_account
    from unionline.channels.sms.statuses import poller_for

    appeal = await appeal_for(smsru_env, "+79991110004")
    first = await smsru_env.reply(appeal, "Первое")
    second = await smsru_env.reply(appeal, "Второе")
    assert await smsru_env.wait_for_delivery(first) == "sent"
    assert await smsru_env.wait_for_delivery(second) == "sent"
    taken = {t.text: t.id for t in smsru.sent}  # two delivery jobs: either may go first
    smsru.statuses[taken["Первое"]] = 103
    smsru.statuses[taken["Второе"]] = 104  # expired
    poller = poller_for("smsru")(smsru_env.account.id)
    poller.pause = _no_pause  # type: ignore[method-assign]
    assert await poller.poll_once() == 2
    assert await smsru_env.delivery_status(first) == "delivered"
    assert (await entry_data(smsru_env, first))["delivery_note"] == "1 SMS · 1,48 ₽"
    assert await smsru_env.delivery_status(second) == "failed"
    assert "истекло" in (await entry_data(smsru_env, second))["delivery_error"]
    assert await poller.poll_once() == 0  # final statuses are not asked about again
    assert (await load_account(smsru_env.account.id)).channel == "smsru"


async def _no_pause(seconds: float) -> None:
    return None


async def test_smsc_lost_answer_is_found_by_our_id(
    smsc_env: ContractEnv, smsc: SmscStandin
) -> None:
    inbound = await SMSC.inbound(smsc_env, 1, sender="100001")
    smsc.fail_next(LOST)  # SMSC took it, the answer was lost on the way
    entry = await smsc_env.reply(inbound["appeal_id"], "Найдётся по id")
    assert await smsc_env.wait_for_delivery(entry) == "sent"
    assert [t.text for t in smsc.sent] == ["Найдётся по id"]
    assert "status" in smsc.requests  # asked instead of sending again


async def test_part_limit_is_checked_before_sending(
    smsc_env: ContractEnv, smsc: SmscStandin
) -> None:
    inbound = await SMSC.inbound(smsc_env, 2, sender="200001")
    long = await smsc_env.reply(inbound["appeal_id"], "Ж" * (6 * 67 + 1))  # 7 UCS-2 parts
    assert await smsc_env.wait_for_delivery(long) == "failed"
    assert "7 SMS" in (await entry_data(smsc_env, long))["delivery_error"]
    latin = await smsc_env.reply(inbound["appeal_id"], "A" * (6 * 153))  # 6 GSM-7 parts fit
    assert await smsc_env.wait_for_delivery(latin) == "sent"
    assert [t.parts for t in smsc.sent] == [6]


async def test_stop_word_opts_out_once_confirmed_and_start_opts_back_in(
    smsc_env: ContractEnv, smsc: SmscStandin
) -> None:
    env, h = smsc_env, smsc_env.harness
    number = phone("300001")
    first = await SMSC.inbound(env, 3, sender="300001", text="Вопрос про отпуск")
    stop = await env.post(SMSC.sms(env.account, 4, number, "стоп!"))
    assert stop.status_code == 200
    await h.settle()
    # One confirmation went out (an automatic reply let through the opt-out) …
    for _ in range(100):
        if smsc.sent:
            break
        await env.wait_for_delivery(-1, timeout=0.05)
    assert [t.text for t in smsc.sent] == [
        "Вы отписались от SMS профсоюза и больше не будете их получать. "
        "Чтобы подписаться снова, отправьте СТАРТ."
    ]
    await env.post(SMSC.sms(env.account, 4, number, "стоп!"))  # redelivered: still one
    await h.settle()
    assert len(smsc.sent) == 1
    # … an operator's reply is refused before it is queued, with the console's reason …
    refused = await h.client.post(f"/api/appeals/{first['appeal_id']}/replies",
                                  headers=h.admin_headers, json={"text": "Ответ"})  # fmt: skip
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["extra"] == {"reason": "sms_opted_out"}
    # … the member card says why, and anything queued another way fails visibly, unsent.
    member = await h.client.get(f"/api/members/{first['member_id']}", headers=h.admin_headers)
    contact = next(c for c in member.json()["contacts"] if c["address"] == number)
    assert contact["blocked"] is True
    robot = await env.reply(first["appeal_id"], "Напоминание робота")
    assert await env.wait_for_delivery(robot) == "failed"
    assert "отписался" in (await entry_data(env, robot))["delivery_error"]
    assert len(smsc.sent) == 1
    # СТАРТ opts back in.
    await env.post(SMSC.sms(env.account, 5, number, "Старт"))
    again = await env.reply(first["appeal_id"], "С возвращением")
    assert await env.wait_for_delivery(again) == "sent"
    member = await h.client.get(f"/api/members/{first['member_id']}", headers=h.admin_headers)
    assert next(c for c in member.json()["contacts"] if c["address"] == number)["blocked"] is False


@pytest.mark.parametrize("sender", ["BANK", "900", ""])
async def test_service_senders_are_answered_and_not_stored(
    smsc_env: ContractEnv, sender: str
) -> None:
    answer = await smsc_env.post(SMSC.sms(smsc_env.account, f"s-{sender}", sender, "Спам"))
    assert answer.status_code == 200
    assert await smsc_env.stored() == []
