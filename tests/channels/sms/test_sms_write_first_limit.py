"""Writing to a member first by SMS («Написать заявителю…»): the dialog's choices carry the SMS
account's part limit (``sms_segments``), which its counter counts to as the reply composer
does, and a first message over it is refused — a 422 naming ``text``, no appeal made."""

from __future__ import annotations

from pathlib import Path

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


async def _member(env: ContractEnv) -> str:
    h = env.harness
    answer = await h.client.post(
        "/api/members/",
        headers=h.admin_headers,
        json={
            "organization_id": str(env.account.organization_id),
            "full_name": "Соколова Мария Петровна",
            "status": "member",
            "contacts": [{"kind": "phone", "address": "+79991234567"}],
        },
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def test_the_sms_choice_carries_the_accounts_part_limit(smsc_env: ContractEnv) -> None:
    env, h = smsc_env, smsc_env.harness
    member_id = await _member(env)
    reach = await h.client.get(f"/api/members/{member_id}/reach", headers=h.admin_headers)
    assert [(o["channel"], o["sms_segments"]) for o in reach.json()] == [("smsc", 6)]
    config = {**SMSC.account_config(), "max_segments": 2}
    changed = await h.client.patch(
        f"/api/channel-accounts/{env.account.id}", headers=h.admin_headers, json={"config": config}
    )
    assert changed.status_code == 200, changed.text
    reach = await h.client.get(f"/api/members/{member_id}/reach", headers=h.admin_headers)
    assert [o["sms_segments"] for o in reach.json()] == [2]

    body = {"member_id": member_id, "channel_account_id": str(env.account.id), "text": "Ж" * 135}
    refused = await h.client.post("/api/appeals/outbound", headers=h.admin_headers, json=body)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["field"] == "text"
    assert "не больше 2 — это 134 симв. кириллицей" in refused.json()["error"]["message"]
    appeals = await h.client.get("/api/appeals/", headers=h.admin_headers)
    assert appeals.json()["items"] == []  # nothing half-made
    body["text"] = "Ж" * 134
    started = await h.client.post("/api/appeals/outbound", headers=h.admin_headers, json=body)
    assert started.status_code == 201, started.text
