"""Tasks end to end through the REST API on both engines: set, work, accept, the board and
its ranks, an appeal's tasks, templates with working-day deadlines, and organization scope."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from appeals_support import inbound, make_member
from tasks_support import Staff

from unionline.runtime import current
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("tasks")


async def test_a_task_is_set_worked_on_accepted_and_scoped(unionline_app: AppHarness) -> None:
    s = await Staff(unionline_app).setup()
    olga, ivan = str(s.ids["olga"]), str(s.ids["ivan"])
    task = await s.call(
        "boss",
        "post",
        "/api/tasks/",
        201,
        title="Подготовить ответ работодателю",
        description="**Срочно** <script>x</script>",
        organization_id=str(s.a1),
        responsible_id=olga,
        coexecutors=[ivan],
        observers=[str(s.ids["vera"])],
        acceptance=True,
        priority="high",
        checklist=[
            {"text": "Собрать документы", "items": [{"text": "Приказ"}, {"text": "Договор"}]},
            {"text": "Согласовать", "important": True},
        ],
    )
    tid = task["id"]
    assert task["status"] == "new" and task["responsible_id"] == olga
    assert (
        "<strong>Срочно</strong>" in task["description_html"]
        and "<script>" not in task["description_html"]
    )
    assert len(task["checklist"]) == 4 and {p["role"] for p in task["people"]} == {
        "coexecutor",
        "observer",
    }

    # An operator sets tasks to herself only; the observer cannot set any.
    await s.call(
        "olga", "post", "/api/tasks/", 403, title="x", organization_id=str(s.a), responsible_id=ivan
    )
    await s.call("vera", "post", "/api/tasks/", 403, title="x", organization_id=str(s.a))
    # Someone outside the task's organization cannot be made responsible; B does not see A's task.
    await s.call(
        "boss",
        "post",
        "/api/tasks/",
        422,
        title="x",
        organization_id=str(s.a),
        responsible_id=str(s.ids["petr"]),
    )
    await s.call("bob", "get", f"/api/tasks/{tid}", 404)
    await s.call("petr", "post", f"/api/tasks/{tid}/comments", 404, text="чужое")
    assert (await s.call("bob", "get", "/api/tasks/", view="all"))["total"] == 0

    # Olga works: in progress, ticks the checklist (the parent ticks its children), comments.
    await s.call("olga", "post", f"/api/tasks/{tid}/status", status="in_progress")
    parent = next(i for i in task["checklist"] if i["text"] == "Собрать документы")
    done = await s.call("ivan", "patch", f"/api/tasks/{tid}/checklist/{parent['id']}", done=True)
    assert sum(i["done"] for i in done["checklist"]) == 3
    rest = next(i for i in task["checklist"] if i["text"] == "Согласовать")
    await s.call("olga", "patch", f"/api/tasks/{tid}/checklist/{rest['id']}", done=True)
    commented = await s.call(
        "olga", "post", f"/api/tasks/{tid}/comments", text=f"Готово, @[Иван]({ivan})"
    )
    assert commented["comments"][0]["mentions"] == [ivan]

    # Done under acceptance waits for control; only the creator (or a manager) accepts.
    waiting = await s.call("olga", "post", f"/api/tasks/{tid}/status", status="done")
    assert waiting["status"] == "waiting_control"
    await s.call("ivan", "post", f"/api/tasks/{tid}/status", 403, status="done")
    accepted = await s.call("boss", "post", f"/api/tasks/{tid}/status", status="done")
    assert accepted["status"] == "done" and accepted["completed_at"]

    # The responsible asks to move a deadline; the creator approves.
    later = datetime(2030, 5, 6, 15, 0, tzinfo=UTC).isoformat()
    other = await s.call(
        "boss",
        "post",
        "/api/tasks/",
        201,
        title="Второе",
        organization_id=str(s.a),
        responsible_id=olga,
    )
    asked = await s.call("olga", "put", f"/api/tasks/{other['id']}/deadline", deadline=later)
    assert asked["deadline"] is None and asked["requested_deadline"]
    approved = await s.call("boss", "post", f"/api/tasks/{other['id']}/deadline/approve")
    assert approved["deadline"].startswith("2030-05-06") and approved["requested_deadline"] is None
    # Delegation: not to Ivan, who sees only A1; the creator hands it on; then Olga has no say.
    await s.call("olga", "put", f"/api/tasks/{other['id']}/responsible", 422, responsible_id=ivan)
    delegated = await s.call(
        "boss", "put", f"/api/tasks/{other['id']}/responsible", responsible_id=str(s.ids["boss"])
    )
    assert delegated["responsible_id"] == str(s.ids["boss"])
    await s.call("olga", "put", f"/api/tasks/{other['id']}/responsible", 403, responsible_id=olga)

    history = (await s.call("boss", "get", f"/api/tasks/{tid}"))["history"]
    assert {"created", "status", "checklist"} <= {h["what"] for h in history}
    counters = await s.call("boss", "get", "/api/tasks/counters")
    assert (counters["mine"], counters["set_by_me"], counters["observing"]) == (1, 1, 0)
    assert (await s.call("olga", "get", "/api/tasks/counters"))["mine"] == 0


async def test_board_moves_write_one_row_and_keep_order(unionline_app: AppHarness) -> None:
    s = await Staff(unionline_app).setup()
    project = await s.call(
        "boss", "post", "/api/tasks/projects/", 201, organization_id=str(s.a), name="Колдоговор"
    )
    stages = project["stages"]
    assert [st["name"] for st in stages] == ["Новые", "В работе", "На проверке", "Готово"]
    cards = [
        (
            await s.call(
                "boss",
                "post",
                "/api/tasks/",
                201,
                title=f"Карточка {n}",
                organization_id=str(s.a),
                project_id=project["id"],
                **({"deadline": "2026-12-31T15:00:00.25+03:00"} if n == 3 else {}),
            )
        )["id"]
        for n in range(4)
    ]
    board = await s.call("boss", "get", "/api/tasks/board", project_id=project["id"])
    assert [c["id"] for c in board["columns"][0]["cards"]] == cards
    # The last card goes between the first two; then one to «В работе» (its status follows).
    moved = await s.call(
        "boss", "post", f"/api/tasks/{cards[3]}/move", after_id=cards[0], before_id=cards[1]
    )
    assert moved["writes"] == 1
    await s.call("boss", "post", f"/api/tasks/{cards[2]}/move", stage_id=stages[1]["id"])
    board = await s.call("boss", "get", "/api/tasks/board", project_id=project["id"])
    assert [c["id"] for c in board["columns"][0]["cards"]] == [cards[0], cards[3], cards[1]]
    assert board["columns"][0]["cards"][1] == moved["card"]  # the same Card, field for field
    assert moved["card"]["deadline"] == "2026-12-31T12:00:00.250000Z"
    [line] = await current().db.fetch(
        "SELECT old, new FROM tasks_history WHERE task_id = {} AND what = 'moved'", cards[3]
    )  # the move's history line, written with the card in one statement on PostgreSQL
    assert (
        json.loads(line["new"])["rank"] == moved["card"]["rank"] != json.loads(line["old"])["rank"]
    )
    [working] = board["columns"][1]["cards"]
    assert working["id"] == cards[2] and working["status"] == "in_progress"
    # B's supervisor cannot see the project nor move its cards.
    await s.call("bob", "get", "/api/tasks/board", 404, project_id=project["id"])
    await s.call("bob", "post", f"/api/tasks/{cards[0]}/move", 404, stage_id=stages[1]["id"])


async def test_an_appeal_gets_tasks_from_a_template_with_a_working_day_deadline(
    unionline_app: AppHarness,
) -> None:
    s = await Staff(unionline_app).setup()
    member = await make_member(s.a, "Пётр Сидоров")
    appeal = await inbound(s.a, member, "Не выплатили премию")
    appeal_id = str(appeal[0].id)
    template = await s.call(
        "boss",
        "post",
        "/api/tasks/templates/",
        201,
        organization_id=str(s.a),
        name="Проверка выплат",
        title="Проверить выплату премии",
        deadline_days=3,
        checklist=[{"text": "Запросить расчётный листок"}],
        subtasks=["Написать работодателю"],
        observers=[str(s.ids["boss"])],
    )
    task = await s.call(
        "olga", "post", "/api/tasks/", 201, appeal_id=appeal_id, template_id=template["id"]
    )
    assert task["appeal_id"] == appeal_id and task["member_id"] == str(member)
    assert task["title"] == "Проверить выплату премии" and len(task["subtasks"]) == 1
    assert task["deadline"] is not None and any(link["kind"] == "appeal" for link in task["links"])
    on_appeal = await s.call("olga", "get", f"/api/tasks/appeals/{appeal_id}")
    assert on_appeal["open"] == 1 and on_appeal["done"] == 0  # its subtask is the task's
    await s.call("petr", "get", f"/api/tasks/appeals/{appeal_id}", 404)

    # The member's personal data: the task is in their export; erasure empties its words.
    exported = await s.call("admin", "get", f"/api/privacy/members/{member}/export")
    assert [t["title"] for t in exported["extra"]["tasks"]] == ["Проверить выплату премии"]
    up = await s.h.client.post(
        f"/api/tasks/{task['id']}/files",
        files={"file": ("Расчётный листок.pdf", b"%PDF-1.4 member", "application/pdf")},
        headers=s.auth("olga"),
    )
    assert up.status_code == 201, up.text
    await s.call("admin", "post", f"/api/privacy/members/{member}/erase")
    erased = await s.call("olga", "get", f"/api/tasks/{task['id']}")
    assert erased["title"] == "[удалено]" and erased["member_id"] is None
    assert erased["files"] == []  # a file about the member goes with the erasure
    assert uuid.UUID(task["id"])
