"""The personal and team calendar: meetings beside tasks' deadlines (read through the calendar
sources of the public face, not by importing the tasks plugin), free/busy when picking a
time, and scope (another branch sees nothing)."""

from __future__ import annotations

import pytest
from meetings_support import JITSI, Staff, with_meetings

from unionline.settings import Settings
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("meetings", "tasks")
WEEK = {"since": "2030-03-04T00:00:00+03:00", "until": "2030-03-11T00:00:00+03:00"}


@pytest.fixture
def unionline_settings(unionline_settings: Settings) -> Settings:
    return with_meetings(unionline_settings, JITSI)


async def test_meetings_and_deadlines_in_the_calendar_and_free_busy(
    unionline_app: AppHarness,
) -> None:
    s = await Staff(unionline_app).setup()
    olga, ivan = str(s.ids["olga"]), str(s.ids["ivan"])
    task = await s.call(
        "olga",
        "post",
        "/api/tasks/",
        201,
        title="Сдать отчёт о приёме",
        organization_id=str(s.a1),
        deadline="2030-03-05T18:00:00+03:00",
    )
    meeting = await s.call(
        "olga",
        "post",
        "/api/meetings/",
        201,
        organization_id=str(s.a1),
        title="Планёрка",
        starts_at="2030-03-05T10:00:00+03:00",
        duration_minutes=30,
        operator_ids=[ivan],
    )
    mine = await s.call("olga", "get", "/api/meetings/calendar", operator_id=olga, **WEEK)
    assert [(e["kind"], e["title"]) for e in mine] == [
        ("meeting", "Планёрка"),
        ("task_deadline", "Сдать отчёт о приёме"),
    ]
    assert mine[1]["href"] == f"#/work/tasks/{task['id']}" and not mine[1]["busy"]
    # Ivan's calendar has the meeting, not Olga's task.
    his = await s.call("ivan", "get", "/api/meetings/calendar", operator_id=ivan, **WEEK)
    assert [e["id"] for e in his] == [meeting["id"]]
    # The team's: everyone's in the scope. Another branch: nothing at all.
    team = await s.call("olga", "get", "/api/meetings/calendar", **WEEK)
    assert len(team) == 2
    assert await s.call("bob", "get", "/api/meetings/calendar", **WEEK) == []
    assert await s.call("bob", "get", "/api/meetings/busy", operator_id=olga, **WEEK) == [
        {"operator_id": olga, "busy": []}
    ]

    busy = await s.call("olga", "get", "/api/meetings/busy", operator_id=[olga, ivan], **WEEK)
    spans = {b["operator_id"]: [(x["starts_at"], x["ends_at"]) for x in b["busy"]] for b in busy}
    assert spans[ivan] == [("2030-03-05T07:00:00Z", "2030-03-05T07:30:00Z")]
    assert spans[olga] == spans[ivan]  # a deadline is no busy time
    nobody = await s.call("olga", "get", "/api/meetings/busy", 422, **WEEK)
    assert nobody["error"]["field"] == "operator_id"  # the query's name (it said operator_ids)

    # A cancelled meeting leaves the calendar; a window too long is refused, naming the field.
    await s.call("olga", "post", f"/api/meetings/{meeting['id']}/cancel", 201)
    assert [e["kind"] for e in await s.call("olga", "get", "/api/meetings/calendar", **WEEK)] == [
        "task_deadline"
    ]
    r = await unionline_app.client.get(
        "/api/meetings/calendar",
        params={"since": "2030-01-01T00:00:00Z", "until": "2030-06-01T00:00:00Z"},
        headers=s.auth("olga"),
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "until"


async def test_a_meeting_about_a_task_invites_its_people(unionline_app: AppHarness) -> None:
    from appeals_support import inbound, make_member

    s = await Staff(unionline_app).setup()
    member = await make_member(s.a1, "Ольга Ким")
    appeal, _ = await inbound(s.a1, member, "Прошу разобраться с графиком")
    task = await s.call(
        "admin",
        "post",
        "/api/tasks/",
        201,
        appeal_id=str(appeal.id),
        title="Разобраться с графиком",
        responsible_id=str(s.ids["ivan"]),
    )
    meeting = await s.call(
        "olga",
        "post",
        "/api/meetings/",
        201,
        organization_id=str(s.a1),
        title="Разбор графика",
        starts_at="2030-03-05T10:00:00+03:00",
        task_id=task["id"],
    )
    invited = {(p["operator_id"], p["member_id"], p["role"]) for p in meeting["participants"]}
    assert (str(s.ids["ivan"]), None, "moderator") in invited
    assert (None, str(member), "guest") in invited
    assert meeting["task_id"] == task["id"] and meeting["appeal_id"] == str(appeal.id)
    page = await s.call("admin", "get", f"/api/appeals/{appeal.id}/timeline")
    assert any("Разбор графика" in e["body"] for e in page["items"] if e["kind"] == "message_out")
    # Another branch cannot make a meeting about it: the task does not exist for them.
    r = await unionline_app.client.post(
        "/api/meetings/",
        json={
            "organization_id": str(s.b),
            "title": "x",
            "starts_at": "2030-03-05T10:00:00+03:00",
            "task_id": task["id"],
        },
        headers=s.auth("bob"),
    )
    assert r.status_code == 404 and r.json()["error"]["field"] == "task_id", r.text
