"""SMPP send claims in batches, on both engines: the opt-out look-up that goes with a claim
(the one confirmation an opted-out number gets still goes), a claim made again (unknown, or
sent once its parts are recorded), the same delivery twice in one batch, a released claim
claimed again, and batches larger than one statement takes."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sms_support import SmppAccounts
from standins.smpp_smsc import SmscStandin

from unionline import Settings
from unionline.channel import load_account
from unionline.channels.sms import optout
from unionline.channels.sms.smpp import claims, links
from unionline.testing import AppHarness, ContractEnv

pytestmark = pytest.mark.every_engine  # the claims' SQL differs between the engines

SMPP = SmppAccounts()
STOPPED, OTHER = "+79990000102", "+79990000103"


@pytest.fixture
def unionline_settings(unionline_settings: Settings, tmp_path: Path) -> Settings:
    return SMPP.configure(unionline_settings, tmp_path)


@pytest.fixture
async def env(smpp: SmscStandin, unionline_app: AppHarness) -> AsyncIterator[ContractEnv]:
    SMPP.smsc = smpp
    created = await SMPP.create_env(unionline_app)
    yield created
    await links.drop(created.account.id)


async def test_claims_with_opt_outs_repeats_and_releases(env: ContractEnv) -> None:
    account = await load_account(env.account.id)
    await optout.opt_out(account, STOPPED, "СТОП")
    await env.db.execute(
        "UPDATE sms_opt_out SET confirmation_entry = 7 WHERE key = {}", f"{account.id}:{STOPPED}"
    )
    ids = [uuid.uuid4() for _ in range(4)]
    verdicts = await asyncio.gather(
        claims.claim(account.id, ids[0], STOPPED, 8),  # opted out
        claims.claim(account.id, ids[1], STOPPED, 7),  # its confirmation
        claims.claim(account.id, ids[2], OTHER, 8),
        claims.claim(account.id, ids[2], OTHER, 8),  # the same delivery in the same batch
    )
    assert [v.kind for v in verdicts] == ["opted_out", "go", "go", "busy"]
    # Claimed before: unknown until its parts are recorded, then sent with its first id.
    assert (await claims.claim(account.id, ids[2], OTHER, 8)).kind == "unknown"
    assert (await claims.record(account.id, ids[2], ["m-1", "m-2"])).state == ""
    again = await claims.claim(account.id, ids[2], OTHER, 8)
    assert (again.kind, again.first_id, again.parts) == ("submitted", "m-1", 2)
    # Claimed before and opted out since: refused.
    await optout.opt_out(account, OTHER, "STOP")
    assert (await claims.claim(account.id, ids[2], OTHER, 8)).kind == "opted_out"
    # Released (nothing went out): claimed afresh.
    await claims.release(ids[1])
    assert (await claims.claim(account.id, ids[1], STOPPED, 7)).kind == "go"
    assert (await claims.claim(account.id, ids[3], STOPPED, 8)).kind == "opted_out"
    rows = await env.db.fetch("SELECT id, state FROM sms_smpp_send")
    assert sorted((str(r["id"]), r["state"]) for r in rows) == sorted(
        [(str(ids[1]), "claimed"), (str(ids[2]), "claimed")]
    )


async def test_batches_larger_than_a_statement(env: ContractEnv) -> None:
    account = await load_account(env.account.id)
    ids = [uuid.uuid4() for _ in range(claims.BATCH * 2 + 10)]
    phones = [f"+7999{n:07d}" for n in range(len(ids))]
    verdicts = await asyncio.gather(
        *(claims.claim(account.id, i, p, 1) for i, p in zip(ids, phones, strict=True))
    )
    assert {v.kind for v in verdicts} == {"go"}
    outcomes = await asyncio.gather(
        *(claims.record(account.id, i, [f"id-{n}"]) for n, i in enumerate(ids))
    )
    assert {o.state for o in outcomes} == {""}
    count = await env.db.fetchone("SELECT count(*) AS n FROM sms_smpp_part")
    assert count is not None and count["n"] == len(ids)
