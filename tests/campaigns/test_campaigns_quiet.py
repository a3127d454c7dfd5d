"""Quiet hours in the member's time zone (their organization's, ``unionline.calendar``): a
member whose local time is quiet goes back to the queue until the quiet hours end."""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec
import pytest
from campaigns_support import World, campaign_body, grant, member

from unionline.settings import Settings, settings_type
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("campaigns")


def test_quiet_until() -> None:
    from unionline.plugins.campaigns.sending import quiet_until

    zone = ZoneInfo("Asia/Yekaterinburg")
    late = datetime(2026, 12, 7, 22, 30, tzinfo=zone)
    assert quiet_until(late, 21, 9) == datetime(2026, 12, 8, 9, 0, tzinfo=zone)
    assert quiet_until(late.replace(hour=7), 21, 9) == datetime(2026, 12, 7, 9, 0, tzinfo=zone)
    assert quiet_until(late.replace(hour=12), 21, 9) is None
    assert quiet_until(late.replace(hour=13), 13, 14) == late.replace(hour=14, minute=0)


@pytest.fixture
def unionline_settings(unionline_settings: Settings) -> Settings:
    from unionline.plugins.campaigns.settings import CampaignsSettings

    # The hour is read when the test runs, not when the module is collected (a suite can
    # cross an hour between the two); two hours quiet, so the test may cross one too.
    hour = datetime.now(ZoneInfo("Europe/Moscow")).hour
    data = msgspec.to_builtins(unionline_settings)
    data["campaigns"] = {"quiet_from": hour, "quiet_to": (hour + 2) % 24}
    return msgspec.convert(data, settings_type({"campaigns": CampaignsSettings}))


async def test_a_member_in_quiet_hours_waits(unionline_app: AppHarness) -> None:
    from unionline.plugins.campaigns import sending
    from unionline.plugins.campaigns.campaigns import load, start

    w = await World(unionline_app).setup()
    anna = await member(w.a, "Иванова Анна Петровна", contacts=(("telegram", "801"),))
    await grant(anna, "telegram")
    cid = uuid.UUID(
        (await w.call("boss", "post", "/api/campaigns/", 201, **campaign_body(w)))["id"]
    )
    await start(await w.actor("boss"), cid, kick=False)
    campaign = await load(cid)
    assert campaign is not None
    assert await sending.claim(campaign, 5) == []  # Moscow time is quiet now
    row = await unionline_app.runtime.db.fetchone(
        "SELECT status, lease_until, attempts FROM campaigns_recipient WHERE campaign_id = {}", cid
    )
    assert row["status"] == "queued" and row["attempts"] == 0
    assert 0 < float(row["lease_until"]) - time.time() <= 2 * 3600
    assert not await sending.finish_if_done(cid)
