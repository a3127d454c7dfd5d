"""An operator's SMS reply over the account's part limit is refused up front — a 422 naming
``text`` with the limit in parts and characters (Cyrillic UCS-2 and Latin GSM 7-bit), nothing
stored, nothing queued — and the appeal tells the console that account's limit (``reply``),
which its reply counter follows, instead of the channel type's default of six parts."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from sms_support import SmscAdapters
from standins.sms_http import SmscStandin

from unionline import Settings
from unionline.testing import AppHarness, ContractEnv

SMSC = SmscAdapters()


@pytest.fixture
def unionline_settings(unionline_settings: Settings, tmp_path: Path) -> Settings:
    return SMSC.configure(unionline_settings, tmp_path)


@pytest.fixture
async def smsc_env(smsc: SmscStandin, unionline_app: AppHarness) -> ContractEnv:
    SMSC.gateway = smsc
    return await SMSC.create_env(unionline_app)


async def _reply(env: ContractEnv, appeal_id: Any, text: str) -> Any:
    h = env.harness
    return await h.client.post(
        f"/api/appeals/{appeal_id}/replies", headers=h.admin_headers, json={"text": text}
    )


async def _entries(env: ContractEnv, appeal_id: Any) -> int:
    row = await env.db.fetchone(
        "SELECT COUNT(*) AS n FROM appeal_timeline WHERE appeal_id = {} AND kind = 'message_out'",
        appeal_id,
    )
    return int(row["n"])


async def test_a_reply_over_the_part_limit_is_a_422_naming_text(
    smsc_env: ContractEnv, smsc: SmscStandin
) -> None:
    env, h = smsc_env, smsc_env.harness
    inbound = await SMSC.inbound(env, 1, sender="200001")
    appeal_id = inbound["appeal_id"]
    refused = await _reply(env, appeal_id, "Ж" * (6 * 67 + 1))  # 7 UCS-2 parts
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["field"] == "text"
    assert error["message"].startswith("Текст занимает 7 SMS (кириллица)")
    assert "не больше 6 — это 402 симв. кириллицей или 918 латиницей" in error["message"]
    assert error["extra"] == {
        "reason": "channel_refused",
        "refusal": error["message"],
        "max_text_length": 402,
        "sms_segments": 6,
    }
    assert await _entries(env, appeal_id) == 0  # nothing stored, nothing queued
    latin = await _reply(env, appeal_id, "A" * (6 * 153))  # 6 GSM-7 parts fit
    assert latin.status_code == 201, latin.text
    assert await env.wait_for_delivery(latin.json()["id"]) == "sent"
    assert [t.parts for t in smsc.sent] == [6]

    view = await h.client.get(f"/api/appeals/{appeal_id}", headers=h.admin_headers)
    assert view.json()["reply"] == {
        "channel": "smsc",
        "channel_account_id": str(env.account.id),
        "max_text_length": 402,
        "sms_segments": 6,
    }


async def test_the_appeal_tells_the_accounts_own_limit(smsc_env: ContractEnv) -> None:
    env, h = smsc_env, smsc_env.harness
    config = {**SMSC.account_config(), "max_segments": 2}
    changed = await h.client.patch(
        f"/api/channel-accounts/{env.account.id}", headers=h.admin_headers, json={"config": config}
    )
    assert changed.status_code == 200, changed.text
    inbound = await SMSC.inbound(env, 2, sender="200002")
    view = await h.client.get(f"/api/appeals/{inbound['appeal_id']}", headers=h.admin_headers)
    reply = view.json()["reply"]
    assert (reply["sms_segments"], reply["max_text_length"]) == (2, 134)
    refused = await _reply(env, inbound["appeal_id"], "Ж" * 135)  # 3 parts: over 2
    assert refused.status_code == 422, refused.text
    assert (
        "не больше 2 — это 134 симв. кириллицей или 306 латиницей"
        in refused.json()["error"]["message"]
    )
    assert (await _reply(env, inbound["appeal_id"], "Ж" * 134)).status_code == 201


async def test_a_reply_with_a_file_is_a_422_naming_attachments(smsc_env: ContractEnv) -> None:
    env, h = smsc_env, smsc_env.harness
    inbound = await SMSC.inbound(env, 3, sender="200003")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
    upload = await h.client.post(
        "/api/attachments/", headers=h.admin_headers, files={"file": ("a.png", png, "image/png")}
    )
    assert upload.status_code == 201, upload.text
    refused = await h.client.post(
        f"/api/appeals/{inbound['appeal_id']}/replies",
        headers=h.admin_headers,
        json={"text": "Ответ", "attachments": [{"id": upload.json()["id"]}]},
    )
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["field"] == "attachments" and error["message"].startswith("SMS передаёт только")
    assert await _entries(env, inbound["appeal_id"]) == 0


async def test_a_first_message_over_the_limit_starts_no_appeal(smsc_env: ContractEnv) -> None:
    """«Написать первым» on an SMS account: the opening message is a reply like any other —
    over the part limit it is the same 422, and no appeal is left behind."""
    env, h = smsc_env, smsc_env.harness
    member = await h.client.post("/api/members/", headers=h.admin_headers, json={
        "organization_id": str(env.account.organization_id), "full_name": "Анна Петрова",
        "contacts": [{"kind": "phone", "address": "+79990000555"}]})  # fmt: skip
    assert member.status_code == 201, member.text
    body = {"member_id": member.json()["id"], "channel_account_id": str(env.account.id)}
    refused = await h.client.post(
        "/api/appeals/outbound", headers=h.admin_headers, json={**body, "text": "Ж" * 403}
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["field"] == "text"
    row = await env.db.fetchone(
        "SELECT COUNT(*) AS n FROM appeal_appeal WHERE member_id = {}",
        uuid.UUID(member.json()["id"]),
    )
    assert int(row["n"]) == 0
    started = await h.client.post(
        "/api/appeals/outbound", headers=h.admin_headers, json={**body, "text": "Ж" * 402}
    )
    assert started.status_code in (200, 201), started.text
