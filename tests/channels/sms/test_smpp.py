"""The SMPP channel against the loopback SMSC: members' SMS (Cyrillic, in parts) as their
messages, replies in UCS-2 parts with UDH, receipts by receipted_message_id — also before the
submit_sm_resp — UNDELIV receipts failing the reply, enquire_link both ways, throttling backed
off, and the faults: a dropped submit_sm_resp is "unknown" and never resent, a session dropped
mid-batch resends only what the SMSC never read."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from sms_support import SmppAccounts
from standins.smpp_smsc import (
    DROP_RESP,
    DROP_SESSION,
    QUEUE_FULL,
    RECEIPT_FIRST,
    THROTTLED,
    SmscStandin,
)

from unionline import Settings
from unionline.channel import load_account
from unionline.channels.sms.smpp import links
from unionline.testing import AppHarness, ContractEnv

SMPP = SmppAccounts()


@pytest.fixture
def unionline_settings(unionline_settings: Settings, tmp_path: Path) -> Settings:
    return SMPP.configure(unionline_settings, tmp_path)


@pytest.fixture
async def env(smpp: SmscStandin, unionline_app: AppHarness) -> AsyncIterator[ContractEnv]:
    SMPP.smsc = smpp
    created = await SMPP.create_env(unionline_app)
    yield created
    await links.drop(created.account.id)


async def bound(env: ContractEnv) -> links.Session:
    return await links.session_for(await load_account(env.account.id))


async def member_writes(
    env: ContractEnv, smpp: SmscStandin, text: str, source: str = "79990000101"
) -> dict[str, Any]:
    await bound(env)
    assert await smpp.deliver_mo(source, text) == [0] * len(await _parts(text))
    return (await env.stored())[-1]


async def _parts(text: str) -> list[bytes]:
    from unionline.channels.sms.segments import encode

    return encode(text, 1).parts


async def wait_for(predicate: Any, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if predicate():
            return
        await asyncio.sleep(0.02)


async def test_member_sms_in_parts_and_a_cyrillic_reply_with_receipts(
    env: ContractEnv, smpp: SmscStandin
) -> None:
    question = (
        "Здравствуйте! " + "Подскажите, положена ли материальная помощь при рождении ребёнка? " * 2
    )
    inbound = await member_writes(env, smpp, question)
    [entry] = await env.entries_in()
    assert entry.body == question
    assert entry.data["sms_from"] == "+79990000101"
    answer = "Да, положена: " + "заявление и копия свидетельства, срок — полгода. " * 3
    reply = await env.reply(inbound["appeal_id"], answer)
    assert await env.wait_for_delivery(reply, ("delivered",)) == "delivered"
    parts = smpp.submitted
    assert len(parts) == 3 and all(p.data_coding == 8 and p.esm_class & 0x40 for p in parts)
    assert all(
        p.registered_delivery == 1 and p.source == "PROFKOM" and p.source_ton == 5 for p in parts
    )
    assert smpp.taken == [("79990000101", answer)]
    # The SMSC's enquire_link is answered, and the ESME's own reach the SMSC.
    assert await smpp.enquire() == 0


async def test_receipt_before_its_submit_sm_resp_and_undeliverable(
    env: ContractEnv, smpp: SmscStandin
) -> None:
    inbound = await member_writes(env, smpp, "Вопрос")
    smpp.fail_next(RECEIPT_FIRST)
    first = await env.reply(inbound["appeal_id"], "Ответ раньше квитанции")
    assert await env.wait_for_delivery(first, ("delivered",)) == "delivered"
    smpp.undeliverable.add("79990000101")
    second = await env.reply(inbound["appeal_id"], "Абонент недоступен")
    assert await env.wait_for_delivery(second, ("failed",)) == "failed"
    row = await env.db.fetchone("SELECT data FROM appeal_timeline WHERE id = {}", second)
    assert "UNDELIV" in str(row["data"])


async def test_dropped_submit_sm_resp_is_unknown_and_never_resent(
    env: ContractEnv, smpp: SmscStandin
) -> None:
    inbound = await member_writes(env, smpp, "Вопрос")
    smpp.fail_next(DROP_RESP)
    entry = await env.reply(inbound["appeal_id"], "Ушло или нет?")
    assert await env.wait_for_delivery(entry) == "unknown"
    await env.harness.settle()
    assert smpp.taken == [("79990000101", "Ушло или нет?")]


async def test_a_send_run_again_is_never_submitted_twice(
    env: ContractEnv, smpp: SmscStandin
) -> None:
    """What a delivery job run again after its worker died finds: a send whose parts were
    recorded is sent (same message id, nothing submitted); a claimed send without them — killed
    between its submit_sm and the answer — is unknown, never resent."""
    from unionline.channel import DeliveryUnknown, OutboundMessage
    from unionline.channels.sms.smpp import claims
    from unionline.channels.sms.smpp.channel import SmppChannel

    smpp.receipts = False
    account, channel = await load_account(env.account.id), SmppChannel()
    message = OutboundMessage(
        id=uuid.uuid4(),
        entry_id=1,
        appeal_id=uuid.uuid4(),
        organization_id=env.account.organization_id,
        member_id=None,
        recipient="+79990000101",
        text="Собрание в пятницу в 18:00",
    )
    first = await channel.send(account, message)
    again = await channel.send(account, message)
    assert again.external_id == first.external_id and again.note == first.note
    killed = msgspec.structs.replace(message, id=uuid.uuid4())
    assert (await claims.claim(account.id, killed.id, "+79990000101", 1)).kind == "go"
    with pytest.raises(DeliveryUnknown):
        await channel.send(account, killed)
    assert smpp.taken == [("79990000101", message.text)]


async def test_throttling_is_backed_off_and_sent_once(env: ContractEnv, smpp: SmscStandin) -> None:
    inbound = await member_writes(env, smpp, "Вопрос")
    smpp.fail_next(THROTTLED, 2)
    smpp.fail_next(QUEUE_FULL)
    entry = await env.reply(inbound["appeal_id"], "После паузы")
    assert await env.wait_for_delivery(entry, ("sent", "delivered")) in ("sent", "delivered")
    assert smpp.refused == 3
    assert smpp.taken == [("79990000101", "После паузы")]


async def test_session_dropped_mid_batch_sends_nothing_twice(
    env: ContractEnv, smpp: SmscStandin
) -> None:
    inbound = await member_writes(env, smpp, "Вопрос")
    smpp.receipts = False
    texts = [f"Сообщение {n}" for n in range(12)]
    smpp.fail_next("ok", 4)  # the fifth submit_sm is taken, then the SMSC drops the session
    smpp.fail_next(DROP_SESSION)
    entries = [await env.reply(inbound["appeal_id"], t) for t in texts]
    statuses = [await env.wait_for_delivery(e) for e in entries]
    taken = [text for _, text in smpp.taken]
    assert len(taken) == len(set(taken))  # no SMS twice
    unknown = [t for t, s in zip(texts, statuses, strict=True) if s == "unknown"]
    assert all(s in ("sent", "unknown") for s in statuses), statuses
    sent = {t for t, s in zip(texts, statuses, strict=True) if s == "sent"}
    # Every "sent" was taken; an "unknown" was written without an answer — the SMSC may have
    # taken it (the one it dropped the session on) or never read it (those behind it).
    assert sent <= set(taken) <= sent | set(unknown)
    assert 1 <= len(unknown) <= 10  # what was written without an answer; the rest went once
    assert smpp.binds >= 2  # bound again for the rest


async def test_keeper_rebinds_after_a_drop(env: ContractEnv, smpp: SmscStandin) -> None:
    keeper = links.SessionKeeper(env.account.id)
    keeper.backoff_base = 0.05  # type: ignore[misc]
    task = asyncio.ensure_future(keeper.run())
    await wait_for(lambda: smpp.binds == 1)
    smpp.drop_all()
    await wait_for(lambda: smpp.binds == 2)
    assert smpp.binds == 2 and keeper.failures >= 1
    assert await smpp.deliver_mo("79990000202", "После переподключения") == [0]
    assert [m["body"] for m in await env.messages_in()] == ["После переподключения"]
    keeper.stop()
    await asyncio.wait_for(task, 5)


async def test_wrong_password_needs_reauth(env: ContractEnv, smpp: SmscStandin) -> None:
    from unionline import AuthFailed

    smpp.password = "changed"
    with pytest.raises(AuthFailed):
        await bound(env)
