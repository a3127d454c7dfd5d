"""The workday drives routing through the public ``routing_holds`` hook, end to end through
the routing engine: a finish re-routes the pending offer and takes no new ones; a start makes
the operator eligible for the next appeal; a break holds them; an approved absence blocks them
for its interval only. Nothing here sleeps: jobs settle as the engine chains them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from routing_support import appeal, member, online, operator, org, queue, settle, token
from timekeeping_support import clock_at, timekeeping_settings

from unionline.runtime import current
from unionline.settings import Settings
from unionline.testing import AppHarness
from unionline.testing.support import running_app

MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture
async def h(unionline_database_url: str) -> AsyncIterator[AppHarness]:
    settings: Settings = timekeeping_settings(unionline_database_url)
    async with running_app(settings, migrate=True) as harness:
        yield harness


async def _act(h: AppHarness, headers: dict[str, str], action: str) -> None:
    r = await h.client.post("/api/timekeeping/me/workday", json={"action": action}, headers=headers)
    assert r.status_code == 200, r.text
    await settle(h)


async def _offered_to(appeal_id: uuid.UUID) -> uuid.UUID | None:
    row = await current().db.fetchone(
        "SELECT operator_id FROM routing_offer WHERE appeal_id = {} AND state = 'pending'",
        appeal_id,
    )
    return uuid.UUID(str(row["operator_id"])) if row else None


async def test_the_workday_switches_routing(h: AppHarness) -> None:
    with clock_at(datetime(2026, 12, 8, 9, 0, tzinfo=MSK)) as clock:
        a = await org(h, "AAA")
        await queue(h, a, offer_timeout=600)
        anna = await operator("anna", a, capacity=1)
        boris = await operator("boris", a, capacity=1)
        anna_h, boris_h = await token(anna), await token(boris)
        await online(anna)
        await online(boris)
        await _act(h, anna_h, "start")
        await _act(h, boris_h, "start")
        await _act(h, boris_h, "break")  # held: the appeal can only go to anna
        m = await member(a)
        first = await appeal(a, m)
        await settle(h)
        assert await _offered_to(first) == anna
        await _act(h, boris_h, "resume")
        # anna finishes: her pending offer goes to boris at once, and she gets nothing new
        await _act(h, anna_h, "finish")
        assert await _offered_to(first) == boris
        second = await appeal(a, await member(a, "Пётр Сидоров"))
        await settle(h)
        assert await _offered_to(second) is None  # boris is full, anna's day is over
        # anna starts again: the waiting appeal is offered to her
        clock.move(minutes=10)
        await _act(h, anna_h, "start")
        assert await _offered_to(second) == anna


async def test_an_approved_absence_blocks_routing_for_its_interval(h: AppHarness) -> None:
    with clock_at(datetime(2026, 12, 8, 9, 0, tzinfo=MSK)) as clock:
        a = await org(h, "AAA")
        await queue(h, a, offer_timeout=600)
        anna = await operator("anna", a, capacity=5)
        boss = await operator("boss", a, role="supervisor")
        anna_h, boss_h = await token(anna), await token(boss)
        await online(anna)
        await _act(h, anna_h, "start")
        r = await h.client.post(
            "/api/timekeeping/absences",
            json={
                "code": "К",
                "first": "2026-12-09",
                "last": "2026-12-09",
                "operator_id": str(anna),
            },
            headers=boss_h,
        )
        assert r.status_code == 201 and r.json()["status"] == "approved", r.text
        m = await member(a)
        today = await appeal(a, m)
        await settle(h)
        assert await _offered_to(today) == anna  # the trip is tomorrow
        # on the trip day she starts her day (say, from a hotel): still nothing is routed to her
        clock.set(datetime(2026, 12, 9, 10, 0, tzinfo=MSK))
        await _act(h, anna_h, "start")
        during = await appeal(a, await member(a, "Пётр Сидоров"))
        await settle(h)
        assert await _offered_to(during) is None
        # the day after the trip: back in routing
        clock.set(datetime(2026, 12, 10, 9, 0, tzinfo=MSK))
        await _act(h, anna_h, "start")
        after = await appeal(a, await member(a, "Анна Смирнова"))
        await settle(h)
        assert await _offered_to(after) == anna


async def test_the_settings_form_switches_routing_by_workday_off(h: AppHarness) -> None:
    from unionline.plugins.timekeeping import holds

    with clock_at(datetime(2026, 12, 8, 9, 0, tzinfo=MSK)) as clock:
        a = await org(h, "AAA")
        anna = await operator("anna", a)
        await _act(h, await token(anna), "start")
        await _act(h, await token(anna), "finish")
        assert set(await holds.holds([anna], clock.at)) == {anna}
        r = await h.client.put(
            "/api/settings/forms/timekeeping",
            json={"values": {"routing_follows_workday": False, "grace_minutes": 30}},
            headers=h.admin_headers,
        )
        assert r.status_code == 200, r.text
        bad = await h.client.put(
            "/api/settings/forms/timekeeping",
            json={"values": {"grace_minutes": "soon"}},
            headers=h.admin_headers,
        )
        assert bad.status_code == 422 and "values.grace_minutes" in bad.text
        current().state.pop("timekeeping.settings", None)  # the two-second cache
        assert await holds.holds([anna], clock.at) == {}
