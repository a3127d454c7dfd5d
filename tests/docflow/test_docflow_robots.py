"""Docflow through robots: a rule on a new appeal starts a process (once, though the event comes
again), a rule on a document's registration renders a template onto it, and a step gone
overdue fires a rule on ``docflow.step_overdue`` — the escalation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from appeals_support import inbound, make_member
from docflow_support import Office
from test_docflow_templates import GOOD

from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("docflow")


async def rule(s: Office, **body: Any) -> None:
    payload = {"organization_id": str(s.a), "name": "Правило документооборота", **body}
    await s.call("boss", "post", "/api/robots/rules", 201, **payload)


async def test_robots_start_register_render_and_escalate(unionline_app: AppHarness) -> None:
    from unionline.appeals.clock import use_clock
    from unionline.plugins.docflow.deadlines import sweep

    h = unionline_app
    s = await Office(h).setup()
    kind = await s.kind(await s.journal(), category="application")
    process = await s.call(
        "boss",
        "post",
        "/api/docflow/processes",
        201,
        organization_id=str(s.a),
        name="Путёвка",
        kind_id=kind,
        audience="member",
        stages=[{"assignees": [s.id("boss")], "days": 1}],
    )
    r = await h.client.post(
        "/api/docflow/templates",
        data={"organization_id": str(s.a), "name": "Заявление"},
        files={"file": ("t.docx", GOOD, "application/octet-stream")},
        headers={"Authorization": f"Bearer {s.tokens['boss']}"},
    )
    assert r.status_code == 201, r.text
    await rule(
        s,
        trigger={"kind": "event", "event_type": "appeal.created"},
        actions=[{"action": "docflow.start_process", "params": {"process_id": process["id"]}}],
    )
    await rule(
        s,
        name="Печать заявления",
        # The registration is a robot's (the process it started): let it trigger this one.
        trigger={"kind": "event", "event_type": "docflow.registered", "include_robot_events": True},
        actions=[{"action": "docflow.render", "params": {"template_id": r.json()["id"]}}],
    )
    await rule(
        s,
        name="Просрочка",
        trigger={"kind": "event", "event_type": "docflow.step_overdue"},
        actions=[{"action": "docflow.register", "params": {}}],
    )
    bad = await s.call(
        "boss",
        "post",
        "/api/robots/rules",
        422,
        organization_id=str(s.a),
        name="x",
        trigger={"kind": "event", "event_type": "appeal.created"},
        actions=[{"action": "docflow.start_process", "params": {"process_id": "nope"}}],
    )
    assert "process_id" in str(bad)

    start = datetime(2025, 10, 29, 7, 0, tzinfo=UTC)
    with use_clock(lambda: start):
        await inbound(s.a, await make_member(s.a, "Петрова Анна"), "Прошу путёвку в лагерь")
        await h.settle()
    docs = await s.call("boss", "get", "/api/docflow/documents/", view="awaiting")
    [item] = docs["items"]
    assert item["number"] == "02-15/1" and item["status"] == "on_route"
    card = await s.call("boss", "get", f"/api/docflow/documents/{item['id']}")
    assert [f["source"] for f in card["files"]] == ["template"]  # rendered once, on registration

    with use_clock(lambda: datetime(2025, 11, 5, 8, tzinfo=UTC)):
        await sweep()
        await h.settle()
    runs = await h.runtime.db.fetch(
        "SELECT status FROM robot_execution WHERE event_type = 'docflow.step_overdue'"
    )
    assert [r["status"] for r in runs] == ["done"]
    overdue = await h.runtime.db.fetch(
        "SELECT COUNT(*) AS n FROM system_event WHERE type = 'docflow.step_overdue'"
    )
    assert int(overdue[0]["n"]) == 1
    again = await s.call("boss", "get", f"/api/docflow/documents/{item['id']}")
    assert again["number"] == "02-15/1"  # the robot's «register» found it registered: no change
    assert len(await h.runtime.db.fetch("SELECT id FROM docflow_document")) == 1
