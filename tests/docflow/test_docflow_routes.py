"""Approval routes on both engines: stages in order with all-of-N and any-of-N, working-day
deadlines (Labour Code art. 373), delegation, send back and restart, rejection, comments,
decisions applied once per decision id and kept as the route's audit, and the stage and holders
shown in the lists."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import holidays
import pytest
from docflow_support import Office
from hypothesis import given
from hypothesis import strategies as st

from unionline.calendar import WorkCalendar
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("docflow")


def _decide(s: Office, who: str, step: str, verdict: str, expect: int = 200, **extra: object):
    body = {"decision_id": str(uuid.uuid4()), "verdict": verdict, **extra}
    return s.call(who, "post", f"/api/docflow/steps/{step}/decisions", expect, **body)


def _pending(route: dict, who_id: str) -> str:
    return next(
        st["id"]
        for st in route["steps"]
        if st["assignee_id"] == who_id and st["status"] == "pending"
    )


async def test_art_373_opinion_is_due_in_seven_working_days(unionline_app: AppHarness) -> None:
    """A draft order received on Wednesday 29 October 2025 is due on 10 November: 1 November is
    a working Saturday, 3 and 4 November are off."""
    from unionline.appeals.clock import use_clock

    s = await Office(unionline_app).setup()
    kind = await s.kind()
    doc = await s.document(kind)
    received = datetime(2025, 10, 29, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
    with use_clock(lambda: received):
        route = await s.call(
            "olga",
            "post",
            f"/api/docflow/documents/{doc['id']}/route",
            201,
            stages=[
                {
                    "kind": "approve",
                    "assignees": [s.id("boss")],
                    "days": 7,
                    "title": "Мотивированное мнение (ст. 373 ТК РФ)",
                }
            ],
        )
    due = datetime.fromisoformat(route["steps"][0]["due_at"])
    assert due.astimezone(UTC) == datetime(2025, 11, 10, 15, 0, tzinfo=UTC)  # 18:00 MSK


_RU = holidays.RU(years=range(2024, 2028))
_CAL = WorkCalendar(production="RU")


def _working(d: date) -> bool:
    return (d.weekday() < 5 and d not in _RU) or d in _RU.weekend_workdays


@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 11, 30)),
    n=st.integers(min_value=1, max_value=25),
)
def test_working_days_agree_with_holidays(start: date, n: int) -> None:
    """The calendar's n-th working day after a date, counted by hand from `holidays`."""
    d, left = start, n
    while left:
        d += timedelta(days=1)
        left -= _working(d)
    assert _CAL.shift_working_days(start, n) == d


async def test_a_route_runs_stage_by_stage(unionline_app: AppHarness) -> None:
    s = await Office(unionline_app).setup()
    kind = await s.kind(await s.journal())
    doc = await s.document(kind, organization_id=str(s.a1))
    boss, anna, ivan = s.id("boss"), s.id("anna"), s.id("ivan")
    route = await s.call(
        "olga",
        "post",
        f"/api/docflow/documents/{doc['id']}/route",
        201,
        stages=[
            {"kind": "approve", "mode": "all", "assignees": [boss, anna], "days": 2},
            {"kind": "sign", "mode": "any", "assignees": [boss, ivan], "days": 1},
        ],
    )
    assert route["status"] == "active" and route["stage"] == 0
    # Someone outside the route cannot decide; a bad body names its field.
    step = _pending(route, boss)
    r = await _decide(s, "olga", step, "approve", 403)
    assert r["error"]["field"] == "step_id"
    r = await s.call(
        "boss",
        "post",
        f"/api/docflow/steps/{step}/decisions",
        400,
        decision_id="x",
        verdict="approve",
    )
    assert "decision_id" in str(r)
    # «На согласовании у меня» lists it for both of the first stage, with stage and holders.
    awaiting = await s.call("anna", "get", "/api/docflow/documents/", view="awaiting")
    assert [i["id"] for i in awaiting["items"]] == [doc["id"]]
    item = awaiting["items"][0]
    assert item["stage"] == "Согласование (1/2)" and set(item["holders"]) == {boss, anna}

    # The same decision id twice is one decision.
    decision = str(uuid.uuid4())
    body = {"decision_id": decision, "verdict": "approve", "comment": "Согласен"}
    first = await s.call("boss", "post", f"/api/docflow/steps/{step}/decisions", **body)
    again = await s.call("boss", "post", f"/api/docflow/steps/{step}/decisions", **body)
    assert first == again and len(first["decisions"]) == 1
    assert first["stage"] == 0  # anna has yet to approve: all of N
    mine = await s.call("olga", "get", "/api/docflow/documents/", view="mine")
    assert mine["items"][0]["holders"] == [anna]

    # anna is away: olga (no manager) cannot hand her step on, the supervisor can — to ivan,
    # who approves: the signing stage opens.
    await _decide(s, "olga", _pending(first, anna), "delegate", 403, delegate_to=ivan)
    route = await _decide(s, "boss", _pending(first, anna), "delegate", delegate_to=ivan)
    delegated = next(x for x in route["steps"] if x["delegated_from"] == anna)
    assert delegated["assignee_id"] == ivan
    route = await _decide(s, "ivan", delegated["id"], "approve")
    assert route["stage"] == 1
    # Any of N: boss signs, ivan's step is skipped, the route is done.
    route = await _decide(s, "boss", _pending(route, boss), "approve")
    assert route["status"] == "done"
    stage_two = [x["status"] for x in route["steps"] if x["stage"] == 1]
    assert sorted(stage_two) == ["done", "skipped"]
    card = await s.call("olga", "get", f"/api/docflow/documents/{doc['id']}")
    assert card["status"] == "approved" and card["stage"] == "Согласован" and card["holders"] == []
    await unionline_app.settle()
    inbox = await s.call("ivan", "get", "/api/notifications")
    titles = [n["title"] for n in inbox["items"] if n["kind"] == "notice"]
    assert titles.count("Документ ждёт вашего решения") == 2  # stage 1 (delegated), stage 2
    inbox = await s.call("olga", "get", "/api/notifications")
    assert "Документ согласован" in [n["title"] for n in inbox["items"]]
    verdicts = [d["verdict"] for d in card["route"]["decisions"]]
    assert verdicts == ["approve", "delegate", "approve", "approve"]


async def test_send_back_restart_and_reject(unionline_app: AppHarness) -> None:
    s = await Office(unionline_app).setup()
    kind = await s.kind()
    doc = await s.document(kind)
    stages = [{"kind": "approve", "assignees": [s.id("boss")], "days": 3}]
    route = await s.call(
        "olga", "post", f"/api/docflow/documents/{doc['id']}/route", 201, stages=stages
    )
    await s.call("olga", "post", f"/api/docflow/documents/{doc['id']}/route", 409, stages=stages)
    step = _pending(route, s.id("boss"))
    await _decide(s, "boss", step, "comment", comment="Уточните сроки")
    route = await _decide(s, "boss", step, "return", comment="Переделать п. 2")
    assert route["status"] == "returned"
    card = await s.call("olga", "get", f"/api/docflow/documents/{doc['id']}")
    assert card["status"] == "revision" and card["holders"] == [s.id("olga")]
    await _decide(s, "boss", step, "approve", 409)  # the returned step is over
    await s.call("olga", "patch", f"/api/docflow/documents/{doc['id']}", title="Письмо (испр.)")
    route = await s.call(
        "olga", "post", f"/api/docflow/documents/{doc['id']}/route", 201, stages=stages
    )
    route = await _decide(s, "boss", _pending(route, s.id("boss")), "reject", comment="Нет")
    assert route["status"] == "rejected"
    card = await s.call("olga", "get", f"/api/docflow/documents/{doc['id']}")
    assert card["status"] == "rejected"
    # Assignees must see the organization: B's supervisor cannot be put on A's route.
    r = await s.call(
        "olga",
        "post",
        f"/api/docflow/documents/{(await s.document(kind))['id']}/route",
        422,
        stages=[{"assignees": [s.id("bob")]}],
    )
    assert r["error"]["field"] == "stages[0].assignees[0]"


async def test_reminder_and_escalation_once(unionline_app: AppHarness) -> None:
    from unionline.appeals.clock import use_clock
    from unionline.plugins.docflow.deadlines import sweep

    s = await Office(unionline_app).setup()
    doc = await s.document(await s.kind())
    start = datetime(2025, 10, 29, 7, 0, tzinfo=UTC)
    with use_clock(lambda: start):
        await s.call(
            "olga",
            "post",
            f"/api/docflow/documents/{doc['id']}/route",
            201,
            stages=[{"assignees": [s.id("boss")], "days": 2}],
        )
    db = unionline_app.runtime.db
    for moment in (datetime(2025, 10, 30, 8, tzinfo=UTC), datetime(2025, 10, 30, 9, tzinfo=UTC)):
        with use_clock(lambda m=moment: m):
            await sweep()  # 30 October is the working day before the 31 October deadline
    step = (await db.fetch("SELECT reminded, escalated FROM docflow_step"))[0]
    assert bool(step["reminded"]) and not bool(step["escalated"])
    for _ in range(2):
        with use_clock(lambda: datetime(2025, 11, 5, 8, tzinfo=UTC)):
            await sweep()
    step = (await db.fetch("SELECT reminded, escalated FROM docflow_step"))[0]
    assert bool(step["escalated"])
    events = await db.fetch(
        "SELECT COUNT(*) AS n FROM system_event WHERE type = 'docflow.step_overdue'"
    )
    assert int(events[0]["n"]) == 1


async def test_concurrent_decisions(unionline_app: AppHarness) -> None:
    """The same decision sent five times at once is one decision; three approvers of an «all»
    stage approving at once move the route on exactly once."""
    import asyncio

    from unionline import actor_for
    from unionline.plugins.docflow import routing
    from unionline.plugins.docflow.schemas import NewDecision

    s = await Office(unionline_app).setup()
    doc = await s.document(await s.kind())
    people = [s.id("boss"), s.id("olga"), s.id("anna")]
    route = await s.call(
        "olga",
        "post",
        f"/api/docflow/documents/{doc['id']}/route",
        201,
        stages=[{"mode": "all", "assignees": people}, {"assignees": [s.id("boss")]}],
    )
    actors = {p: await actor_for(uuid.UUID(p)) for p in people}
    steps = {st["assignee_id"]: uuid.UUID(st["id"]) for st in route["steps"] if st["stage"] == 0}
    same = NewDecision(decision_id=uuid.uuid4(), verdict="comment", comment="Посмотрю")
    await asyncio.gather(
        *(routing.decide(actors[people[0]], steps[people[0]], same) for _ in range(5))
    )
    await asyncio.gather(
        *(
            routing.decide(
                actors[p], steps[p], NewDecision(decision_id=uuid.uuid4(), verdict="approve")
            )
            for p in people
        )
    )
    db = unionline_app.runtime.db
    rows = await db.fetch("SELECT verdict FROM docflow_decision")
    assert sorted(r["verdict"] for r in rows) == ["approve", "approve", "approve", "comment"]
    card = await s.call("olga", "get", f"/api/docflow/documents/{doc['id']}")
    assert card["route"]["stage"] == 1 and card["holders"] == [s.id("boss")]
    assert [st["status"] for st in card["route"]["steps"] if st["stage"] == 1] == ["pending"]
