"""The workday: start, break, continue, finish through the API; a day left open is closed at
its planned end and flagged, also after 30 hours of downtime — the next day's start is never a
finish; a past day changes only with a reason, audited, and per setting after approval; other
organizations see nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from timekeeping_support import People, clock_at, timekeeping_settings

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


async def test_a_day_starts_breaks_continues_and_finishes(people: People) -> None:
    with clock_at(datetime(2026, 12, 8, 9, 2, tzinfo=MSK)) as clock:  # a Tuesday
        me = await people.call("olga", "get", "/api/timekeeping/me")
        assert me["workday"] is None and me["planned_start"].startswith("2026-12-08T09:00")
        await people.act("olga", "break", expect=409)  # nothing started
        day = (await people.act("olga", "start"))["workday"]
        assert day["state"] == "working" and day["day"] == "2026-12-08"
        await people.act("olga", "start", expect=409)
        clock.move(hours=3)
        assert (await people.act("olga", "break"))["workday"]["state"] == "break"
        await people.act("olga", "break", expect=409)
        clock.move(minutes=45)
        assert (await people.act("olga", "resume"))["workday"]["state"] == "working"
        clock.move(hours=5)
        done = (await people.act("olga", "finish"))["workday"]
        assert done["state"] == "finished" and not done["auto_closed"]
        assert done["worked_seconds"] == 8 * 3600 and done["break_seconds"] == 45 * 60
        assert [i["kind"] for i in done["intervals"]] == ["work", "break", "work"]
        # finished earlier today: starting again continues the same day
        clock.move(minutes=30)
        again = (await people.act("olga", "start"))["workday"]
        assert again["id"] == done["id"] and again["state"] == "working"


async def test_bad_input_names_the_field(people: People) -> None:
    r = await people.h.client.post(
        "/api/timekeeping/me/workday", json={"action": "nap"}, headers=people.auth("olga")
    )
    assert r.status_code == 400 and "action" in r.text


async def test_a_forgotten_finish_is_closed_at_the_planned_end_after_30_hours_down(
    people: People,
) -> None:
    with clock_at(datetime(2026, 12, 8, 9, 0, tzinfo=MSK)) as clock:
        first = (await people.act("ivan", "start"))["workday"]
        # the server is down for 30 hours: no job ran; the next start comes first
        clock.move(hours=30)
        me = (await people.act("ivan", "start"))["workday"]
        assert me["day"] == "2026-12-09" and me["state"] == "working"
        assert me["id"] != first["id"]
        rows = await people.call(
            "ivan", "get", "/api/timekeeping/workdays", first="2026-12-08", last="2026-12-09"
        )
        old = rows[0]
        assert old["state"] == "finished" and old["auto_closed"]
        assert datetime.fromisoformat(old["ended_at"]) == datetime(2026, 12, 8, 18, 0, tzinfo=MSK)
        assert old["worked_seconds"] == 9 * 3600  # to the planned end, not to the next start
        # the supervisor sees it among the violations
        found = await people.call(
            "boss", "get", "/api/timekeeping/violations", first="2026-12-08", last="2026-12-08"
        )
        assert {"auto_closed"} <= {v["kind"] for v in found if v["name"] == "ivan"}
        notices = await current().db.fetch(
            "SELECT title, text FROM workspace_notification WHERE operator_id = {}",
            people.ids["ivan"],
        )
        assert [n["title"] for n in notices] == ["Рабочий день закрыт автоматически"]
        assert "08.12.2026 закрыт в 18:00" in notices[0]["text"]


async def test_the_periodic_chore_closes_days_left_open(people: People) -> None:
    from unionline.plugins.timekeeping.workday import close_all

    with clock_at(datetime(2026, 12, 8, 9, 0, tzinfo=MSK)) as clock:
        await people.act("olga", "start")
        await people.act("olga", "break")
        clock.move(hours=9, minutes=59)  # 18:59: within the grace hour
        await close_all()
        assert (await people.call("olga", "get", "/api/timekeeping/me"))["workday"][
            "state"
        ] == "break"
        clock.move(minutes=2)
        await close_all()
        day = (await people.call("olga", "get", "/api/timekeeping/me"))["workday"]
        assert day["state"] == "finished" and day["auto_closed"]
        assert datetime.fromisoformat(day["ended_at"]) == datetime(2026, 12, 8, 18, tzinfo=MSK)


async def test_a_past_day_changes_with_a_reason_approved_and_audited(people: People) -> None:
    with clock_at(datetime(2026, 12, 8, 9, 30, tzinfo=MSK)) as clock:
        await people.act("olga", "start")
        clock.move(hours=8)
        day = (await people.act("olga", "finish"))["workday"]
        clock.move(days=1)
        url = f"/api/timekeeping/workdays/{day['id']}/corrections"
        body = {
            "started_at": "2026-12-08T09:00:00+03:00",
            "ended_at": "2026-12-08T18:00:00+03:00",
            "break_minutes": 60,
        }
        await people.call("olga", "post", url, 400, **body)  # no reason
        await people.call("olga", "post", url, 400, **body, reason="")
        asked = await people.call("olga", "post", url, 201, **body, reason="Забыла отметить приход")
        assert asked["status"] == "pending"
        await people.call("petr", "post", url, 404, **body, reason="чужой день")
        pending = await people.call("boss", "get", "/api/timekeeping/corrections")
        assert [p["id"] for p in pending] == [asked["id"]]
        assert await people.call("bob", "get", "/api/timekeeping/corrections") == []
        decided = f"/api/timekeeping/corrections/{asked['id']}/decision"
        await people.call("bob", "post", decided, 404, approve=True)
        await people.call("boss", "post", decided, approve=True)
        rows = await people.call(
            "olga", "get", "/api/timekeeping/workdays", first="2026-12-08", last="2026-12-08"
        )
        assert rows[0]["worked_seconds"] == 8 * 3600
        assert rows[0]["started_at"].startswith("2026-12-08T06:00")
        audit = await current().db.fetch(
            "SELECT action FROM audit_entry WHERE subject_id = {}", day["id"]
        )
        assert {"timekeeping.workday.correct", "timekeeping.correction.decide"} <= {
            a["action"] for a in audit
        }


async def test_other_organizations_see_nothing(people: People) -> None:
    with clock_at(datetime(2026, 12, 8, 10, tzinfo=MSK)):
        await people.act("olga", "start")
        olga = people.ids["olga"]
        team_b = await people.call("bob", "get", "/api/timekeeping/team")
        assert olga not in {t["operator_id"] for t in team_b}
        team_a = await people.call("boss", "get", "/api/timekeeping/team")
        assert str(olga) in {t["operator_id"] for t in team_a}
        await people.call(
            "bob",
            "get",
            "/api/timekeeping/workdays",
            404,
            first="2026-12-08",
            last="2026-12-08",
            operator_id=str(olga),
        )
        # Another branch as the team's filter: nobody there (docs/api.md); its sheet: 404.
        assert not await people.call(
            "bob", "get", "/api/timekeeping/team", organization_id=str(people.a)
        )
        await people.call(
            "bob",
            "get",
            "/api/timekeeping/sheet",
            404,
            organization_id=str(people.a),
            year=2026,
            month=12,
        )
        await people.call("petr", "get", "/api/timekeeping/team", 403)  # an operator: no team view


async def test_two_starts_at_once_make_one_day(people: People) -> None:
    """A double click or two tabs: one start wins, the other answers 409 — never a 500 or two
    open days (the person's card is locked for each change)."""
    import asyncio

    await people.call(  # the card exists: its first insert does not serialize the starts
        "boss", "put", f"/api/timekeeping/staff/{people.ids['olga']}", organization_id=str(people.a)
    )
    with clock_at(datetime(2026, 12, 8, 9, 0, tzinfo=MSK)):
        url = "/api/timekeeping/me/workday"
        answers = await asyncio.gather(
            *(
                people.h.client.post(url, json={"action": "start"}, headers=people.auth("olga"))
                for _ in range(4)
            )
        )
        assert sorted(r.status_code for r in answers) == [200, 409, 409, 409]
        rows = await current().db.fetch(
            "SELECT id FROM timekeeping_workday WHERE operator_id = {}", people.ids["olga"]
        )
        assert len(rows) == 1
