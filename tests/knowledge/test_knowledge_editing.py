"""Editing on both engines: two editors of one article (409 with the diff, nothing lost), the
history restored and compared, an override told that its base changed and rebased, scheduled
publishing run by its job (twice is once), archiving, and who may do what where."""

from __future__ import annotations

from datetime import timedelta

import pytest
from knowledge_support import make_tree, publish, staff, titles, write

from unionline import now
from unionline.appeals.clock import use_clock
from unionline.plugins.knowledge.articles import PublishPayload, publish_scheduled
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("knowledge")


async def save(h: AppHarness, headers: dict, article_id: str, revision: int, body: str, **more):
    return await h.client.put(
        f"/api/knowledge/articles/{article_id}",
        json={"revision": revision, "title": more.pop("title", "Больничный"), "body": body, **more},
        headers=headers,
    )


async def test_two_editors_history_and_rebase(unionline_app: AppHarness) -> None:
    h = unionline_app
    tree = await make_tree(h)
    anna = await staff(h, "anna", "supervisor", tree.root)
    boris = await staff(h, "boris", "supervisor", tree.root)
    article = await write(h, anna, tree.root, "Больничный", "Строка 1\nСтрока 2\n")
    assert article["revision"] == 1 and article["status"] == "draft"

    # Both open revision 1; Anna saves first, Boris's save is refused with what changed.
    first = await save(h, anna, article["id"], 1, "Строка 1\nСтрока 2 — от Анны\n")
    assert first.status_code == 200 and first.json()["revision"] == 2
    late = await save(h, boris, article["id"], 1, "Строка 1\nСтрока 2\nСтрока 3 — от Бориса\n")
    assert late.status_code == 409
    extra = late.json()["error"]["extra"]
    assert extra["revision"] == 2 and extra["your_revision"] == 1
    assert extra["body"] == "Строка 1\nСтрока 2 — от Анны\n"
    assert {"op": "+", "text": "Строка 2 — от Анны"} in extra["diff"]
    # Boris merges onto revision 2: both changes are kept, and every revision is in the history.
    merged = await save(h, boris, article["id"], 2, "Строка 1\nСтрока 2 — от Анны\nСтрока 3\n")
    assert merged.status_code == 200 and merged.json()["revision"] == 3
    r = await h.client.get(f"/api/knowledge/articles/{article['id']}/revisions", headers=anna)
    assert [x["number"] for x in r.json()] == [3, 2, 1]
    r = await h.client.get(
        f"/api/knowledge/articles/{article['id']}/diff", params={"old": 1, "new": 3}, headers=anna
    )
    assert [(x["op"], x["text"]) for x in r.json()["lines"] if x["op"] in "+-"] == [
        ("-", "Строка 2"),
        ("+", "Строка 2 — от Анны"),
        ("+", "Строка 3"),
    ]
    r = await h.client.post(
        f"/api/knowledge/articles/{article['id']}/revisions/1/restore",
        json={"base_revision": 3},
        headers=anna,
    )
    assert r.status_code == 201 and r.json()["revision"] == 4
    assert r.json()["body"] == "Строка 1\nСтрока 2\n"
    # Publishing names the revision reviewed: a stale one is refused too.
    stale = await h.client.post(
        f"/api/knowledge/articles/{article['id']}/status",
        json={"status": "published", "revision": 3},
        headers=anna,
    )
    assert stale.status_code == 409
    base = await publish(h, anna, r.json())

    # The committee overrides it; the federation changes the base; the override is told.
    obkom = await staff(h, "obkom", "supervisor", tree.region)
    r = await h.client.post(
        f"/api/knowledge/articles/{base['id']}/overrides",
        json={"organization_id": str(tree.region)},
        headers=obkom,
    )
    override = await publish(h, obkom, r.json())
    assert override["base_changed"] is False and override["base_revision"] == 4
    edited = await save(h, anna, base["id"], 4, "Строка 1\nСтрока 2\nНовое правило\n")
    await publish(h, anna, edited.json())
    r = await h.client.get(f"/api/knowledge/articles/{override['id']}", headers=obkom)
    assert r.json()["base_changed"] is True and r.json()["base_published_revision"] == 5
    r = await h.client.get("/api/knowledge/editing", headers=obkom)
    assert [(x["id"], x["base_changed"]) for x in r.json()] == [(override["id"], True)]
    r = await h.client.get(f"/api/knowledge/articles/{override['id']}/base-diff", headers=obkom)
    assert {"op": "+", "text": "Новое правило"} in r.json()["lines"]
    r = await h.client.post(
        f"/api/knowledge/articles/{override['id']}/rebase",
        json={"base_revision": 5},
        headers=obkom,
    )
    assert r.status_code == 201 and r.json()["base_changed"] is False

    # The federation's article is the federation's: the committee neither edits nor publishes it.
    r = await save(h, obkom, base["id"], 5, "захват")
    assert r.status_code == 404
    operator = await staff(h, "oper", "operator", tree.plant)
    r = await h.client.post(
        f"/api/knowledge/articles/{override['id']}/status",
        json={"status": "archived", "revision": 1},
        headers=operator,
    )
    assert r.status_code == 403


async def test_scheduled_publishing_and_archive(unionline_app: AppHarness) -> None:
    h = unionline_app
    tree = await make_tree(h)
    admin = h.admin_headers
    reader = await staff(h, "reader", "operator", tree.plant)
    article = await write(h, admin, tree.region, "Материальная помощь", "Положение о помощи")
    at = now() + timedelta(hours=2)
    r = await h.client.post(
        f"/api/knowledge/articles/{article['id']}/status",
        json={"status": "published", "revision": 1, "at": at.isoformat()},
        headers=admin,
    )
    assert r.status_code == 201 and r.json()["status"] == "scheduled"
    assert await titles(h, reader) == []
    jobs = await h.runtime.db.fetch(
        "SELECT name FROM system_job WHERE name = 'knowledge.publish_scheduled'"
    )
    assert len(jobs) == 1
    payload = PublishPayload(article_id=r.json()["id"], revision=1)
    await publish_scheduled(payload)  # too early: nothing
    assert await titles(h, reader) == []
    later = at + timedelta(minutes=1)
    with use_clock(lambda: later):
        await publish_scheduled(payload)
        await publish_scheduled(payload)  # a job run twice publishes once
    assert await titles(h, reader) == ["Материальная помощь"]
    r = await h.client.get(f"/api/knowledge/articles/{article['id']}/revisions", headers=admin)
    assert len(r.json()) == 1
    r = await h.client.post(
        f"/api/knowledge/articles/{article['id']}/status",
        json={"status": "archived", "revision": 1},
        headers=admin,
    )
    assert r.status_code == 201
    assert await titles(h, reader) == [] and await titles(h, reader, q="помощь") == []
