"""Schedules plan the day: fixed 5/2 over the production calendar (the working Saturday of
1 November 2025, the pre-holiday day an hour shorter, the holiday off, an organization's
override), shifts 2/2 day/night over midnight, flexible hours per week; the person's own zone
before the organization's; violations (late, early finish, short day, underworked) for the
supervisor; worked hours in the reports; bad schedules refused naming the field."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from timekeeping_support import People, clock_at, timekeeping_settings

from unionline import MetricQuery
from unionline.plugins.timekeeping import violations, workday
from unionline.plugins.timekeeping.metrics import WorkedHours
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


async def plan(p: People, who: str, first: str, last: str) -> list[dict]:  # type: ignore[type-arg]
    return await p.call(
        "boss", "get", f"/api/timekeeping/staff/{p.ids[who]}/plan", first=first, last=last
    )


async def test_fixed_shifts_and_flexible_plans(people: People) -> None:
    p = people
    await p.call(
        "admin",
        "post",
        f"/api/calendar/{p.a}/overrides",
        201,
        day="2025-11-05",
        kind="day_off",
        note="День профсоюза",
    )
    fixed = await p.call(
        "boss",
        "post",
        "/api/timekeeping/schedules",
        201,
        organization_id=str(p.a),
        name="Пятидневка 8–17",
        kind="fixed",
        rules={"work_start": "08:00", "work_end": "17:00"},
        is_default=True,
    )
    days = {d["day"]: d for d in await plan(p, "ivan", "2025-10-31", "2025-11-06")}  # inherits A's
    assert days["2025-11-01"]["working"] and days["2025-11-01"]["hours"] == 7.0  # working Saturday
    assert days["2025-11-01"]["end"].startswith("2025-11-01T16:00")  # an hour shorter
    assert not days["2025-11-03"]["working"] and not days["2025-11-04"]["working"]
    assert not days["2025-11-05"]["working"]  # the organization's override
    assert days["2025-11-06"]["start"].startswith("2025-11-06T08:00:00+03:00")
    shifts = await p.call(
        "boss",
        "post",
        "/api/timekeeping/schedules",
        201,
        organization_id=str(p.a),
        name="2/2 день/ночь",
        kind="shifts",
        rules={
            "anchor": "2025-11-01",
            "cycle": ["day", "night", "off", "off"],
            "shifts": {
                "day": {"start": "08:00", "end": "20:00"},
                "night": {"start": "20:00", "end": "08:00"},
            },
            "break_minutes": 60,
        },
    )
    await p.call(
        "boss", "put", f"/api/timekeeping/staff/{p.ids['olga']}",
        organization_id=str(p.a), schedule_id=shifts["id"], timezone="Asia/Yekaterinburg",
    )  # fmt: skip
    days = {d["day"]: d for d in await plan(p, "olga", "2025-11-01", "2025-11-05")}
    assert [days[d]["shift"] for d in sorted(days)] == ["day", "night", "", "", "day"]
    assert days["2025-11-02"]["start"] == "2025-11-02T20:00:00+05:00"
    assert (
        days["2025-11-02"]["end"] == "2025-11-03T08:00:00+05:00"
        and days["2025-11-02"]["hours"] == 11.0
    )
    flexible = await p.call(
        "boss", "post", "/api/timekeeping/schedules", 201, organization_id=str(p.a),
        name="Гибкий", kind="flexible", rules={"hours": 20, "period": "week"},
    )  # fmt: skip
    await p.call("boss", "put", f"/api/timekeeping/staff/{p.ids['olga']}",
                 organization_id=str(p.a), schedule_id=flexible["id"])  # fmt: skip
    days = {d["day"]: d for d in await plan(p, "olga", "2025-11-06", "2025-11-06")}
    assert days["2025-11-06"]["start"] is None and days["2025-11-06"]["working"]
    listed = await p.call(
        "olga", "get", "/api/timekeeping/schedules", 403, organization_id=str(p.a)
    )
    assert listed["error"]["extra"]["permission"] == "timekeeping.read"
    names = [
        s["name"]
        for s in await p.call(
            "boss", "get", "/api/timekeeping/schedules", organization_id=str(p.a1)
        )
    ]
    assert sorted(names) == sorted([fixed["name"], shifts["name"], flexible["name"]])  # inherited
    # Another branch as the filter: no schedules there (docs/api.md).
    assert await p.call("bob", "get", "/api/timekeeping/schedules", organization_id=str(p.a)) == []


async def test_bad_schedules_and_cards_are_refused_naming_the_field(people: People) -> None:
    p = people
    base = {"organization_id": str(p.a), "name": "x"}
    for body, field in (
        (
            {**base, "kind": "fixed", "rules": {"work_start": "18:00", "work_end": "09:00"}},
            "rules.work_end",
        ),
        ({**base, "kind": "fixed", "rules": {"work_start": "25:00"}}, "rules.work_start"),
        ({**base, "kind": "shifts", "rules": {"cycle": ["day"]}}, "rules.anchor"),
        (
            {**base, "kind": "shifts", "rules": {"anchor": "2025-11-01", "cycle": ["day"]}},
            "rules.cycle",
        ),
        ({**base, "kind": "weekly"}, "kind"),
        ({**base, "kind": "fixed", "timezone": "Mars/Olympus"}, "timezone"),
    ):
        r = await p.h.client.post("/api/timekeeping/schedules", json=body, headers=p.auth("boss"))
        assert r.status_code in (400, 422), (body, r.text)
        assert field in r.text, (field, r.text)
    r = await p.h.client.put(
        f"/api/timekeeping/staff/{p.ids['olga']}",
        json={"organization_id": str(p.b)},
        headers=p.auth("boss"),
    )
    assert r.status_code == 404 and "organization_id" in r.text
    count = await p.h.client.get("/api/timekeeping/staff", headers=p.auth("boss"))
    assert count.json() == []  # nothing half-written


async def test_violations_and_worked_hours(people: People) -> None:
    p = people
    olga = p.ids["olga"]
    # A's own settings: every violation to its supervisors and to the person; A1 inherits them
    policy = {
        "notify_violations": ["late", "early_finish", "short_day", "underworked"],
        "notify_staffer": True,
        "pay_codes": {"worked": "2000"},
    }
    url = f"/api/timekeeping/organizations/{p.a}/policy"
    assert (await p.call("boss", "put", url, **policy))["inherited_from"] == str(p.a)
    inherited = await p.call("boss", "get", f"/api/timekeeping/organizations/{p.a1}/policy")
    assert inherited["inherited_from"] == str(p.a) and inherited["policy"]["notify_staffer"]
    for bad, field in (
        ({"pay_codes": {"salary": "1"}}, "pay_codes.salary"),
        ({"notify_violations": ["naps"]}, "notify_violations"),
    ):
        r = await p.h.client.put(url, json=bad, headers=p.auth("boss"))
        assert r.status_code in (400, 422) and field in r.text, r.text
    r = await p.h.client.put(url, json=policy, headers=p.auth("bob"))
    assert r.status_code == 404 and "organization_id" in r.text
    nowhere = f"/api/timekeeping/organizations/{uuid.uuid4()}/policy"
    r = await p.h.client.put(nowhere, json=policy, headers=p.auth("admin"))
    assert r.status_code == 404
    assert len(await current().db.fetch("SELECT data FROM timekeeping_policy")) == 1  # A's only
    with clock_at(datetime(2026, 12, 8, 9, 40, tzinfo=MSK)) as clock:  # 40 minutes late
        await workday.perform(olga, "start")
        clock.set(datetime(2026, 12, 8, 16, 0, tzinfo=MSK))  # two hours early
        first_day = await workday.perform(olga, "finish")
        clock.set(datetime(2026, 12, 9, 9, 0, tzinfo=MSK))
        await workday.perform(olga, "start")
        clock.set(datetime(2026, 12, 9, 18, 0, tzinfo=MSK))
        await workday.perform(olga, "finish")
        found = await p.call(
            "boss", "get", "/api/timekeeping/violations", first="2026-12-08", last="2026-12-09"
        )
        kinds = {(v["kind"], v["day"]): v["minutes"] for v in found}
        assert kinds[("late", "2026-12-08")] == 40
        assert kinds[("early_finish", "2026-12-08")] == 120
        assert kinds[("short_day", "2026-12-08")] == 8 * 60 - 380
        assert ("late", "2026-12-09") not in kinds
        assert kinds[("underworked", None)] == 16 * 60 - (380 + 540)
        assert (
            await p.call(
                "bob", "get", "/api/timekeeping/violations", first="2026-12-08", last="2026-12-09"
            )
            == []
        )
        await violations.notify_day(first_day.id)  # told already: not again
        clock.set(datetime(2027, 1, 2, 3, 0, tzinfo=MSK))  # December is over: the chore's sweep
        await workday.close_all()
        await workday.close_all()
        told = await current().db.fetch(
            "SELECT operator_id, title, text FROM workspace_notification WHERE title <> {}",
            "Рабочий день закрыт автоматически",
        )
        mine = sorted(n["title"] for n in told if n["operator_id"] in (olga, str(olga)))
        boss = sorted(
            (n["title"], n["text"])
            for n in told
            if n["operator_id"] in (p.ids["boss"], str(p.ids["boss"]))
        )
        assert mine == ["Недоработка за месяц", "Неполный рабочий день", "Опоздание", "Ранний уход"]
        assert boss[2] == (
            "Опоздание: olga",
            "olga, 08.12.2026: рабочий день начат на 40 мин позже графика.",
        )
        assert [t for t, _ in boss] == [
            "Недоработка за месяц: olga",
            "Неполный рабочий день: olga",
            "Опоздание: olga",
            "Ранний уход: olga",
        ]
        assert not [n for n in told if n["operator_id"] in (p.ids["bob"], str(p.ids["bob"]))]
        rows = await WorkedHours().rows(
            MetricQuery(organization_ids=(p.a,), since=date(2026, 12, 1), until=date(2027, 1, 1))
        )
        assert sorted((r.day, r.total) for r in rows) == [
            (date(2026, 12, 8), round(380 / 60, 4)),
            (date(2026, 12, 9), 9.0),
        ]
        assert (
            await WorkedHours().rows(
                MetricQuery(
                    organization_ids=(p.b,), since=date(2026, 12, 1), until=date(2027, 1, 1)
                )
            )
            == []
        )


async def test_a_supervisor_cannot_card_someone_of_another_organization(people: People) -> None:
    p = people
    r = await p.h.client.put(
        f"/api/timekeeping/staff/{p.ids['petr']}",  # B's operator, without a card yet
        json={"organization_id": str(p.a)},
        headers=p.auth("boss"),
    )
    assert r.status_code == 404 and "operator_id" in r.text
    assert await p.call("bob", "get", "/api/timekeeping/staff") == []
    await p.call(
        "boss", "put", f"/api/timekeeping/staff/{p.ids['ivan']}", organization_id=str(p.a1)
    )


async def test_the_team_now(people: People) -> None:
    p = people
    with clock_at(datetime(2026, 12, 8, 9, 30, tzinfo=MSK)) as clock:  # a Tuesday
        await workday.perform(p.ids["olga"], "start")  # half an hour late
        await workday.perform(p.ids["boss"], "start")
        await workday.perform(p.ids["boss"], "break")
        await p.call(
            "boss", "post", "/api/timekeeping/absences", 201, code="К", first="2026-12-08",
            last="2026-12-09", operator_id=str(p.ids["ivan"]),
        )  # fmt: skip
        await p.call(  # a card, no day yet
            "boss", "put", f"/api/timekeeping/staff/{p.ids['petr']}", 404, organization_id=str(p.a)
        )
        clock.move(hours=1)
        team = {r["name"]: r for r in await p.call("boss", "get", "/api/timekeeping/team")}
        assert team["olga"]["state"] == "working" and team["olga"]["late"]
        assert team["olga"]["worked_seconds"] == 3600
        assert team["boss"]["state"] == "break" and team["boss"]["worked_seconds"] == 0
        assert team["ivan"]["state"] == "absent" and team["ivan"]["absence"] == "К"
        only_a1 = await p.call("boss", "get", "/api/timekeeping/team", organization_id=str(p.a1))
        assert [r["name"] for r in only_a1] == ["ivan"]
        clock.set(datetime(2026, 12, 12, 12, 0, tzinfo=MSK))  # Saturday: olga's day closed
        team = {r["name"]: r for r in await p.call("boss", "get", "/api/timekeeping/team")}
        assert team["ivan"]["state"] == "day_off"
        assert team["olga"]["state"] == "finished" and team["olga"]["auto_closed"]
