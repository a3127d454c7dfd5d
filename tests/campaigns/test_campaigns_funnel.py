"""A funnel step (robot action ``campaigns.add_member``) reaches a member exactly once: the
rule firing again, the step retried after a restart, and a second rule all add the member to
the step's campaign once, and the member gets one message; outside the rule's organization,
or into a campaign not started, nothing is added."""

from __future__ import annotations

import uuid

import pytest
from campaigns_support import World, campaign_body, grant, member

from unionline.robots.sdk import RobotContext
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("campaigns")


def context(w: World, member_id: uuid.UUID, execution: uuid.UUID, **over: object) -> RobotContext:
    values: dict[str, object] = {
        "rule_id": uuid.uuid4(),
        "organization_id": w.a,
        "execution_id": execution,
        "step": 0,
        "member_id": member_id,
        "event_type": "member.created",
    }
    values.update(over)
    return RobotContext(**values)  # type: ignore[arg-type]


async def test_a_funnel_step_reaches_a_member_once(unionline_app: AppHarness) -> None:
    from unionline.plugins.campaigns.robot import AddMember, AddMemberParams

    w = await World(unionline_app).setup()
    body = campaign_body(w, name="Добро пожаловать", filter={"statuses": ["left"]})
    cid = uuid.UUID((await w.call("boss", "post", "/api/campaigns/", 201, **body))["id"])
    action, params = AddMember(), AddMemberParams(campaign_id=cid)
    newcomer = await member(w.a1, "Новиков Никита Ильич", contacts=(("telegram", "7001"),))
    await grant(newcomer, "telegram")
    refused = await action.run(context(w, newcomer, uuid.uuid4()), params)
    assert refused.stop and "не запущена" in refused.summary  # a draft takes nobody

    await w.call("boss", "post", f"/api/campaigns/{cid}/start")  # nobody has left: 0 rows
    await unionline_app.settle()
    execution = uuid.uuid4()
    for ctx in (
        context(w, newcomer, execution),  # the step
        context(w, newcomer, execution),  # retried after a restart
        context(w, newcomer, uuid.uuid4()),  # the rule fired again (member.updated)
        context(w, newcomer, uuid.uuid4(), rule_id=uuid.uuid4(), step=1),  # another rule
    ):
        assert not (await action.run(ctx, params)).stop
        await unionline_app.settle()
    view = await w.call("boss", "get", f"/api/campaigns/{cid}")
    assert view["counts"]["total"] == 1 and view["counts"]["sent"] == 1
    assert view["status"] == "finished"
    assert [s.recipient for s in w.sent()] == ["7001"]
    outsider = await member(w.b, "Чужой Павел", contacts=(("telegram", "7002"),))
    away = await action.run(context(w, outsider, uuid.uuid4(), organization_id=w.b), params)
    assert (
        away.stop and (await w.call("boss", "get", f"/api/campaigns/{cid}"))["counts"]["total"] == 1
    )
