"""Withdrawing consent from a campaign's message: the signed link (RFC 8058 one-click POST,
or the button of the page a GET shows — link scanners follow GETs, so a GET changes nothing),
and the member's own words (СТОП / STOP in Telegram, VK or SMS, see :mod:`.listeners`)."""

from __future__ import annotations

import time
import uuid

import msgspec

from unionline import current
from unionline.plugins.campaigns import consent


class RecipientInfo(msgspec.Struct, kw_only=True):
    id: int
    campaign_id: uuid.UUID
    member_id: uuid.UUID
    channel: str
    purpose: str
    campaign_name: str


async def recipient(recipient_id: int) -> RecipientInfo | None:
    return await current().db.fetch_one_as(
        RecipientInfo,
        "SELECT r.id, r.campaign_id, r.member_id, r.channel, c.purpose, c.name AS campaign_name"
        " FROM campaigns_recipient r JOIN campaigns_campaign c ON c.id = r.campaign_id"
        " WHERE r.id = {}",
        recipient_id,
    )


async def unsubscribe(info: RecipientInfo, *, how: str, address: str = "") -> None:
    """Withdraw the consent the message went under (its channel and the campaign's purpose)."""
    channel = info.channel or "email"
    organization_id = await consent.member_org(info.member_id)
    db = current().db
    async with db.transaction():
        await consent.record(
            info.member_id, organization_id, channel, info.purpose,
            granted=False, source="link",
            evidence={"campaign_id": str(info.campaign_id), "how": how, "address": address},
        )  # fmt: skip
        await event(info.campaign_id, info.id, "unsubscribe", how)


async def event(campaign_id: uuid.UUID, recipient_id: int, kind: str, detail: str = "") -> None:
    """Count what a member did once (a second click on the same link is not another)."""
    await current().db.execute(
        "INSERT INTO campaigns_event (key, campaign_id, recipient_id, kind, detail, at, seen)"
        " VALUES ({}, {}, {}, {}, {}, {}, {}) ON CONFLICT (key) DO NOTHING",
        f"{kind}:{recipient_id}:{detail}"[:160], campaign_id, recipient_id, kind,
        detail[:2000], time.time(), True,
    )  # fmt: skip
