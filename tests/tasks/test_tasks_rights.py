"""The rights matrix, generated: every person around a task — its creator (an operator), its
responsible, a co-executor, an observer, an unrelated colleague, the organization's supervisor,
the parent organization's supervisor and another organization's supervisor — tries to set a
task to someone else, move its deadline, delegate it and close it. The expected outcome of each
cell comes from the policy below (docs/tasks.md), not from the code under test."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from appeals_support import bearer, make_org

from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("tasks")

PEOPLE = {  # login: (role, organization key)
    "olga": ("operator", "a1"),  # the creator
    "ivan": ("operator", "a1"),  # the responsible
    "petya": ("operator", "a1"),  # a co-executor
    "vera": ("observer", "a1"),  # an observer
    "anna": ("operator", "a1"),  # a colleague with no part in it
    "sup": ("supervisor", "a1"),
    "boss": ("supervisor", "a"),
    "bob": ("supervisor", "b"),
}
MANAGERS = {"sup", "boss"}
OUTSIDE = {"bob"}


def expected(action: str, who: str) -> tuple[int, str]:
    """(HTTP status, what happened) by the policy of docs/tasks.md."""
    if who in OUTSIDE:
        return 404, "hidden"
    if action == "set":
        return (201, "set") if who in MANAGERS else (403, "")
    if action == "deadline":
        if who in MANAGERS or who == "olga":
            return 200, "moved"
        return (200, "asked") if who == "ivan" else (403, "")
    if action == "delegate":
        return (200, "handed") if who in MANAGERS or who == "ivan" else (403, "")
    if action == "close":
        if who in MANAGERS or who == "olga":
            return 200, "done"
        return (200, "waiting_control") if who == "ivan" else (403, "")
    raise AssertionError(action)


async def test_the_rights_matrix(unionline_app: AppHarness) -> None:
    h = unionline_app
    orgs = {"a": await make_org(h, "A", kind="committee")}
    orgs["a1"] = await make_org(h, "A1", orgs["a"])
    orgs["b"] = await make_org(h, "B", kind="committee")
    ids, tokens = {}, {}
    for login, (role, org) in PEOPLE.items():
        ids[login], tokens[login] = await h.create_operator(login, role, orgs[org])

    async def call(who: str, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
        return await h.client.request(method, url, headers=bearer(tokens[who]), json=body)

    async def task() -> str:
        r = await call(
            "sup",
            "POST",
            "/api/tasks/",
            {
                "title": "Проверить охрану труда",
                "organization_id": str(orgs["a1"]),
                "responsible_id": str(ids["ivan"]),
                "acceptance": True,
                "coexecutors": [str(ids["petya"])],
                "observers": [str(ids["vera"])],
            },
        )
        assert r.status_code == 201, r.text
        task_id = r.json()["id"]
        await h.runtime.db.execute(  # the creator is an operator, not a manager
            "UPDATE tasks_task SET creator_id = {}, status = 'in_progress' WHERE id = {}",
            ids["olga"],
            uuid.UUID(task_id),
        )
        return task_id

    later = "2031-03-03T12:00:00+00:00"
    failures = []
    for who in PEOPLE:
        for action in ("set", "deadline", "delegate", "close"):
            status, outcome = expected(action, who)
            if action == "set":
                other = ids["anna" if who != "anna" else "olga"]  # someone else
                r = await call(
                    who,
                    "POST",
                    "/api/tasks/",
                    {
                        "title": "Новая",
                        "organization_id": str(orgs["a1"]),
                        "responsible_id": str(other),
                    },
                )
                got = "set" if r.status_code == 201 else ""
            else:
                task_id = await task()
                url = f"/api/tasks/{task_id}"
                if action == "deadline":
                    r = await call(who, "PUT", f"{url}/deadline", {"deadline": later})
                    body = r.json()
                    got = (
                        "moved"
                        if body.get("deadline")
                        else "asked"
                        if body.get("requested_deadline")
                        else ""
                    )
                elif action == "delegate":
                    r = await call(
                        who, "PUT", f"{url}/responsible", {"responsible_id": str(ids["anna"])}
                    )
                    got = "handed" if r.json().get("responsible_id") == str(ids["anna"]) else ""
                else:
                    r = await call(who, "POST", f"{url}/status", {"status": "done"})
                    got = r.json().get("status", "") if r.status_code == 200 else ""
            if r.status_code == 404:
                got = "hidden"
            if (r.status_code, got) != (status, outcome):
                failures.append(
                    f"{who} {action}: {r.status_code} {got!r}, expected {status} {outcome!r}"
                )
    assert failures == []
