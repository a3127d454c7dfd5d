"""The channel's note on a send (``SendResult.note``: an SMS's parts and cost, «2 SMS · 2,96 ₽»)
is kept where the campaign shows its messages: on the recipient row (and so in the member's
personal-data export), and in the answer of «Отправить себе», which the editor's toast shows."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from campaigns_support import World, campaign_body, grant, member

from unionline import current
from unionline.channel import SendResult, channel_type
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("campaigns")
NOTE = "2 SMS · 2,96 ₽"


async def test_the_channels_note_is_kept_with_the_message(
    unionline_app: AppHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    kind = type(channel_type("reference"))
    plain = kind.send

    async def with_note(self: Any, account: Any, message: Any) -> SendResult:
        return msgspec.structs.replace(await plain(self, account, message), note=NOTE)

    monkeypatch.setattr(kind, "send", with_note)
    w = await World(unionline_app).setup()
    anna = await member(w.a, "Иванова Анна", contacts=(("telegram", "1001"),))
    await grant(anna, "telegram")
    campaign = await w.call("boss", "post", "/api/campaigns/", 201, **campaign_body(w))
    cid = campaign["id"]

    tested = await w.call(
        "boss", "post", f"/api/campaigns/{cid}/test", channel="telegram", address="9999"
    )
    assert (tested["status"], tested["note"]) == ("sent", NOTE)

    await w.call("boss", "post", f"/api/campaigns/{cid}/start")
    await unionline_app.settle()
    rows = await current().db.fetch(
        "SELECT status, note FROM campaigns_recipient WHERE campaign_id = {}", cid
    )
    assert [(r["status"], r["note"]) for r in rows] == [("sent", NOTE)]

    from unionline.plugins.campaigns.privacy import CampaignsSection

    exported = await CampaignsSection().export([anna], [])
    assert [m["note"] for m in exported["messages"]] == [NOTE]
