"""Tasks with robots and the inbox: a rule makes a task from a template for every new appeal,
the appeal is resolved when its tasks are done (the plugin's ready rule), an overdue task is
announced once, commented on by a rule and lands in the responsible's «Уведомления»."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import msgspec
import pytest
from appeals_support import inbound, make_member
from tasks_support import Staff

from unionline import now
from unionline.robots import templates
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("tasks")


async def rule(s: Staff, **body: Any) -> None:
    payload = {"organization_id": str(s.a), "name": "Правило задач", **body}
    await s.call("boss", "post", "/api/robots/rules", 201, **payload)


async def test_robots_make_tasks_resolve_appeals_and_announce_overdue(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    s = await Staff(h).setup()
    olga = str(s.ids["olga"])
    template = await s.call(
        "boss",
        "post",
        "/api/tasks/templates/",
        201,
        organization_id=str(s.a),
        name="Разбор обращения",
        title="Разобрать обращение",
        deadline_days=2,
        checklist=[{"text": "Позвонить члену профсоюза"}],
    )
    await rule(
        s,
        trigger={"kind": "event", "event_type": "appeal.created"},
        actions=[
            {
                "action": "tasks.create",
                "params": {
                    "template_id": template["id"],
                    "responsible": "operator",
                    "operator_id": olga,
                },
            }
        ],
    )
    ready = msgspec.to_builtins(templates.rule("tasks_resolve_appeal", s.a))
    await s.call("boss", "post", "/api/robots/rules", 201, **ready)
    await rule(
        s,
        name="Просрочка",
        trigger={"kind": "event", "event_type": "tasks.overdue"},
        actions=[
            {"action": "tasks.comment", "params": {"text": "Срок истёк — доложите руководителю."}}
        ],
    )

    appeal, _ = await inbound(s.a, await make_member(s.a), "Прошу помочь с отпуском")
    await h.settle()
    page = await s.call("olga", "get", f"/api/tasks/appeals/{appeal.id}")
    [card] = page["tasks"]
    assert card["title"] == "Разобрать обращение" and card["responsible_id"] == olga
    assert card["checklist_total"] == 1 and card["deadline"] is not None
    inbox = await s.call("olga", "get", "/api/notifications")
    [notice] = [n for n in inbox["items"] if n["kind"] == "notice"]
    assert notice["title"] == "Вам поставлена задача" and notice["text"] == "Разобрать обращение"
    assert notice["link"] == f"#/work/tasks/{card['id']}"

    # The deadline passes: one tasks.overdue (a second sweep finds nothing), the rule comments.
    from unionline.plugins.tasks.deadlines import sweep

    later = now() + timedelta(days=10)
    assert await sweep(later) == 1 and await sweep(later) == 0
    await h.settle()
    task = await s.call("olga", "get", f"/api/tasks/{card['id']}")
    assert [c["text"] for c in task["comments"]] == ["Срок истёк — доложите руководителю."]
    titles = [n["title"] for n in (await s.call("olga", "get", "/api/notifications"))["items"]]
    assert titles.count("Задача просрочена") == 1

    # Olga finishes the only task: the ready rule resolves the appeal.
    await s.call("olga", "post", f"/api/tasks/{card['id']}/status", status="done")
    await h.settle()
    row = await h.runtime.db.fetchone("SELECT status FROM appeal_appeal WHERE id = {}", appeal.id)
    assert row["status"] == "resolved"
