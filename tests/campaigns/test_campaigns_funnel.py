"""A funnel step (robot action ``campaigns.add_member``) reaches a member exactly once: the
rule firing again, the step retried after a restart, and a second rule all add the member to
the step's campaign once, and the member gets one message; outside the rule's organization,
or into a campaign not started, nothing is added."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import pytest
from campaigns_support import World, campaign_body, grant, member

from unionline.errors import PermanentFailure
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
    # Another branch's rule naming the campaign, or a campaign deleted: the step fails for good
    # (the rules log shows it failed, not stopped), and nobody is added.
    for ctx, name in (
        (context(w, outsider, uuid.uuid4(), organization_id=w.b), cid),
        (context(w, newcomer, uuid.uuid4()), uuid.uuid4()),
    ):
        with pytest.raises(PermanentFailure, match="не найдена"):
            await action.run(ctx, AddMemberParams(campaign_id=name))
    assert (await w.call("boss", "get", f"/api/campaigns/{cid}"))["counts"]["total"] == 1


async def sent_by(w: World, campaign_id: str, n: int) -> dict[str, Any]:
    """The campaign once ``n`` of its messages are sent: a worker of the background runner may
    be sending them while ``settle`` returns (a deadline guards against a hang)."""
    deadline = time.monotonic() + 30
    while True:
        await w.h.settle()
        view: dict[str, Any] = await w.call("boss", "get", f"/api/campaigns/{campaign_id}")
        if view["counts"]["sent"] >= n or time.monotonic() > deadline:
            rows = await w.h.runtime.db.fetch(
                "SELECT status, attempts, lease_until, error FROM campaigns_recipient"
                " WHERE campaign_id = {}",
                uuid.UUID(campaign_id),
            )
            assert view["counts"]["sent"] == n, (view["counts"], rows, time.time())
            return view
        await asyncio.sleep(0.05)


async def test_remind_those_who_did_not_open_and_greet_on_birthdays(
    unionline_app: AppHarness,
) -> None:
    """A «did not open in 3 days» step takes the members of the earlier campaign who have not
    opened it once they were sent it 3 days ago; a birthday step takes the members whose date
    is today (both date formats), once a year. Passes run again (as after a restart) add
    nobody twice, and each member gets one message per step."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from appeals_support import FakeClock

    from unionline import now
    from unionline.appeals.clock import use_clock
    from unionline.calendar import timezone_for
    from unionline.plugins.campaigns import funnels, unsubscribe

    h = unionline_app
    w = await World(h).setup()
    today = now().astimezone(ZoneInfo(await timezone_for(w.a))).date()
    born = {
        "Иванова Анна": f"1980-{today:%m-%d}",
        "Борисов Борис": f"{today:%d.%m}.1975",
        "Веткина Вера": "1990-01-01" if f"{today:%m-%d}" != "01-01" else "1990-01-02",
    }
    people = {}
    for i, (name, day) in enumerate(born.items()):
        people[name] = await member(
            w.a, name, contacts=(("email", f"m{i}@example.org"), ("telegram", f"80{i}")),
            custom={"birth_date": day},
        )  # fmt: skip
        await grant(people[name], "email")
        await grant(people[name], "telegram")
    news = campaign_body(w, name="Новости", channel_order=["email"])
    first = (await w.call("boss", "post", "/api/campaigns/", 201, **news))["id"]
    await w.call("boss", "post", f"/api/campaigns/{first}/start")
    await h.settle()
    assert len(w.sent()) == 3
    rid = (
        await h.runtime.db.fetchone(
            "SELECT id FROM campaigns_recipient WHERE member_id = {}", people["Иванова Анна"]
        )
    )["id"]
    await unsubscribe.event(uuid.UUID(first), int(rid), "open", "pixel")  # Anna opened it

    remind = campaign_body(
        w, name="Напоминание", channel_order=["telegram"],
        trigger={"kind": "not_opened", "after_campaign_id": first, "days": 3},
    )  # fmt: skip
    bad = {**remind, "trigger": {"kind": "not_opened"}}
    draft = (await w.call("boss", "post", "/api/campaigns/", 201, **news))["id"]
    refused = await w.call("boss", "put", f"/api/campaigns/{draft}", 422, **bad)
    assert refused["error"]["field"] == "trigger.after_campaign_id"
    # Another organization's editor cannot name this campaign, whatever the step's kind.
    theirs = campaign_body(
        w, organization_id=str(w.b), trigger={"kind": "start", "after_campaign_id": first}
    )
    refused = await w.call("bob", "post", "/api/campaigns/", 422, **theirs)
    assert refused["error"]["field"] == "trigger.after_campaign_id"
    step = (await w.call("boss", "post", "/api/campaigns/", 201, **remind))["id"]
    started = await w.call("boss", "post", f"/api/campaigns/{step}/start")
    assert started["counts"]["total"] == 0  # sent today: not 3 days yet
    await h.runtime.db.execute(
        "UPDATE campaigns_recipient SET sent_at = sent_at - {} WHERE campaign_id = {}",
        3 * 86400 + 60, uuid.UUID(first),
    )  # fmt: skip
    for _ in range(3):  # the pass, and again as after a restart
        await funnels.fill_all()
        await h.settle()
    view = await sent_by(w, step, 2)
    assert view["counts"]["total"] == 2, view["counts"]
    assert sorted(s.recipient for s in w.sent()[3:]) == ["801", "802"]  # not Anna

    greet = campaign_body(
        w, name="С днём рождения", channel_order=["telegram"],
        trigger={"kind": "date", "date_field": "birth_date"},
    )  # fmt: skip
    birthday = (await w.call("boss", "post", "/api/campaigns/", 201, **greet))["id"]
    await w.call("boss", "post", f"/api/campaigns/{birthday}/start")
    for _ in range(2):
        await funnels.fill_all()
        await h.settle()
    await sent_by(w, birthday, 2)
    assert sorted(s.recipient for s in w.sent()[5:]) == ["800", "801"]  # Anna, Boris
    try:
        next_year = now().replace(year=now().year + 1)
    except ValueError:  # 29 February: the 28th next year (greeted then)
        next_year = now() + timedelta(days=365)
    clock = FakeClock(next_year)
    with use_clock(clock):  # a year later: greeted again, once, with a new message id
        await funnels.fill_all()
        await funnels.fill_all()
        await h.settle()
        await sent_by(w, birthday, 4)
    assert sorted(s.recipient for s in w.sent()[7:]) == ["800", "801"]
    ids = {s.delivery_id for s in w.sent()[5:]}
    assert len(ids) == 4
