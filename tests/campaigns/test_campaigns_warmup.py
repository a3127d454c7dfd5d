"""The e-mail warm-up: from its first day each e-mail account sends at most the day's cap of
campaign e-mails; what is over waits in the queue for the next local day; after the schedule,
no cap. Also the settings refuse a date that is none."""

from __future__ import annotations

import time
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec
import pytest
from campaigns_support import World, campaign_body, grant, member

from unionline.settings import Settings, settings_type
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("campaigns")


def test_the_schedule_by_day() -> None:
    from unionline.plugins.campaigns.settings import CampaignsSettings

    s = CampaignsSettings(email_warmup_start="2026-12-07", email_warmup_daily=[50, 100, 250])
    assert [s.warmup_cap(date(2026, 12, d)) for d in (6, 7, 8, 9, 10)] == [50, 50, 100, 250, None]
    assert CampaignsSettings().warmup_cap(date(2026, 12, 7)) is None
    with pytest.raises(msgspec.ValidationError, match="not a date"):
        msgspec.convert({"email_warmup_start": "2026-13-45"}, CampaignsSettings)


@pytest.fixture
def unionline_settings(unionline_settings: Settings) -> Settings:
    from unionline.plugins.campaigns.settings import CampaignsSettings

    data = msgspec.to_builtins(unionline_settings)
    # Started yesterday by UTC: the local day is the 0th, 1st or 2nd of the schedule, all 2.
    start = (datetime.now(ZoneInfo("UTC")).date() - timedelta(days=1)).isoformat()
    data["campaigns"] = {"email_warmup_start": start, "email_warmup_daily": [2, 2, 2]}
    return msgspec.convert(data, settings_type({"campaigns": CampaignsSettings}))


async def test_over_the_days_cap_waits_for_tomorrow(unionline_app: AppHarness) -> None:
    from unionline.plugins.campaigns import sending
    from unionline.plugins.campaigns.campaigns import load, start

    w = await World(unionline_app).setup()
    for i in range(3):
        who = await member(w.a, f"Членов Член {i}", contacts=(("email", f"m{i}@example.org"),))
        await grant(who, "email")
    body = campaign_body(w, channel_order=["email"])
    cid = uuid.UUID((await w.call("boss", "post", "/api/campaigns/", 201, **body))["id"])
    await start(await w.actor("boss"), cid, kick=False)
    campaign = await load(cid)
    assert campaign is not None
    first = await sending.claim(campaign, 5)
    assert len(first) == 2  # the day's cap
    assert await sending.claim(campaign, 5) == []  # the third waits for tomorrow
    db = unionline_app.runtime.db
    [waiting] = await db.fetch(
        "SELECT status, lease_until, attempts FROM campaigns_recipient WHERE campaign_id = {}"
        " AND status = 'queued'",
        cid,
    )
    assert waiting["attempts"] == 0 and 0 < float(waiting["lease_until"]) - time.time() <= 86400
    [quota] = await db.fetch("SELECT used FROM campaigns_quota")
    assert quota["used"] == 2
    assert not await sending.finish_if_done(cid)
