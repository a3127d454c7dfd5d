"""A scheduled start: a local time of the organization (its time zone from the calendar), a
delayed job that starts the campaign once; a start hours late after an outage waits for a
confirmation instead of firing."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from campaigns_support import World, campaign_body, grant, member

from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("campaigns")
NO_CONTEXT: Any = None


async def test_a_scheduled_start_fires_once_or_asks_when_late(unionline_app: AppHarness) -> None:
    from unionline.plugins.campaigns.schedule import StartPayload, start_scheduled

    h = unionline_app
    w = await World(h).setup()
    anna = await member(w.a, "Иванова Анна Петровна", contacts=(("telegram", "901"),))
    await grant(anna, "telegram")
    cid = (await w.call("boss", "post", "/api/campaigns/", 201, **campaign_body(w)))["id"]
    moscow = datetime.now(ZoneInfo("Europe/Moscow")).replace(tzinfo=None)
    past = (moscow - timedelta(minutes=5)).isoformat(timespec="minutes")
    await w.call("boss", "post", f"/api/campaigns/{cid}/schedule", 422, at=past)
    soon = moscow + timedelta(hours=2)
    scheduled = await w.call(
        "boss", "post", f"/api/campaigns/{cid}/schedule", at=soon.isoformat(timespec="minutes")
    )
    assert scheduled["status"] == "scheduled"
    row = await h.runtime.db.fetchone(
        "SELECT scheduled_at FROM campaigns_campaign WHERE id = {}", uuid.UUID(cid)
    )
    at = float(row["scheduled_at"])
    # Read in the organization's zone (Moscow by default): two hours from now.
    assert abs(at - (time.time() + 7200)) < 120
    await start_scheduled(NO_CONTEXT, StartPayload(uuid.UUID(cid), at - 1))  # an old time
    assert (await w.call("boss", "get", f"/api/campaigns/{cid}"))["status"] == "scheduled"
    await start_scheduled(NO_CONTEXT, StartPayload(uuid.UUID(cid), at))  # its time came
    await h.settle()
    done = await w.call("boss", "get", f"/api/campaigns/{cid}")
    assert done["status"] == "finished" and done["counts"]["sent"] == 1
    await start_scheduled(NO_CONTEXT, StartPayload(uuid.UUID(cid), at))  # the job again
    assert len(w.sent()) == 1

    late_id = (await w.call("boss", "post", "/api/campaigns/", 201, **campaign_body(w)))["id"]
    await w.call("boss", "post", f"/api/campaigns/{late_id}/schedule", at=soon.isoformat())
    hours_ago = time.time() - 3 * 3600
    await h.runtime.db.execute(
        "UPDATE campaigns_campaign SET scheduled_at = {} WHERE id = {}",
        hours_ago,
        uuid.UUID(late_id),
    )
    await start_scheduled(NO_CONTEXT, StartPayload(uuid.UUID(late_id), hours_ago))
    assert (await w.call("boss", "get", f"/api/campaigns/{late_id}"))["status"] == "late"
    await w.call("bob", "post", f"/api/campaigns/{late_id}/start", 404)
    confirmed = await w.call("boss", "post", f"/api/campaigns/{late_id}/start")
    assert confirmed["status"] == "sending"
