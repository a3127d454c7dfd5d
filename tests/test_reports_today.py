"""GET /api/reports/today: the day the console's period presets end on is the organization's
(its own zone, else its nearest ancestor's, else the default), not the browser's: at 22:30 UTC
it is already the next day in Moscow and Yekaterinburg, not yet in London."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from appeals_support import FakeClock, make_org

from unionline.appeals.clock import use_clock
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("reports")


async def today(h: AppHarness, token: str, organization_id: uuid.UUID | None = None) -> dict:  # type: ignore[type-arg]
    params = {"organization_id": str(organization_id)} if organization_id else {}
    r = await h.client.get(
        "/api/reports/today", params=params, headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_today_is_the_organizations_in_its_zone(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed = await make_org(h, "FED", kind="federation")
    ural = await make_org(h, "URAL", fed, kind="committee")
    depot = await make_org(h, "DEPO", ural)
    west = await make_org(h, "WEST", fed, kind="committee")
    r = await h.client.put(
        f"/api/calendar/{ural}/timezone",
        json={"timezone": "Asia/Yekaterinburg"},
        headers=h.admin_headers,
    )
    assert r.status_code == 200, r.text
    r = await h.client.put(
        f"/api/calendar/{west}/timezone",
        json={"timezone": "Europe/London"},
        headers=h.admin_headers,
    )
    assert r.status_code == 200, r.text
    _, boss = await h.create_operator("boss", "supervisor", fed)
    _, head = await h.create_operator("head", "supervisor", depot)
    with use_clock(FakeClock(datetime(2026, 3, 1, 22, 30, tzinfo=UTC))):
        # 01:30 in Moscow, 03:30 in Yekaterinburg, 22:30 in London: a browser on UTC says the 1st.
        assert await today(h, boss) == {
            "organization_id": str(fed),
            "timezone": "Europe/Moscow",
            "today": "2026-03-02",
        }
        assert (await today(h, boss, depot))["timezone"] == "Asia/Yekaterinburg"  # inherited
        assert (await today(h, boss, depot))["today"] == "2026-03-02"
        assert (await today(h, boss, west))["today"] == "2026-03-01"
        # The depot's supervisor: their report starts at the depot, so does their today.
        assert (await today(h, head))["organization_id"] == str(depot)
        assert (await today(h, head))["timezone"] == "Asia/Yekaterinburg"


async def test_another_organizations_today_is_not_told(unionline_app: AppHarness) -> None:
    h = unionline_app
    mine, other = await make_org(h, "MINE"), await make_org(h, "OTHER")
    _, head = await h.create_operator("head", "supervisor", mine)
    for organization_id in (other, uuid.uuid4()):
        r = await h.client.get(
            "/api/reports/today",
            params={"organization_id": str(organization_id)},
            headers={"Authorization": f"Bearer {head}"},
        )
        assert r.status_code == 404 and r.json()["error"]["field"] == "organization_id", r.text
    r = await h.client.get("/api/reports/today", params={"organization_id": "x"})
    assert r.status_code in (400, 401, 422), r.text
