"""Absences: a request of one's own waits for the supervisor, who approves or rejects it (or
enters one approved at once); codes are the T-13 absence codes, kept as data; overlapping
requests are refused; the team calendar shows the subtree only and exports as iCalendar; the
robot action keeps the workday idempotently; finishing the day hands back unanswered appeals
of queues that ask for it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec
import pytest
from icalendar import Calendar
from routing_support import appeal, member, online, queue, settle
from timekeeping_support import People, clock_at, timekeeping_settings

from unionline.appeals.clock import use_clock
from unionline.plugins.timekeeping import codes, workday
from unionline.plugins.timekeeping.robot import WorkdayParams, WorkdayStep
from unionline.robots.sdk import RobotContext
from unionline.runtime import current
from unionline.settings import Settings
from unionline.testing.support import running_app

MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture
def unionline_settings(unionline_database_url: str) -> Settings:
    return timekeeping_settings(unionline_database_url)


@pytest.fixture
async def people(unionline_settings: Settings) -> AsyncIterator[People]:
    async with running_app(unionline_settings, migrate=True) as h:
        yield await People(h).setup()


def test_the_t13_codes_are_data() -> None:
    letters = [c.letter for c in codes.CODES]
    assert len(letters) == 36 and len(set(letters)) == 36
    assert [c.digit for c in codes.CODES] == [f"{n:02d}" for n in range(1, 37)]
    for letter in ("Я", "Н", "РВ", "С", "К", "ОТ", "ОД", "Б", "В", "НН"):
        assert letter in codes.BY_LETTER
    assert {"ОТ", "Б", "К", "НН"} <= codes.ABSENCE_CODES and "Я" not in codes.ABSENCE_CODES


async def test_request_approve_calendar_and_ical(people: People) -> None:
    p = people
    with clock_at(datetime(2026, 12, 1, 10, tzinfo=MSK)):
        url = "/api/timekeeping/absences"
        asked = await p.call(
            "ivan", "post", url, 201, code="ОТ", first="2026-12-14", last="2026-12-27"
        )
        assert asked["status"] == "requested" and asked["code_name"].startswith(
            "Ежегодный основной"
        )
        await p.call("ivan", "post", url, 409, code="Б", first="2026-12-20", last="2026-12-21")
        await p.call("ivan", "post", url, 422, code="Я", first="2026-12-02", last="2026-12-02")
        await p.call("ivan", "post", url, 422, code="ОТ", first="2026-12-05", last="2026-12-02")
        await p.call(
            "ivan", "post", url, 404, code="К", first="2026-12-02", last="2026-12-02",
            operator_id=str(p.ids["petr"]),
        )  # fmt: skip
        waiting = await current().db.fetch(
            "SELECT operator_id, title FROM workspace_notification WHERE title = {}",
            "Заявка на отсутствие ждёт согласования",
        )
        told = {str(n["operator_id"]) for n in waiting}
        assert str(p.ids["boss"]) in told and str(p.ids["bob"]) not in told
        decide = f"/api/timekeeping/absences/{asked['id']}/decision"
        await p.call("ivan", "post", decide, 403, approve=True)
        await p.call("bob", "post", decide, 404, approve=True)
        done = await p.call("boss", "post", decide, approve=True)
        assert done["status"] == "approved"
        await p.call("boss", "post", decide, 409, approve=False)
        entered = await p.call(
            "boss", "post", url, 201, code="К", first="2026-12-03", last="2026-12-04",
            operator_id=str(p.ids["olga"]), note="Конференция в Москве",
        )  # fmt: skip
        assert entered["status"] == "approved"
        q = {"first": "2026-12-01", "last": "2026-12-31"}
        team = await p.call("boss", "get", url, **q)
        assert [(a["operator_name"], a["code"]) for a in team] == [("olga", "К"), ("ivan", "ОТ")]
        assert await p.call("bob", "get", url, **q) == []
        mine = await p.call("ivan", "get", url, **q, operator_id=str(p.ids["ivan"]))
        assert [a["code"] for a in mine] == ["ОТ"]
        r = await p.h.client.get(f"{url}.ics", params=q, headers=p.auth("boss"))
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
        events = Calendar.from_ical(r.content).walk("VEVENT")
        spans = sorted(
            (str(e["summary"]), e["dtstart"].dt.isoformat(), e["dtend"].dt.isoformat())
            for e in events
        )
        assert spans[0][1:] == ("2026-12-14", "2026-12-28") and spans[0][0].startswith("ivan: ОТ")
        assert spans[1][1:] == ("2026-12-03", "2026-12-05")
        await p.call(
            "ivan", "post", f"/api/timekeeping/absences/{asked['id']}/cancel", 409
        )  # approved
        # The staff calendar (read by the meetings plugin's calendar and free/busy through the
        # face's calendar sources): approved absences as busy time, within the scope asked.
        from unionline import CalendarQuery, calendar_sources

        source = next(s for s in calendar_sources() if s.name == "timekeeping")
        since, until = datetime(2026, 12, 1, tzinfo=MSK), datetime(2027, 1, 1, tzinfo=MSK)
        found = await source.items(CalendarQuery(organization_ids=None, since=since, until=until))
        assert [(i.operator_id, i.kind, i.busy) for i in found] == [
            (p.ids["olga"], "absence", True),
            (p.ids["ivan"], "absence", True),
        ]
        assert found[1].title.startswith("ОТ — Ежегодный основной")
        assert found[1].starts_at == datetime(2026, 12, 14, tzinfo=MSK)
        other = CalendarQuery(organization_ids=(p.b,), since=since, until=until)
        assert await source.items(other) == []
        just_ivan = CalendarQuery(
            organization_ids=None, since=since, until=until, operator_ids=(p.ids["ivan"],)
        )
        assert [i.id for i in await source.items(just_ivan)] == [asked["id"]]


async def test_the_robot_action_keeps_the_workday_once(people: People) -> None:
    p = people
    step = WorkdayStep()
    ctx = RobotContext(rule_id=uuid.uuid4(), organization_id=p.a, execution_id=uuid.uuid4(), step=0)
    with clock_at(datetime(2026, 12, 8, 9, tzinfo=MSK)):
        trial = RobotContext(
            rule_id=ctx.rule_id, organization_id=p.a, execution_id=ctx.execution_id, step=0,
            dry_run=True,
        )  # fmt: skip
        dry = await step.run(trial, WorkdayParams(action="start", operator_id=p.ids["olga"]))
        assert dry.data["dry_run"] and await workday.open_day(p.ids["olga"]) is None
        first = await step.run(ctx, WorkdayParams(action="start", operator_id=p.ids["olga"]))
        again = await step.run(ctx, WorkdayParams(action="start", operator_id=p.ids["olga"]))
        assert "уже" in again.summary and "уже" not in first.summary
        day = await workday.open_day(p.ids["olga"])
        assert day is not None and day.state == "working"
        from unionline import PermanentFailure

        with pytest.raises(PermanentFailure):  # outside the rule's subtree
            await step.run(ctx, WorkdayParams(action="start", operator_id=p.ids["petr"]))


async def test_finishing_hands_back_unanswered_appeals(people: People) -> None:
    p = people
    olga = p.ids["olga"]
    with clock_at(datetime(2026, 12, 8, 9, tzinfo=MSK)):
        await queue(p.h, p.a, requeue_when_offline=True)
        await online(olga)
        await p.act("olga", "start")
        await settle(p.h)
        first = await appeal(p.a, await member(p.a))
        await settle(p.h)
        row = await current().db.fetchone(
            "SELECT assignee_id FROM appeal_appeal WHERE id = {}", first
        )
        assert row is not None and str(row["assignee_id"]) == str(olga)
        await p.act("olga", "finish")
        await settle(p.h)
        row = await current().db.fetchone(
            "SELECT assignee_id FROM appeal_appeal WHERE id = {}", first
        )
        assert row is not None and row["assignee_id"] is None  # handed back: nobody else works


@pytest.fixture
def with_tasks(unionline_database_url: str) -> Settings:
    settings = timekeeping_settings(unionline_database_url)
    return msgspec.structs.replace(settings, plugins=["timekeeping", "tasks"])


async def test_a_task_for_someone_on_vacation_warns(with_tasks: Settings) -> None:
    async with running_app(with_tasks, migrate=True) as h:
        p = await People(h).setup()
        with clock_at(datetime(2026, 12, 1, 10, tzinfo=MSK)):
            await p.call(
                "boss", "post", "/api/timekeeping/absences", 201, code="ОТ",
                first="2026-12-14", last="2026-12-27", operator_id=str(p.ids["ivan"]),
            )  # fmt: skip
        with use_clock(lambda: datetime(2026, 12, 10, 10, tzinfo=MSK)):
            task = await p.call(
                "boss", "post", "/api/tasks/", 201, title="Подготовить отчёт",
                organization_id=str(p.a1), responsible_id=str(p.ids["ivan"]),
                deadline="2026-12-20T18:00:00+03:00",
            )  # fmt: skip
            assert [(a["starts_at"], a["ends_at"]) for a in task["responsible_away"]] == [
                ("2026-12-13T21:00:00Z", "2026-12-27T21:00:00Z")
            ]  # dates only: the page never says why
            soon = await p.call(
                "boss", "post", "/api/tasks/", 201, title="Срочно",
                organization_id=str(p.a1), responsible_id=str(p.ids["ivan"]),
                deadline="2026-12-11T18:00:00+03:00",
            )  # fmt: skip
            assert soon["responsible_away"] == []  # done before the vacation starts
