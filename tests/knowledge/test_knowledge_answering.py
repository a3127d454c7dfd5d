"""The base at work, on both engines: suggestions for the appeal an operator answers (pushed
after the member's message, fetched when the appeal opens, scoped), an article drafted from a
resolved appeal, public articles for members without signing in, and an onboarding course."""

from __future__ import annotations

import uuid

import pytest
from appeals_support import bearer, inbound, make_member
from knowledge_support import make_tree, publish, staff, write

from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("knowledge")


async def test_suggestions_drafts_and_public_articles(unionline_app: AppHarness) -> None:
    h = unionline_app
    tree = await make_tree(h)
    admin = h.admin_headers
    vacation = await publish(
        h, admin, await write(h, admin, tree.root, "Перенос отпуска", "Отпуск переносится ...")
    )
    await publish(
        h, admin, await write(h, admin, tree.root, "Больничный лист", "Оплата больничного")
    )
    aid = await publish(
        h,
        admin,
        await write(
            h, admin, tree.region, "Материальная помощь", "Помощь членам профсоюза",
            visibility="public",
        ),
    )  # fmt: skip
    member = await make_member(tree.plant, "Ирина Козлова")
    appeal, _ = await inbound(tree.plant, member, "Работодатель не даёт перенести отпуск на июль")
    await h.settle()
    shown = await h.runtime.db.fetch(
        "SELECT article_id, rank FROM knowledge_suggestion_log WHERE appeal_id = {}"
        " AND action = 'shown' ORDER BY rank",
        appeal.id,
    )
    assert [str(r["article_id"]) for r in shown][:1] == [vacation["id"]]

    operator = await staff(h, "zavod", "operator", tree.plant)
    r = await h.client.get(f"/api/knowledge/appeals/{appeal.id}/suggestions", headers=operator)
    items = r.json()["items"]
    assert items[0]["title"] == "Перенос отпуска" and items[0]["text"] == "Отпуск переносится ..."
    assert items[0]["link"] == ""  # internal: no link for members
    stranger = await staff(h, "drugoy", "supervisor", tree.other)
    r = await h.client.get(f"/api/knowledge/appeals/{appeal.id}/suggestions", headers=stranger)
    assert r.status_code == 404
    r = await h.client.post(
        f"/api/knowledge/appeals/{appeal.id}/suggestions",
        json={"article_id": vacation["id"], "action": "inserted_text", "rank": 0},
        headers=operator,
    )
    assert r.status_code == 204

    # An article from the appeal once it is resolved, for the operator to rework.
    r = await h.client.post(f"/api/knowledge/appeals/{appeal.id}/draft", headers=operator)
    assert r.status_code == 409
    reply = await h.client.post(
        f"/api/appeals/{appeal.id}/replies", json={"text": "Перенос — по соглашению сторон."},
        headers=admin,
    )  # fmt: skip
    assert reply.status_code in (200, 201), reply.text
    resolved = await h.client.post(
        f"/api/appeals/{appeal.id}/status", json={"status": "resolved"}, headers=admin
    )
    assert resolved.status_code in (200, 201), resolved.text
    r = await h.client.post(f"/api/knowledge/appeals/{appeal.id}/draft", headers=operator)
    assert r.status_code == 201, r.text
    draft = r.json()
    assert draft["status"] == "draft" and draft["organization_id"] == str(tree.plant)
    assert "перенести отпуск на июль" in draft["body"] and "по соглашению сторон" in draft["body"]

    # Members: public articles only, as their organization sees them, without signing in.
    public = h.client.get
    r = await public(
        "/api/knowledge/public/articles", params={"organization_id": str(tree.plant), "q": "помощь"}
    )
    assert [x["title"] for x in r.json()] == ["Материальная помощь"]
    assert r.headers["access-control-allow-origin"] == "*"
    r = await public("/api/knowledge/public/articles", params={"organization_id": str(tree.other)})
    assert r.json() == []  # the region's public article is the region's
    assert (await public(f"/api/knowledge/public/articles/{vacation['id']}")).status_code == 404
    r = await public(f"/api/knowledge/public/articles/{aid['id']}")
    assert r.json()["text"] == "Помощь членам профсоюза" and r.json()["link"].endswith(aid["id"])
    page = await public(f"/kb/{aid['id']}")
    assert page.status_code == 200 and "Материальная помощь" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert (await public(f"/kb/{vacation['id']}")).status_code == 404


async def test_onboarding_course_progress(unionline_app: AppHarness) -> None:
    h = unionline_app
    tree = await make_tree(h)
    admin = h.admin_headers
    rules = await publish(h, admin, await write(h, admin, tree.root, "Устав", "Устав профсоюза"))
    howto = await publish(h, admin, await write(h, admin, tree.region, "Как отвечать", "Вежливо"))
    r = await h.client.post(
        "/api/knowledge/courses/",
        json={
            "organization_id": str(tree.region),
            "title": "Первая неделя оператора",
            "lessons": [
                {"article_id": rules["id"]},
                {
                    "article_id": howto["id"],
                    "quiz": [
                        {"question": "Как отвечать?", "options": ["Грубо", "Вежливо"], "answer": 1}
                    ],
                },
            ],
        },
        headers=admin,
    )
    assert r.status_code == 201, r.text
    course = r.json()
    assert [lesson["title"] for lesson in course["lessons"]] == ["Устав", "Как отвечать"]
    assert "answer" not in course["lessons"][1]["questions"][0]
    login, token = "novenkiy", None
    operator_id, token = await h.create_operator(login, "operator", tree.plant)
    newbie = bearer(token)
    [mine] = (await h.client.get("/api/knowledge/courses/mine", headers=newbie)).json()
    assert (mine["offered"], mine["completed"], mine["lessons"]) == (True, 0, 2)
    first, second = (x["id"] for x in course["lessons"])
    done = f"/api/knowledge/courses/{course['id']}/lessons"
    r = await h.client.post(f"{done}/{first}/complete", json={}, headers=newbie)
    assert r.json()["passed"] is True
    r = await h.client.post(f"{done}/{second}/complete", json={"answers": [0]}, headers=newbie)
    assert r.json() == {"passed": False, "correct": 0, "total": 1, "wrong": [0]}
    progress = f"/api/knowledge/courses/{course['id']}/progress"
    [row] = [x for x in (await h.client.get(progress, headers=admin)).json() if x["login"] == login]
    assert (row["completed"], row["finished_at"]) == (1, None)
    r = await h.client.post(f"{done}/{second}/complete", json={"answers": [1]}, headers=newbie)
    assert r.json()["passed"] is True
    [mine] = (await h.client.get("/api/knowledge/courses/mine", headers=newbie)).json()
    assert (mine["offered"], mine["completed"]) == (False, 2)
    [row] = [x for x in (await h.client.get(progress, headers=admin)).json() if x["login"] == login]
    assert row["operator_id"] == str(operator_id) and row["finished_at"] is not None
    # Another committee's staff neither take nor watch it.
    stranger = await staff(h, "drugoy", "supervisor", tree.other)
    assert (
        await h.client.get(f"/api/knowledge/courses/{course['id']}", headers=stranger)
    ).status_code == 404
    assert (await h.client.get(progress, headers=stranger)).status_code == 404
    assert uuid.UUID(course["id"])
