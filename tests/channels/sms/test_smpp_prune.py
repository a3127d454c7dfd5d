"""The daily pruning of SMPP send claims and parts: rows past ``[sms] smpp_keep_days`` go (in
batches), younger ones stay and still answer a send run again with its first message id."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sms_support import SmppAccounts
from standins.smpp_smsc import SmscStandin

from unionline import Settings
from unionline.channel import OutboundMessage, load_account
from unionline.channels.sms.smpp import links, prune
from unionline.channels.sms.smpp.channel import SmppChannel
from unionline.testing import AppHarness, ContractEnv

pytestmark = pytest.mark.every_engine  # DELETE … IN (SELECT … LIMIT) RETURNING on both engines

SMPP = SmppAccounts()
DAY = 86400.0


@pytest.fixture
def unionline_settings(unionline_settings: Settings, tmp_path: Path) -> Settings:
    return SMPP.configure(unionline_settings, tmp_path)


@pytest.fixture
async def env(smpp: SmscStandin, unionline_app: AppHarness) -> AsyncIterator[ContractEnv]:
    SMPP.smsc = smpp
    created = await SMPP.create_env(unionline_app)
    yield created
    await links.drop(created.account.id)


def _message(env: ContractEnv, text: str) -> OutboundMessage:
    return OutboundMessage(
        id=uuid.uuid4(),
        entry_id=1,
        appeal_id=uuid.uuid4(),
        organization_id=env.account.organization_id,
        member_id=None,
        recipient="+79990000101",
        text=text,
    )


async def _rows(env: ContractEnv, send_id: uuid.UUID) -> tuple[int, int]:
    claims = await env.db.fetch("SELECT id FROM sms_smpp_send WHERE id = {}", send_id)
    parts = await env.db.fetch("SELECT id FROM sms_smpp_part WHERE send_id = {}", send_id)
    return len(claims), len(parts)


async def test_old_claims_and_parts_are_pruned_young_ones_kept(
    env: ContractEnv, smpp: SmscStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    smpp.receipts = False
    account, channel = await load_account(env.account.id), SmppChannel()
    old = [_message(env, f"Старое сообщение №{n}: " + "собрание профкома. " * 5) for n in range(3)]
    young = _message(env, "Собрание в пятницу в 18:00")
    for message in [*old, young]:
        await channel.send(account, message)
    assert [await _rows(env, m.id) for m in old] == [(1, 2)] * 3  # two UCS-2 parts each
    month_ago = time.time() - 31 * DAY  # the default keeps 30 days
    for message in old:
        await env.db.execute(
            "UPDATE sms_smpp_send SET created_at = {} WHERE id = {}", month_ago, message.id
        )
        await env.db.execute(
            "UPDATE sms_smpp_part SET created_at = {} WHERE send_id = {}", month_ago, message.id
        )
    # An orphan part: a receipt for a message nobody recorded, as old.
    await env.db.execute(
        "INSERT INTO sms_smpp_part (id, key, account_id, first_id, parts, state, error,"
        " created_at) VALUES ({}, {}, {}, '', 0, 'delivered', '', {})",
        uuid.uuid4(),
        f"{account.id}:orphan",
        account.id,
        month_ago,
    )
    monkeypatch.setattr(prune, "BATCH", 2)  # several statements per table
    assert await prune.prune() == (3, 7)
    assert [await _rows(env, m.id) for m in old] == [(0, 0)] * 3
    assert await _rows(env, young.id) == (1, 1)
    assert await prune.prune() == (0, 0)
    # The young claim still answers a run of the same delivery: not submitted again.
    first = await env.db.fetchone("SELECT first_id FROM sms_smpp_part WHERE send_id = {}", young.id)
    again = await channel.send(account, young)
    assert first is not None and again.external_id == first["first_id"]
    assert sum(1 for _, text in smpp.taken if text == young.text) == 1
    # The retention counts from the send: a month on, the young send goes too.
    assert await prune.prune(now=time.time() + 31 * DAY) == (1, 1)


async def test_the_pruning_is_a_daily_job(env: ContractEnv) -> None:
    rows = await env.db.fetch(
        "SELECT idempotency_key FROM system_job WHERE name = {} AND status = 'pending'",
        prune.SWEEP.name,
    )
    day = int(time.time() // DAY) + 1
    assert [r["idempotency_key"] for r in rows] == [f"{prune.SWEEP.name}:{day}"]
