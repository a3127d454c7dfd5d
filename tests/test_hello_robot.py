"""The example third-party plugin (examples/hello-plugin) adds a robot action, ``hello.greet``;
a rule using it, saved through the robots API, runs when its trigger fires."""

from __future__ import annotations

import uuid

import msgspec
import pytest

from unionline.testing import AppHarness


async def org_and_member(h: AppHarness) -> tuple[str, str]:
    from unionline.members.services import create_member

    r = await h.client.post(
        "/api/organizations/",
        headers=h.admin_headers,
        json={"name": "Профсоюз завода", "code": "ZAV", "kind": "primary"},
    )
    assert r.status_code == 201, r.text
    org = r.json()["id"]
    member = await create_member(None, uuid.UUID(org), full_name="Анна Иванова")
    return org, str(member)


@pytest.mark.unionline_plugins("hello")
async def test_a_rule_with_the_plugins_action_runs(unionline_app: AppHarness) -> None:
    h = unionline_app
    actions = (await h.client.get("/api/robots/actions", headers=h.admin_headers)).json()
    greet = next(a for a in actions if a["name"] == "hello.greet")
    assert greet["plugin"] == "hello" and greet["title"]["ru"] == "Поприветствовать"

    org, member = await org_and_member(h)
    bad = await h.client.post(
        "/api/robots/rules",
        headers=h.admin_headers,
        json={
            "organization_id": org,
            "name": "Приветствие",
            "trigger": {"kind": "event", "event_type": "appeal.created"},
            "actions": [{"action": "hello.greet", "params": {"nme": "x"}}],
        },
    )
    assert bad.status_code == 422 and "nme" in bad.json()["error"]["field"]
    rule = await h.client.post(
        "/api/robots/rules",
        headers=h.admin_headers,
        json={
            "organization_id": org,
            "name": "Приветствие",
            "trigger": {"kind": "event", "event_type": "appeal.created"},
            "actions": [{"action": "hello.greet"}],
        },
    )
    assert rule.status_code == 201, rule.text
    created = await h.client.post(
        "/api/appeals/",
        headers=h.admin_headers,
        json={"organization_id": org, "member_id": member, "subject": "Вопрос"},
    )
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    await h.settle()

    greetings = (await h.client.get("/api/hello/greetings", headers=h.admin_headers)).json()
    assert [(g["text"], g["delivered"]) for g in greetings] == [(f"Привет, {number}!", True)]
    log = (
        await h.client.get(f"/api/robots/rules/{rule.json()['id']}/log", headers=h.admin_headers)
    ).json()
    [execution] = log["items"]
    assert execution["status"] == "done"
    assert execution["steps"][0]["summary"] == f"приветствие «Привет, {number}!»"


@pytest.mark.unionline_plugins("hello")
async def test_the_action_greets_once_per_step_and_not_on_a_dry_run(
    unionline_app: AppHarness,
) -> None:
    from unionline.robots.sdk import RobotContext
    from unionline_hello.robots import Greet, GreetParams

    ctx = RobotContext(
        rule_id=uuid.uuid4(), organization_id=uuid.uuid4(), execution_id=uuid.uuid4(), step=0
    )
    action = Greet()
    preview = await action.run(msgspec.structs.replace(ctx, dry_run=True), GreetParams(name="Анна"))
    assert preview.summary == "приветствие «Привет, Анна!» (проверка)"
    await action.run(ctx, GreetParams(name="Анна"))
    await action.run(ctx, GreetParams(name="Анна"))  # the job system retried the step
    greetings = (
        await unionline_app.client.get("/api/hello/greetings", headers=unionline_app.admin_headers)
    ).json()
    assert [g["text"] for g in greetings] == ["Привет, Анна!"]
