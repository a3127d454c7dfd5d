"""The calendar service with its database: overrides and time zones inherited down the
federation tree, the admin API (scoping, field errors), and the consumers on it — SLA due
times and queues' business hours. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from appeals_support import FakeClock, bearer, make_member, make_org

from unionline.appeals.clock import use_clock
from unionline.calendar import calendar_for, timezone_for
from unionline.testing import AppHarness

MSK = ZoneInfo("Europe/Moscow")


def api(org: uuid.UUID, what: str) -> str:
    return f"/api/calendar/{org}/{what}"


async def override(h: AppHarness, org: uuid.UUID, headers=None, **body) -> dict:
    r = await h.client.post(api(org, "overrides"), json=body, headers=headers or h.admin_headers)
    assert r.status_code == 201, r.text
    return r.json()


async def tree(h: AppHarness) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID, uuid.UUID]:
    fed = await make_org(h, "FED", kind="federation")
    region = await make_org(h, "REG", parent=fed, kind="committee")
    primary = await make_org(h, "PPO", parent=region)
    other = await make_org(h, "OTH", parent=fed)
    return fed, region, primary, other


async def test_overrides_are_inherited_and_the_nearest_wins(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed, region, primary, other = await tree(h)
    await override(h, fed, day="2026-03-10", kind="day_off", note="День профсоюза")
    await override(h, region, day="2026-03-10", kind="working_day")
    await override(h, region, day="2026-03-14", kind="working_day", hours=6)
    await override(h, primary, day="2026-03-11", kind="shortened")
    cal = await calendar_for(primary)
    assert cal.is_working_day(date(2026, 3, 10))  # the region overrules the federation
    assert cal.day(date(2026, 3, 14)).norm_hours == 6
    assert cal.day(date(2026, 3, 11)).norm_hours == 7
    assert cal.day(date(2026, 3, 10)).override.organization_id == region
    sibling = await calendar_for(other)
    assert not sibling.is_working_day(date(2026, 3, 10))
    assert sibling.day(date(2026, 3, 10)).name == "День профсоюза"
    assert not sibling.is_working_day(date(2026, 3, 14))
    federation_wide = await calendar_for(None)
    assert federation_wide.is_working_day(date(2026, 3, 10))  # no organization's days

    r = await h.client.get(
        api(primary, "month"), params={"year": 2026, "month": 3}, headers=h.admin_headers
    )
    assert r.status_code == 200, r.text
    march = r.json()
    assert (march["working_days"], march["norm_hours"]) == (22, 168 + 6 - 1)
    day = march["days"][9]
    assert (day["date"], day["working"], day["source"]) == ("2026-03-10", True, "override")
    assert march["days"][8]["kind"] == "day_off"  # 9 March 2026, for the 8th on a Sunday

    listed = (await h.client.get(api(region, "overrides"), headers=h.admin_headers)).json()
    assert [(o["day"], o["organization_id"]) for o in listed] == [
        ("2026-03-10", str(region)),
        ("2026-03-11", str(primary)),
        ("2026-03-14", str(region)),
    ]
    r = await h.client.get(api(fed, "overrides"), params={"year": 2027}, headers=h.admin_headers)
    assert r.json() == []
    gone = listed[0]["id"]
    r = await h.client.delete(f"/api/calendar/overrides/{gone}", headers=h.admin_headers)
    assert r.status_code == 204, r.text
    assert not (await calendar_for(primary)).is_working_day(date(2026, 3, 10))
    r = await h.client.delete(f"/api/calendar/overrides/{gone}", headers=h.admin_headers)
    assert r.status_code == 404 and r.json()["error"]["field"] == "override_id"


async def test_time_zones_are_inherited(unionline_app: AppHarness) -> None:
    h = unionline_app
    _, region, primary, other = await tree(h)
    assert await timezone_for(primary) == "Europe/Moscow"  # the configured default
    r = await h.client.put(
        api(region, "timezone"), json={"timezone": "Asia/Yekaterinburg"}, headers=h.admin_headers
    )
    assert r.status_code == 200, r.text
    assert r.json() == {
        "organization_id": str(region),
        "timezone": "Asia/Yekaterinburg",
        "effective": "Asia/Yekaterinburg",
    }
    got = (await h.client.get(api(primary, "timezone"), headers=h.admin_headers)).json()
    assert (got["timezone"], got["effective"]) == (None, "Asia/Yekaterinburg")
    assert await timezone_for(other) == "Europe/Moscow"
    cal = await calendar_for(primary)
    assert cal.timezone == "Asia/Yekaterinburg"
    # 09:00 in Yekaterinburg is 07:00 in Moscow.
    assert cal.is_working_time(datetime(2026, 3, 2, 7, 30, tzinfo=MSK))
    assert not (await calendar_for(other)).is_working_time(datetime(2026, 3, 2, 7, 30, tzinfo=MSK))
    await h.client.put(
        api(region, "timezone"), json={"timezone": "Europe/Kaliningrad"}, headers=h.admin_headers
    )
    assert await timezone_for(primary) == "Europe/Kaliningrad"
    r = await h.client.put(
        api(region, "timezone"), json={"timezone": None}, headers=h.admin_headers
    )
    assert r.json()["effective"] == "Europe/Moscow"


async def test_bad_input_names_the_field(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed, *_ = await tree(h)
    await override(h, fed, day="2026-03-10", kind="day_off")
    cases = [
        ({"day": "2026-02-30", "kind": "day_off"}, 400, "day"),
        ({"day": "2026-03-11", "kind": "holiday"}, 400, "kind"),
        ({"day": "2026-03-11", "kind": "shortened", "hours": 25}, 400, "hours"),
        ({"day": "2026-03-11", "kind": "shortened", "hours": 8}, 422, "hours"),
        ({"day": "2026-03-11", "kind": "day_off", "hours": 4}, 422, "hours"),
        ({"day": "1900-03-11", "kind": "day_off"}, 422, "day"),
        ({"day": "2026-03-10", "kind": "working_day"}, 409, "day"),
        ({"day": "2026-03-11", "kind": "day_off", "note": "a\x00b"}, 400, "note"),
        ({"day": "2026-03-11", "kind": "day_off", "surprise": 1}, 400, "surprise"),
        ({"kind": "day_off"}, 400, "day"),
    ]
    for body, status, field_name in cases:
        r = await h.client.post(api(fed, "overrides"), json=body, headers=h.admin_headers)
        assert r.status_code == status, (body, r.text)
        error = r.json()["error"]
        assert field_name in f"{error.get('field')} {error['message']}", (body, error)
    for params, field_name in (
        ({"year": 2026, "month": 13}, "month"),
        ({"year": 1800, "month": 1}, "year"),
        ({"year": "MMXXVI"}, "year"),
    ):
        r = await h.client.get(api(fed, "month"), params=params, headers=h.admin_headers)
        assert r.status_code == 400, r.text
        error = r.json()["error"]
        assert field_name in f"{error.get('field')} {error['message']}", (params, error)
    for zone, status in (("Mars/Olympus", 422), ("", 400), ("../etc", 422)):
        r = await h.client.put(
            api(fed, "timezone"), json={"timezone": zone}, headers=h.admin_headers
        )
        assert r.status_code == status and r.json()["error"]["field"] == "timezone", r.text
    r = await h.client.get(api(fed, "month"), headers=h.admin_headers)  # the current month
    assert r.status_code == 200 and r.json()["timezone"] == "Europe/Moscow", r.text
    r = await h.client.get(api(uuid.uuid4(), "overrides"), headers=h.admin_headers)
    assert r.status_code == 404 and r.json()["error"]["field"] == "organization_id"


async def test_rights_follow_the_subtree(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed, region, primary, other = await tree(h)
    _, region_admin = await h.create_operator("region-admin", "admin", region)
    _, operator = await h.create_operator("ppo-operator", "operator", primary)
    mine = await override(
        h, primary, headers=bearer(region_admin), day="2026-05-12", kind="day_off"
    )
    theirs = await override(h, other, day="2026-05-12", kind="day_off")
    # Outside the grants: as if it did not exist.
    for headers in (bearer(region_admin), bearer(operator)):
        r = await h.client.post(
            api(other, "overrides"), json={"day": "2026-05-13", "kind": "day_off"}, headers=headers
        )
        assert r.status_code == 404, r.text
        r = await h.client.delete(f"/api/calendar/overrides/{theirs['id']}", headers=headers)
        assert r.status_code == 404, r.text
        r = await h.client.get(
            api(other, "month"), params={"year": 2026, "month": 5}, headers=headers
        )
        assert r.status_code == 404, r.text
    # An operator reads its calendar but changes nothing.
    await override(h, fed, day="2026-05-14", kind="day_off", note="Съезд")
    r = await h.client.get(
        api(primary, "month"), params={"year": 2026, "month": 5}, headers=bearer(operator)
    )
    assert r.status_code == 200 and r.json()["working_days"] == 17
    days = r.json()["days"]
    assert days[11]["override"]["organization_id"] == str(primary)
    # The federation's own day applies, but its id stays out of sight of a primary's operator.
    assert (days[13]["name"], days[13]["override"]["organization_id"]) == ("Съезд", None)
    assert str(fed) not in r.text
    r = await h.client.post(
        api(primary, "overrides"),
        json={"day": "2026-05-13", "kind": "day_off"},
        headers=bearer(operator),
    )
    assert r.status_code == 403 and r.json()["error"]["field"] == "organization_id"
    r = await h.client.delete(f"/api/calendar/overrides/{mine['id']}", headers=bearer(operator))
    assert r.status_code == 403
    r = await h.client.put(
        api(primary, "timezone"), json={"timezone": "UTC"}, headers=bearer(operator)
    )
    assert r.status_code == 403
    # The region's administrator lists its subtree, never the sibling's.
    listed = (await h.client.get(api(region, "overrides"), headers=bearer(region_admin))).json()
    assert [o["id"] for o in listed] == [mine["id"]]
    r = await h.client.get(api(fed, "overrides"), headers=bearer(region_admin))
    assert r.status_code == 404


async def test_sla_and_queues_run_on_the_calendar(unionline_app: AppHarness) -> None:
    h = unionline_app
    clock = FakeClock(datetime(2026, 3, 6, 13, 0, tzinfo=UTC))  # Friday 16:00 in Moscow
    with use_clock(clock):
        _, region, primary, other = await tree(h)
        await override(h, region, day="2026-03-10", kind="day_off")
        member = await make_member(primary)
        body = {"organization_id": str(primary), "member_id": str(member), "subject": "Отпуск"}
        r = await h.client.post("/api/appeals/", json=body, headers=h.admin_headers)
        assert r.status_code == 201, r.text
        # 2 hours on Friday; Monday 9 March is a day off (8 March fell on a Sunday), Tuesday
        # the 10th the region's own: 2 more hours on Wednesday.
        assert r.json()["first_response_due"].startswith("2026-03-11T08:00:00")
        body["organization_id"] = str(other)
        body["member_id"] = str(await make_member(other))
        r = await h.client.post("/api/appeals/", json=body, headers=h.admin_headers)
        assert r.json()["first_response_due"].startswith("2026-03-10T08:00:00")

        queue = {"organization_id": str(primary), "name": "Приёмная", "business_hours": True}
        r = await h.client.post("/api/routing/queues/", json=queue, headers=h.admin_headers)
        assert r.status_code == 201, r.text
        assert r.json()["open_now"] is True
        url = f"/api/routing/queues/{r.json()['id']}"
        for moment, expected in (
            (datetime(2026, 3, 9, 7, tzinfo=UTC), False),  # the production calendar's day off
            (datetime(2026, 3, 10, 7, tzinfo=UTC), False),  # the region's
            (datetime(2026, 3, 11, 7, tzinfo=UTC), True),
        ):
            clock.moment = moment
            assert (await h.client.get(url, headers=h.admin_headers)).json()["open_now"] is expected
