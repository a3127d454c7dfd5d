"""The reference channel's sender id is the whole ``from.id``: one with a newline after it is
refused naming the field, never made into a contact point ``ref-anna\\n``."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from appeals_support import make_org
from channel_support import REF, message, signed_call

from unionline.settings import Settings
from unionline.testing import AppHarness
from unionline.testing.channel_contract import ContractAccount


@pytest.fixture
def unionline_settings(unionline_settings: Settings, tmp_path: Path) -> Settings:
    return REF.configure(unionline_settings, tmp_path)


async def test_a_sender_id_with_a_newline_after_it_is_refused(unionline_app: AppHarness) -> None:
    h = unionline_app
    org = await make_org(h, "FED", kind="federation")
    made = await h.client.post(
        "/api/channel-accounts/",
        headers=h.admin_headers,
        json={
            "organization_id": str(org),
            "channel": "reference",
            "name": "bot",
            "config": REF.account_config(),
            "secrets": REF.account_secrets(),
        },
    )
    assert made.status_code == 201, made.text
    account = ContractAccount(id=uuid.UUID(made.json()["id"]), organization_id=org, public_key="")
    for number, sender in enumerate(("anna\n", "anna\r\n", " anna"), 1):
        call = signed_call(account, message(number, sender, "Здравствуйте"))
        answer = await h.client.post(call.path, content=call.body, headers=call.headers)
        assert answer.status_code == 422, (sender, answer.text)
        assert answer.json()["error"]["field"] == "from.id", sender
    call = signed_call(account, message(9, "anna", "Здравствуйте"))
    answer = await h.client.post(call.path, content=call.body, headers=call.headers)
    assert answer.status_code == 200, answer.text
