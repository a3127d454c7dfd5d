"""A campaign's scheduled start: the operator names a local date and time, read in the
campaign's organization's time zone (``unionline.calendar``); a delayed job starts it then,
once (keyed by campaign and time). A start that comes more than ``late_after_minutes`` late —
the installation was down — does not fire: the campaign becomes ``late`` and waits for someone
to confirm it (start it) or cancel it."""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import msgspec

from unionline import Actor, Conflict, Invalid, JobContext, actor_for, current, enqueue
from unionline.calendar import timezone_for
from unionline.plugins.campaigns import rights
from unionline.plugins.campaigns.campaigns import check_ready, load, start, view, visible
from unionline.plugins.campaigns.schemas import CampaignView
from unionline.plugins.campaigns.settings import campaigns_settings

START_JOB = "campaigns.start_scheduled"


class StartPayload(msgspec.Struct, frozen=True):
    campaign_id: uuid.UUID
    at: float


class ScheduleBody(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    # Local date and time of the campaign's organization, "2026-12-12T10:00" (as a browser's
    # datetime-local gives it); a zone given ("…+03:00", "…Z") wins.
    at: Annotated[
        str, msgspec.Meta(min_length=16, max_length=40, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T")
    ]


async def schedule(actor: Actor, campaign_id: uuid.UUID, data: ScheduleBody) -> CampaignView:
    row = await visible(actor, campaign_id, rights.MANAGE)
    if row.status not in ("draft", "scheduled"):
        raise Conflict(f"the campaign is {row.status}", field="status")
    await check_ready(row)
    try:
        local = datetime.fromisoformat(data.at)
    except ValueError:
        raise Invalid("not a date and time (2026-12-12T10:00)", field="at") from None
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(await timezone_for(row.organization_id)))
    at = local.timestamp()
    if at <= time.time():
        raise Invalid("the time has passed; start it now instead", field="at")
    db = current().db
    async with db.transaction():
        await db.execute(
            "UPDATE campaigns_campaign SET status = 'scheduled', scheduled_at = {} WHERE id = {}",
            at,
            campaign_id,
        )
        await enqueue(
            START_JOB,
            StartPayload(campaign_id, at),
            key=f"{START_JOB}:{campaign_id}:{at}",
            delay=at - time.time(),
        )
    return await view(actor, campaign_id)


class _Scheduled(msgspec.Struct):
    status: str
    scheduled_at: float | None
    created_by: uuid.UUID | None


async def start_scheduled(ctx: JobContext, payload: StartPayload) -> None:
    row = await current().db.fetch_one_as(
        _Scheduled,
        "SELECT status, scheduled_at, created_by FROM campaigns_campaign WHERE id = {}",
        payload.campaign_id,
    )
    if row is None or row.status != "scheduled" or row.scheduled_at != payload.at:
        return  # started, cancelled or moved to another time since
    late = time.time() - payload.at > campaigns_settings().late_after_minutes * 60
    creator = await actor_for(row.created_by) if row.created_by else None
    if late or creator is None:
        await current().db.execute(
            "UPDATE campaigns_campaign SET status = 'late' WHERE id = {} AND status = 'scheduled'",
            payload.campaign_id,
        )
        return
    campaign = await load(payload.campaign_id)
    if campaign is not None:
        await start(creator, payload.campaign_id)
