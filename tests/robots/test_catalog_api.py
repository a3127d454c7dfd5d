"""GET /api/robots/catalog: what the visual rule builder offers, built from the registries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from robots_support import PLUGINS, robots_settings

from unionline.robots.schemas import LEAF_KINDS
from unionline.testing import AppHarness
from unionline.testing.support import running_app


@pytest.fixture
def unionline_settings(unionline_database_url: str) -> Any:
    return robots_settings(unionline_database_url)


@pytest.fixture
async def h(unionline_settings: Any) -> AsyncIterator[AppHarness]:
    async with running_app(unionline_settings, migrate=True, extra_plugins=PLUGINS) as harness:
        yield harness


async def test_the_catalog_names_events_conditions_and_actions_in_words(h: AppHarness) -> None:
    r = await h.client.get("/api/robots/catalog", headers=h.admin_headers)
    assert r.status_code == 200
    catalog = r.json()

    events = {e["type"]: e["label"] for e in catalog["events"]}
    assert events["appeal.message_in"]["ru"] == "Сообщение от члена профсоюза"
    assert events["appeal.created"]["en"] == "A new appeal"
    types = (await h.client.get("/api/robots/event-types", headers=h.admin_headers)).json()
    assert sorted(events) == types  # every event a rule may wait for, a plugin's too

    conditions = {c["kind"]: c for c in catalog["conditions"]}
    assert set(conditions) == set(LEAF_KINDS)
    text = conditions["text"]
    assert text["value"] == "text" and text["label"]["ru"] == "Текст"
    assert [o["value"] for o in text["ops"]][:2] == ["contains", "not_contains"]
    assert {s["value"] for s in text["sources"]} == {"message", "subject", "any"}
    assert conditions["business_hours"]["value"] == "none"
    assert [g["value"] for g in catalog["groups"]] == ["all", "any"]
    assert {f["value"] for f in catalog["timer_fields"]} >= {"status_since", "created_at"}

    actions = {a["name"]: a for a in catalog["actions"]}
    tags = actions["appeal.add_tags"]
    assert tags["title"]["ru"] == "Добавить метки" and tags["plugin"]
    assert [(p["name"], p["widget"], p["label"]["ru"], p["required"]) for p in tags["params"]] == [
        ("tags", "lines", "Метки", True)
    ]
    assert actions["appeal.transfer"]["params"][0]["widget"] == "queue"
    assert actions["appeal.set_status"]["params"][0]["widget"] == "status"
    assert actions["member.send_message"]["params"][0]["widget"] == "localized_text"
    notify = {p["name"]: p for p in actions["operators.notify"]["params"]}
    assert notify["to"]["widget"] == "choices"
    assert {c["value"]: c["label"]["ru"] for c in notify["to"]["choices"]}["assignee"] == (
        "назначенному оператору"
    )
    assert notify["email"]["widget"] == "boolean" and notify["email"]["default"] is True
    assert notify["operator_ids"]["widget"] == "operators"
    # A plugin's action is there too; without labels its parameters keep their names.
    note = actions["test.note"]
    assert note["title"]["ru"] == "Тестовая заметка" and note["plugin"] == "robots.test"
    assert note["params"][0]["name"] == "text" and note["params"][0]["required"] is True


async def test_the_catalog_is_for_those_who_read_rules(h: AppHarness) -> None:
    from robots_support import make_org

    org = await make_org(h, "K")
    _, operator = await h.create_operator("op-k", "operator", org)
    headers = {"Authorization": f"Bearer {operator}"}
    assert (await h.client.get("/api/robots/catalog", headers=headers)).status_code == 403
