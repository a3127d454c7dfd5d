"""The operator's workspace: notifications kept until read (a mention, an appeal handed over,
a robot's notice — never one's own doing, never twice for one event) and saved list filters;
each operator sees only their own."""

from __future__ import annotations

import uuid
from typing import Any

from test_members import make_org

from unionline.testing import AppHarness


class Desk:
    def __init__(self, h: AppHarness, org: uuid.UUID) -> None:
        self.h, self.org = h, org
        self.headers: dict[str, dict[str, str]] = {}
        self.ids: dict[str, str] = {}

    async def operator(self, login: str, role: str = "operator") -> None:
        operator_id, token = await self.h.create_operator(login, role, self.org)
        self.headers[login] = {"Authorization": f"Bearer {token}"}
        self.ids[login] = str(operator_id)

    async def call(self, who: str, method: str, path: str, **kwargs: Any) -> Any:
        answer = await self.h.client.request(method, path, headers=self.headers[who], **kwargs)
        assert answer.status_code < 300, answer.text
        return answer.json() if answer.content else None

    async def inbox(self, who: str, **params: Any) -> Any:
        await self.h.settle()
        return await self.call(who, "GET", "/api/notifications/", params=params)


async def desk(h: AppHarness) -> tuple[Desk, str]:
    org = await make_org(h, "ZAVOD")
    d = Desk(h, org)
    await d.operator("anna")
    await d.operator("boris", "supervisor")
    member = await h.client.post(
        "/api/members/",
        headers=h.admin_headers,
        json={"organization_id": str(org), "full_name": "Соколова Мария", "status": "member"},
    )
    appeal = await h.client.post(
        "/api/appeals/",
        headers=h.admin_headers,
        json={"organization_id": str(org), "member_id": member.json()["id"], "subject": "Отпуск"},
    )
    return d, str(appeal.json()["id"])


async def test_a_mention_waits_in_the_inbox_until_read(unionline_app: AppHarness) -> None:
    d, appeal_id = await desk(unionline_app)
    await d.call(
        "boris",
        "POST",
        f"/api/appeals/{appeal_id}/notes",
        json={
            "text": "@anna посмотри график отпусков",
            "mentions": [d.ids["anna"], d.ids["boris"]],
        },
    )
    page = await d.inbox("anna")
    assert page["unread"] == 1
    [item] = page["items"]
    assert item["kind"] == "mention" and item["appeal_id"] == appeal_id
    assert item["appeal_number"].startswith("ZAVOD-") and item["author_id"] == d.ids["boris"]
    assert "график отпусков" in item["text"] and item["read_at"] is None
    assert (await d.inbox("boris"))["items"] == []  # one's own mention is no news
    # Nobody else can mark it; its operator can.
    other = await d.call("boris", "POST", "/api/notifications/read", json={"ids": [item["id"]]})
    assert other == {"marked": 0, "unread": 0}
    mine = await d.call("anna", "POST", "/api/notifications/read", json={"ids": [item["id"]]})
    assert mine == {"marked": 1, "unread": 0}
    page = await d.inbox("anna")
    assert page["unread"] == 0 and page["items"][0]["read_at"] is not None
    assert (await d.inbox("anna", unread=True))["items"] == []


async def test_handed_over_appeals_notify_and_own_claims_do_not(unionline_app: AppHarness) -> None:
    d, appeal_id = await desk(unionline_app)
    await d.call("anna", "POST", f"/api/appeals/{appeal_id}/claim")
    assert (await d.inbox("anna"))["items"] == []
    await d.call("boris", "POST", f"/api/appeals/{appeal_id}/assign", json={"operator_id": None})
    await d.call(
        "boris", "POST", f"/api/appeals/{appeal_id}/assign", json={"operator_id": d.ids["anna"]}
    )
    page = await d.inbox("anna")
    assert [(i["kind"], i["author_id"]) for i in page["items"]] == [("assigned", d.ids["boris"])]
    # The console's notice arrives as an event naming the operator.
    events = await unionline_app.runtime.events.read_after(0, limit=10_000)
    assert [e.type for e in events].count("workspace.notified") == 1
    await d.call("anna", "POST", "/api/notifications/read", json={"all": True})
    assert (await d.inbox("anna"))["unread"] == 0


async def test_one_event_makes_one_notification(unionline_app: AppHarness) -> None:
    from unionline.workspace.reactions import on_event

    d, appeal_id = await desk(unionline_app)
    await d.call(
        "boris",
        "POST",
        f"/api/appeals/{appeal_id}/notes",
        json={"text": "@anna", "mentions": [d.ids["anna"]]},
    )
    await unionline_app.settle()
    bus = unionline_app.runtime.events
    [note] = [bus.decode(e) for e in await bus.read_after(0) if e.type == "appeal.note_added"]
    await on_event(note)  # delivered again
    assert len((await d.inbox("anna"))["items"]) == 1


async def test_pages_go_back_in_time(unionline_app: AppHarness) -> None:
    d, appeal_id = await desk(unionline_app)
    for n in range(5):
        await d.call(
            "boris",
            "POST",
            f"/api/appeals/{appeal_id}/notes",
            json={"text": f"@anna заметка {n}", "mentions": [d.ids["anna"]]},
        )
    first = await d.inbox("anna", limit=3)
    assert first["unread"] == 5 and len(first["items"]) == 3 and first["next_cursor"]
    rest = await d.inbox("anna", limit=3, cursor=first["next_cursor"])
    texts = [i["text"] for i in first["items"] + rest["items"]]
    assert texts == [f"@anna заметка {n}" for n in (4, 3, 2, 1, 0)]
    assert rest["next_cursor"] is None
    bad = await d.h.client.get(
        "/api/notifications/", headers=d.headers["anna"], params={"cursor": "nonsense"}
    )
    assert bad.status_code == 422


async def test_saved_filters_are_ones_own(unionline_app: AppHarness) -> None:
    d, _ = await desk(unionline_app)
    body = {"name": "Мои срочные", "query": {"assignee": "me", "priority": "urgent"}}
    saved = await d.call("anna", "POST", "/api/saved-filters/", json=body)
    assert saved["query"] == {"assignee": "me", "priority": "urgent"}
    again = {"name": "Мои срочные", "query": {"status": ["new", "open"], "tag": "зарплата"}}
    replaced = await d.call("anna", "POST", "/api/saved-filters/", json=again)
    assert replaced["id"] == saved["id"]
    second = await d.call("anna", "POST", "/api/saved-filters/", json={"name": "Все", "query": {}})
    listed = await d.call("anna", "GET", "/api/saved-filters/")
    assert [(f["name"], f["query"]) for f in listed] == [
        ("Мои срочные", {"status": ["new", "open"], "tag": "зарплата"}),
        ("Все", {}),
    ]
    assert await d.call("boris", "GET", "/api/saved-filters/") == []
    theirs = await d.h.client.delete(
        f"/api/saved-filters/{second['id']}", headers=d.headers["boris"]
    )
    assert theirs.status_code == 404
    await d.call("anna", "DELETE", f"/api/saved-filters/{second['id']}")
    assert [f["name"] for f in await d.call("anna", "GET", "/api/saved-filters/")] == [
        "Мои срочные"
    ]
    wrong = await d.h.client.post(
        "/api/saved-filters/",
        headers=d.headers["anna"],
        json={"name": "x", "query": {"status": ["lost"]}},
    )
    assert wrong.status_code == 400 and wrong.json()["error"]["field"] == "query.status[0]"
