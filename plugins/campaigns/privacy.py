"""Campaigns in a member's personal-data export and erasure (152-FZ): the export lists the
member's consents with their history (the proof) and every campaign message sent to them; the
erasure deletes the consents and their history and empties the addresses campaigns sent to —
the recipient rows stay as counts of the campaigns' statistics."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from unionline import current
from unionline.plugins.campaigns.schemas import ConsentLogView, ConsentView


class _Sent(msgspec.Struct):
    campaign: str
    channel: str
    address: str
    status: str
    sent_at: float | None
    note: str  # the channel's note: «2 SMS · 2,96 ₽»


def _marks(ids: list[uuid.UUID]) -> str:
    return ", ".join("{}" for _ in ids)


class CampaignsSection:
    name = "campaigns"

    async def export(self, member_ids: list[uuid.UUID], appeal_ids: list[uuid.UUID]) -> Any:
        if not member_ids:
            return {}
        db = current().db
        marks = _marks(member_ids)
        consents = await db.fetch_as(
            ConsentView,
            "SELECT channel, purpose, text_version, source, evidence, granted_at, withdrawn_at,"
            f" withdrawn_source FROM campaigns_consent WHERE member_id IN ({marks})",
            *member_ids,
        )
        history = await db.fetch_as(
            ConsentLogView,
            "SELECT channel, purpose, action, text_version, source, evidence, at, organization_id"
            f" FROM campaigns_consent_log WHERE member_id IN ({marks}) ORDER BY id",
            *member_ids,
        )
        sent = await db.fetch_as(
            _Sent,
            "SELECT c.name AS campaign, r.channel, r.address, r.status, r.sent_at, r.note"
            " FROM campaigns_recipient r JOIN campaigns_campaign c ON c.id = r.campaign_id"
            f" WHERE r.member_id IN ({marks}) ORDER BY r.id",
            *member_ids,
        )
        return msgspec.to_builtins({"consents": consents, "history": history, "messages": sent})

    async def erase(self, member_ids: list[uuid.UUID]) -> None:
        if not member_ids:
            return
        db = current().db
        marks = _marks(member_ids)
        for table in ("campaigns_consent", "campaigns_consent_log"):
            await db.execute(f"DELETE FROM {table} WHERE member_id IN ({marks})", *member_ids)
        await db.execute(
            f"UPDATE campaigns_recipient SET address = '', error = '' WHERE member_id IN ({marks})",
            *member_ids,
        )
