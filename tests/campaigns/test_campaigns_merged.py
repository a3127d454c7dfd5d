"""A member's reply to a campaign whose appeal was merged into another names the target
(``appeal_merged``): the campaign's «Ответы» open the appeal the reply is on now, not the merged
one, which is closed and holds none of its messages."""

from __future__ import annotations

import pytest
from appeals_support import inbound
from campaigns_support import World, campaign_body, grant, member

from unionline.appeals import services
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("campaigns")


async def test_a_reply_names_the_appeal_it_was_merged_into(unionline_app: AppHarness) -> None:
    w = await World(unionline_app).setup()
    anna = await member(w.a, "Иванова Анна Петровна", contacts=(("telegram", "1001"),))
    await grant(anna, "telegram")
    body = campaign_body(w, channel_order=["telegram"], variants={"telegram": {"text": "Привет"}})
    campaign = await w.call("boss", "post", "/api/campaigns/", 201, **body)
    await w.call("boss", "post", f"/api/campaigns/{campaign['id']}/start")
    await unionline_app.settle()
    answer, _ = await inbound(w.a, anna, "Спасибо, приду", channel="reference")
    await unionline_app.settle()
    target = await services.create_appeal(
        None, organization_id=w.a, member_id=anna, subject="Встреча", channel="phone"
    )
    await w.call("admin", "post", f"/api/appeals/{answer.id}/merge", target_id=str(target.id))

    [reply] = await w.call("olga", "get", f"/api/campaigns/{campaign['id']}/replies")
    assert (reply["appeal_id"], reply["appeal_number"]) == (str(target.id), target.number)
