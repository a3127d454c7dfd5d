"""Files on tasks, saved views, project roles and stage editing, the header's counters and the
personal iCalendar feed of deadlines — through the REST API, with the other organization's
staff refused every time."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from tasks_support import Staff

from unionline import now
from unionline.calendar import timezone_for
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("tasks")


async def later_today(organization_id: uuid.UUID) -> datetime:
    """A moment still today in the organization's time zone, up to 30 minutes ahead (the
    counters' «today» ends at its midnight: ``now() + 30 min`` was tomorrow after 23:30);
    in the day's last two minutes, past its midnight first."""
    zone = ZoneInfo(await timezone_for(organization_id))
    local = now().astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(), zone)
    if midnight - local < timedelta(minutes=2):
        await asyncio.sleep((midnight - local).total_seconds() + 1)
        return await later_today(organization_id)
    return local + min(timedelta(minutes=30), (midnight - local) / 2)


async def test_files_views_counters_and_the_feed(unionline_app: AppHarness) -> None:
    s = await Staff(unionline_app).setup()
    client, olga = unionline_app.client, str(s.ids["olga"])
    soon = await later_today(s.a)
    task = await s.call(
        "boss", "post", "/api/tasks/", 201, title="Акт сверки", organization_id=str(s.a),
        responsible_id=olga, deadline=soon.isoformat(),
    )  # fmt: skip
    tid = task["id"]

    # A file: uploaded by the responsible, listed on the task, downloaded, removed.
    up = await client.post(
        f"/api/tasks/{tid}/files",
        files={"file": ("Акт сверки.pdf", b"%PDF-1.4 test", "application/pdf")},
        headers=s.auth("olga"),
    )
    assert up.status_code == 201, up.text
    file_id = up.json()["id"]
    page = await s.call("vera", "get", f"/api/tasks/{tid}")
    assert [f["name"] for f in page["files"]] == ["Акт сверки.pdf"]
    got = await client.get(f"/api/tasks/{tid}/files/{file_id}", headers=s.auth("vera"))
    assert got.content == b"%PDF-1.4 test" and "attachment" in got.headers["content-disposition"]
    # B's staff get 404; an empty file or a refused type is a 422 naming the field.
    other = await client.get(f"/api/tasks/{tid}/files/{file_id}", headers=s.auth("bob"))
    assert other.status_code == 404
    for name, body, kind in (
        ("x.txt", b"", "text/plain"),
        ("x.exe", b"MZ", "application/x-msdownload"),
    ):
        bad = await client.post(
            f"/api/tasks/{tid}/files", files={"file": (name, body, kind)}, headers=s.auth("olga")
        )
        assert bad.status_code == 422 and bad.json()["error"]["field"] == "file", bad.text
    await s.call("vera", "delete", f"/api/tasks/{tid}/files/{file_id}", 403)
    after = await s.call("boss", "delete", f"/api/tasks/{tid}/files/{file_id}")
    assert after["files"] == [] and any(h["what"] == "file_removed" for h in after["history"])

    # Saved views are the operator's own; the same name replaces; bad filters name the field.
    saved = await s.call(
        "olga", "post", "/api/tasks/views", name="Срочные",
        filters={"view": "all", "mode": "board", "status": "open", "q": "акт"},
    )  # fmt: skip
    await s.call("olga", "post", "/api/tasks/views", name="Срочные", filters={"view": "overdue"})
    mine = await s.call("olga", "get", "/api/tasks/views")
    assert [(v["name"], v["filters"]["view"]) for v in mine] == [("Срочные", "overdue")]
    assert await s.call("ivan", "get", "/api/tasks/views") == []
    await s.call("ivan", "delete", f"/api/tasks/views/{saved['id']}", 404)
    bad = await s.call("olga", "post", "/api/tasks/views", 400, name="x", filters={"view": "x"})
    assert "view" in str(bad)

    # The header's counters: the task is Olga's, due today.
    counters = await s.call("olga", "get", "/api/tasks/counters")
    assert counters["mine"] == 1 and counters["today"] == 1 and counters["overdue"] == 0

    # The feed: a token address, no session needed; a new address retires the old one.
    link = (await s.call("olga", "post", "/api/tasks/feed"))["url"]
    path = link[link.index("/api/tasks/feed/") :]
    r = await client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(r.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Срок: Акт сверки"]
    assert (
        events[0].decoded("dtstart") == soon.replace(microsecond=0)
        or events[0].decoded("dtstart") == soon
    )
    await s.call("olga", "post", "/api/tasks/feed")
    assert (await client.get(path)).status_code == 404
    assert (await client.get("/api/tasks/feed/nonsense.ics")).status_code == 404


async def test_project_roles_and_stages(unionline_app: AppHarness) -> None:
    s = await Staff(unionline_app).setup()
    ids = {k: str(v) for k, v in s.ids.items()}
    project = await s.call(
        "boss", "post", "/api/tasks/projects/", 201, organization_id=str(s.a1), name="Колдоговор"
    )
    pid = project["id"]
    assert project["may_edit"] is True
    # Roles: Olga manages, Ivan is a member, Vera views; Petr (org B) cannot be added.
    members = [
        {"operator_id": ids["boss"], "role": "manager"},
        {"operator_id": ids["olga"], "role": "manager"},
        {"operator_id": ids["ivan"], "role": "member"},
        {"operator_id": ids["vera"], "role": "viewer"},
    ]
    await s.call("olga", "put", f"/api/tasks/projects/{pid}/members", 403, members=members)
    done = await s.call("boss", "put", f"/api/tasks/projects/{pid}/members", members=members)
    assert {m["role"] for m in done["members"]} == {"manager", "member", "viewer"}
    await s.call(
        "boss", "put", f"/api/tasks/projects/{pid}/members", 422,
        members=[*members, {"operator_id": ids["petr"], "role": "member"}],
    )  # fmt: skip
    await s.call(
        "boss", "put", f"/api/tasks/projects/{pid}/members", 422,
        members=[{"operator_id": ids["ivan"], "role": "member"}],
    )  # fmt: skip
    assert (await s.call("olga", "get", f"/api/tasks/projects/{pid}"))["may_edit"] is True
    assert (await s.call("ivan", "get", f"/api/tasks/projects/{pid}"))["may_edit"] is False
    await s.call("bob", "get", f"/api/tasks/projects/{pid}", 404)

    # A member sets tasks in the project and moves cards; a viewer's role on the board is to look.
    card = await s.call(
        "ivan", "post", "/api/tasks/", 201, title="Опрос", organization_id=str(s.a1), project_id=pid
    )
    stages = project["stages"]
    await s.call("ivan", "post", f"/api/tasks/{card['id']}/move", stage_id=stages[1]["id"])
    # Olga (manager) renames, binds and reorders stages; Ivan may not; B gets 404.
    renamed = await s.call(
        "olga", "patch", f"/api/tasks/projects/{pid}/stages/{stages[1]['id']}",
        name="Идёт работа", position=0,
    )  # fmt: skip
    assert [st["name"] for st in renamed["stages"]][:2] == ["Идёт работа", "Новые"]
    await s.call(
        "ivan", "patch", f"/api/tasks/projects/{pid}/stages/{stages[1]['id']}", 403, name="x"
    )
    await s.call(
        "bob", "patch", f"/api/tasks/projects/{pid}/stages/{stages[1]['id']}", 404, name="x"
    )
    bad = await s.call(
        "olga", "patch", f"/api/tasks/projects/{pid}/stages/{stages[1]['id']}", 400, status="nope"
    )
    assert "status" in str(bad)
    # A stage holding cards is not removed (409 with the count); an empty one is.
    busy = await s.call(
        "olga", "delete", f"/api/tasks/projects/{pid}/stages/{stages[1]['id']}", 409
    )
    assert busy["error"]["extra"]["cards"] == 1
    left = await s.call("olga", "delete", f"/api/tasks/projects/{pid}/stages/{stages[3]['id']}")
    assert len(left["stages"]) == 3 and [st["position"] for st in left["stages"]] == [0, 1, 2]
    added = await s.call("olga", "post", f"/api/tasks/projects/{pid}/stages", 201, name="Архив")
    assert added["stages"][-1]["name"] == "Архив"
    await s.call("olga", "patch", f"/api/tasks/projects/{pid}", name="Колдоговор 2027")

    # Ivan demoted to viewer can no longer move a card he is not on, nor set a task there.
    other = await s.call(
        "boss", "post", "/api/tasks/", 201, title="Смета", organization_id=str(s.a1), project_id=pid
    )
    members[2]["role"] = "viewer"
    await s.call("boss", "put", f"/api/tasks/projects/{pid}/members", members=members)
    await s.call("ivan", "post", f"/api/tasks/{other['id']}/move", 403, stage_id=stages[0]["id"])
    await s.call(
        "ivan", "post", "/api/tasks/", 403, title="x", organization_id=str(s.a1), project_id=pid
    )
    # His own card (he created it) he still moves.
    archive = added["stages"][-1]["id"]
    await s.call("ivan", "post", f"/api/tasks/{card['id']}/move", stage_id=archive)
