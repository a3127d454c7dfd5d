"""The rules API: validation naming the field, scoping by organization, dry runs, actions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from robots_support import (
    PLUGINS,
    create_rule,
    executions,
    make_appeal,
    make_org,
    robots_settings,
    timeline_kinds,
)

from unionline.testing import AppHarness
from unionline.testing.support import running_app

CREATED = {"kind": "event", "event_type": "appeal.created"}
NOTE = {"action": "test.note", "params": {"text": "привет"}}


@pytest.fixture
def unionline_settings(unionline_database_url: str) -> Any:
    return robots_settings(unionline_database_url)


@pytest.fixture
async def h(unionline_settings: Any) -> AsyncIterator[AppHarness]:
    async with running_app(unionline_settings, migrate=True, extra_plugins=PLUGINS) as harness:
        yield harness


async def post_rule(h: AppHarness, body: dict[str, Any], headers: Any = None) -> Any:
    return await h.client.post("/api/robots/rules", json=body, headers=headers or h.admin_headers)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"actions": [NOTE, {"action": "test.status", "params": {"status": 5}}]},
            "actions[1].params.status",
        ),
        ({"actions": [NOTE, {"action": "test.status", "params": {}}]}, "actions[1].params.status"),
        (
            {"actions": [{"action": "test.note", "params": {"text": "x", "extra": 1}}]},
            "actions[0].params.extra",
        ),
        ({"actions": [{"action": "nobody.has_this", "params": {}}]}, "actions[0].action"),
        ({"trigger": {"kind": "event", "event_type": "appeal.nothing"}}, "trigger.event_type"),
        ({"trigger": {"kind": "schedule", "cron": "61 * * * *"}}, "trigger.cron"),
        ({"trigger": {"kind": "schedule"}}, "trigger.cron"),
        (
            {"trigger": {"kind": "schedule", "every_minutes": 5, "timezone": "Mars/Base"}},
            "trigger.timezone",
        ),
        (
            {
                "conditions": {
                    "kind": "any",
                    "conditions": [
                        {"kind": "status", "values": ["new"]},
                        {"kind": "text", "op": "matches", "value": "(a+)\\1"},
                    ],
                }
            },
            "conditions.conditions[1].value",
        ),
    ],
)
async def test_a_bad_rule_is_refused_naming_the_field(
    h: AppHarness, change: dict[str, Any], field: str
) -> None:
    org = await make_org(h, "V")
    body = {
        "organization_id": str(org),
        "name": "Плохое",
        "trigger": CREATED,
        "actions": [NOTE],
        **change,
    }
    r = await post_rule(h, body)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == field
    listed = await h.client.get("/api/robots/rules", headers=h.admin_headers)
    assert listed.json() == []  # nothing half-written


async def test_a_malformed_rule_is_a_400_naming_the_field(h: AppHarness) -> None:
    org = await make_org(h, "M")
    body = {
        "organization_id": str(org),
        "name": "x",
        "trigger": CREATED,
        "actions": [NOTE],
        "conditions": {"kind": "status", "values": ["нет такого"]},
    }
    r = await post_rule(h, body)
    assert r.status_code == 400
    assert r.json()["error"]["field"] == "conditions.values[0]"


async def test_rules_are_scoped_to_the_organizations_of_the_caller(h: AppHarness) -> None:
    alpha, bravo = await make_org(h, "A"), await make_org(h, "B")
    _, sup_a = await h.create_operator("sup-a", "supervisor", alpha)
    _, observer_a = await h.create_operator("obs-a", "observer", alpha)
    _, operator_a = await h.create_operator("op-a", "operator", alpha)
    headers = {"Authorization": f"Bearer {sup_a}"}
    mine = await create_rule(h, alpha, headers, trigger=CREATED, actions=[NOTE], name="Наше")
    theirs = await create_rule(h, bravo, trigger=CREATED, actions=[NOTE], name="Чужое")

    listed = (await h.client.get("/api/robots/rules", headers=headers)).json()
    assert [r["name"] for r in listed] == ["Наше"]
    for path in ("", "/log"):
        r = await h.client.get(f"/api/robots/rules/{theirs['id']}{path}", headers=headers)
        assert r.status_code == 404
    r = await h.client.post(f"/api/robots/rules/{theirs['id']}/disable", headers=headers)
    assert r.status_code == 404
    body = {"organization_id": str(bravo), "name": "x", "trigger": CREATED, "actions": [NOTE]}
    assert (await post_rule(h, body, headers)).status_code == 404

    observer = {"Authorization": f"Bearer {observer_a}"}
    assert [
        r["name"] for r in (await h.client.get("/api/robots/rules", headers=observer)).json()
    ] == ["Наше"]
    r = await h.client.post(f"/api/robots/rules/{mine['id']}/disable", headers=observer)
    assert r.status_code == 403
    operator = {"Authorization": f"Bearer {operator_a}"}
    assert (await h.client.get("/api/robots/rules", headers=operator)).json() == []
    assert (await h.client.get("/api/robots/actions", headers=operator)).status_code == 403


async def test_enable_disable_update_delete(h: AppHarness) -> None:
    org = await make_org(h, "E")
    rule = await create_rule(h, org, trigger=CREATED, actions=[NOTE])
    path = f"/api/robots/rules/{rule['id']}"
    r = await h.client.post(f"{path}/disable", headers=h.admin_headers)
    assert r.json()["enabled"] is False
    r = await h.client.patch(
        path,
        json={"name": "Новое имя", "conditions": {"kind": "tags", "values": ["vip"]}},
        headers=h.admin_headers,
    )
    assert r.status_code == 200 and r.json()["name"] == "Новое имя"
    assert r.json()["conditions"] == {"kind": "tags", "op": "any", "values": ["vip"]}
    r = await h.client.patch(
        path, json={"actions": [{"action": "test.status", "params": {}}]}, headers=h.admin_headers
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "actions[0].params.status"
    assert (await h.client.get(path, headers=h.admin_headers)).json()["actions"] == [NOTE]
    assert (await h.client.delete(path, headers=h.admin_headers)).status_code == 204
    assert (await h.client.get(path, headers=h.admin_headers)).status_code == 404


async def test_actions_are_listed_with_their_parameters_schema(h: AppHarness) -> None:
    actions = (await h.client.get("/api/robots/actions", headers=h.admin_headers)).json()
    note = next(a for a in actions if a["name"] == "test.note")
    assert note["title"]["ru"] == "Тестовая заметка"
    assert note["plugin"] == "robots.test"
    schema = note["params_schema"]
    defs = schema.get("$defs", {})
    params = defs[schema["$ref"].rsplit("/", 1)[1]] if "$ref" in schema else schema
    assert params["required"] == ["text"]
    types = (await h.client.get("/api/robots/event-types", headers=h.admin_headers)).json()
    assert "appeal.created" in types and "robots.rule_executed" in types


async def test_dry_run_shows_what_would_happen_and_changes_nothing(h: AppHarness) -> None:
    org = await make_org(h, "D")
    telegram = await make_appeal(org, channel="telegram", subject="Зарплата задерживается")
    vk = await make_appeal(org, channel="vk", subject="Отпуск")
    await h.settle()
    rule = await create_rule(
        h,
        org,
        trigger=CREATED,
        conditions={
            "kind": "all",
            "conditions": [
                {"kind": "channel", "values": ["telegram"]},
                {"kind": "text", "op": "matches", "value": "зарплат\\w+", "source": "subject"},
            ],
        },
        actions=[NOTE, {"action": "test.status", "params": {"status": "open"}}],
    )
    r = await h.client.post(
        f"/api/robots/rules/{rule['id']}/dry-run", json={"limit": 10}, headers=h.admin_headers
    )
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["considered"] == 2 and result["matched"] == 1
    by_appeal = {i["appeal_id"]: i for i in result["items"]}
    hit, miss = by_appeal[str(telegram)], by_appeal[str(vk)]
    assert hit["matched"] and [s["summary"] for s in hit["steps"]] == [
        "заметка «привет» (проверка)",
        "статус станет open",
    ]
    assert not miss["matched"] and miss["steps"] == []
    assert {c["path"] for c in miss["failed_conditions"]} == {
        "conditions.conditions[0]",
        "conditions.conditions[1]",
    }
    assert await timeline_kinds(telegram, "note") == []
    assert await executions(rule["id"]) == []

    unsaved = {"organization_id": str(org), "trigger": CREATED, "actions": [NOTE], "limit": 1}
    r = await h.client.post("/api/robots/dry-run", json=unsaved, headers=h.admin_headers)
    assert r.status_code == 200 and r.json()["considered"] == 1


async def test_dry_run_of_no_organization_is_a_404_naming_it(h: AppHarness) -> None:
    """An administrator's scope allows any id, but an id of no organization has no subtree:
    a 404 naming ``organization_id`` (was ``IN ()``, a 500 on PostgreSQL)."""
    nowhere = "00000000-0000-4000-8000-000000000000"
    for trigger in (CREATED, {"kind": "timer", "field": "created_at", "offset_minutes": 5}):
        body = {"organization_id": nowhere, "trigger": trigger, "actions": [NOTE], "limit": 5}
        r = await h.client.post("/api/robots/dry-run", json=body, headers=h.admin_headers)
        assert r.status_code == 404, r.text
        assert r.json()["error"]["field"] == "organization_id"


async def test_log_of_all_rules(h: AppHarness) -> None:
    org = await make_org(h, "G")
    rule = await create_rule(h, org, trigger=CREATED, actions=[NOTE], name="Приветствие")
    appeal = await make_appeal(org)
    await h.settle()
    page = (await h.client.get("/api/robots/log", headers=h.admin_headers)).json()
    assert [(i["rule_name"], i["status"]) for i in page["items"]] == [("Приветствие", "done")]
    assert page["items"][0]["rule_id"] == rule["id"]
    number = (await h.client.get(f"/api/appeals/{appeal}", headers=h.admin_headers)).json()[
        "number"
    ]
    assert page["items"][0]["appeal_number"] == number


async def test_member_events_see_the_members_fields(h: AppHarness) -> None:
    """A rule on an event about a member (no appeal) checks the member's own fields."""
    org = await make_org(h, "MB")
    await make_appeal(org)  # creates the member: a member.created event
    await h.settle()

    async def matched(value: str) -> int:
        body = {
            "organization_id": str(org),
            "trigger": {"kind": "event", "event_type": "member.created"},
            "conditions": {"kind": "member", "field": "status", "value": value},
            "actions": [{"action": "test.wait", "params": {"seconds": 1}}],
        }
        r = await h.client.post("/api/robots/dry-run", json=body, headers=h.admin_headers)
        assert r.status_code == 200, r.text
        assert r.json()["considered"] == 1
        return r.json()["matched"]

    assert await matched("applicant") == 1
    assert await matched("member") == 0
