"""A campaign's SMS over its account's part limit is refused when the draft is saved and when
it starts — a 422 naming ``variants.sms.text`` with the SMS channel's own sentence (the one
refusal an operator's reply gets), nothing kept — instead of every recipient failing at the
send; ``GET /api/campaigns/limits`` tells the editor's counter that account's limit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from campaigns_support import World, campaign_body
from standins.sms_http import SmscStandin

from unionline.testing import AppHarness, serve

pytestmark = pytest.mark.unionline_plugins("campaigns", "sms")


@pytest.fixture
async def smsc() -> AsyncIterator[SmscStandin]:
    standin = SmscStandin()
    async with serve(standin.app()) as base_url:
        standin.base_url = base_url
        yield standin


async def _sms_account(w: World, smsc: SmscStandin, max_segments: int) -> str:
    config = {"login": smsc.login, "sender": "PROFKOM", "base_url": smsc.base_url}
    account = await w.call(
        "admin", "post", "/api/channel-accounts/", 201,
        organization_id=str(w.a), channel="smsc", name="SMS профкома",
        config={**config, "max_segments": max_segments}, secrets={"password": smsc.password},
    )  # fmt: skip
    return str(account["id"])


def _sms_body(w: World, account: str, text: str) -> dict[str, Any]:
    return campaign_body(
        w, channel_order=["sms"], accounts={"sms": account}, variants={"sms": {"text": text}}
    )


async def test_an_sms_over_the_accounts_limit_is_refused_on_save_naming_the_text(
    unionline_app: AppHarness, smsc: SmscStandin
) -> None:
    w = await World(unionline_app).setup()
    account = await _sms_account(w, smsc, 2)
    refused = await w.call(
        "boss", "post", "/api/campaigns/", 422, **_sms_body(w, account, "Ж" * 135)
    )
    error = refused["error"]
    assert error["field"] == "variants.sms.text", refused
    assert error["message"].startswith("Текст занимает 3 SMS (кириллица)")
    assert (
        "не больше 2 — это 134 симв. кириллицей или 306 латиницей: сократите сообщение"
        in (error["message"])
    )
    assert error["extra"] == {"reason": "message_refused", "refusal": error["message"]}
    assert await w.call("boss", "get", "/api/campaigns/") == []  # nothing kept
    saved = await w.call("boss", "post", "/api/campaigns/", 201, **_sms_body(w, account, "Ж" * 134))
    longer = _sms_body(w, account, "A" * 306 + "{")  # an escape takes two septets: 308
    edited = await w.call("boss", "put", f"/api/campaigns/{saved['id']}", 422, **longer)
    assert edited["error"]["field"] == "variants.sms.text"
    draft = await w.call("boss", "get", f"/api/campaigns/{saved['id']}")
    assert draft["variants"]["sms"]["text"] == "Ж" * 134  # the edit was not kept
    assert await w.call(
        "boss", "put", f"/api/campaigns/{saved['id']}", **_sms_body(w, account, "A" * 306)
    )


async def test_a_draft_over_a_limit_lowered_since_does_not_start(
    unionline_app: AppHarness, smsc: SmscStandin
) -> None:
    w = await World(unionline_app).setup()
    account = await _sms_account(w, smsc, 3)
    saved = await w.call("boss", "post", "/api/campaigns/", 201, **_sms_body(w, account, "Ж" * 150))
    config = {"login": smsc.login, "sender": "PROFKOM", "base_url": smsc.base_url}
    await w.call(
        "admin", "patch", f"/api/channel-accounts/{account}", config={**config, "max_segments": 2}
    )
    refused = await w.call("boss", "post", f"/api/campaigns/{saved['id']}/start", 422)
    assert refused["error"]["field"] == "variants.sms.text", refused
    assert "не больше 2" in refused["error"]["message"]
    assert (await w.call("boss", "get", f"/api/campaigns/{saved['id']}"))["status"] == "draft"


async def test_the_editor_is_told_the_accounts_part_limit(
    unionline_app: AppHarness, smsc: SmscStandin
) -> None:
    w = await World(unionline_app).setup()
    account = await _sms_account(w, smsc, 2)
    limits = await w.call(
        "boss", "get", "/api/campaigns/limits", organization_id=str(w.a), account_id=account
    )
    assert limits == {
        "channel": "smsc",
        "channel_account_id": account,
        "max_text_length": 134,
        "sms_segments": 2,
    }
    other = await w.call(
        "boss", "get", "/api/campaigns/limits", organization_id=str(w.a), account_id=str(w.account)
    )
    assert other["sms_segments"] is None  # not an SMS account: no part limit
    # Another branch's organization, or an account its campaigns may not use: refused.
    hidden = await w.call(
        "bob", "get", "/api/campaigns/limits", 404, organization_id=str(w.a), account_id=account
    )
    assert hidden["error"]["field"] == "organization_id"
    unusable = await w.call(
        "bob", "get", "/api/campaigns/limits", 422, organization_id=str(w.b), account_id=account
    )
    assert unusable["error"]["field"] == "account_id"
