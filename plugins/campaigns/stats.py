"""The replies a campaign got: a member's message within 14 days of a campaign message is its
reply (:mod:`.listeners`); the message itself is an appeal as any other, and the campaign links
to it (the statistics page lists them, each opening the appeal). The counts themselves are
:func:`.campaigns.counts`."""

from __future__ import annotations

import uuid

from unionline import Actor, current
from unionline.plugins.campaigns.campaigns import visible
from unionline.plugins.campaigns.schemas import ReplyView

LIMIT = 200


async def replies(actor: Actor, campaign_id: uuid.UUID) -> list[ReplyView]:
    """The campaign's replies, newest first (at most 200): who answered and the appeal."""
    await visible(actor, campaign_id)
    rows = await current().db.fetch(
        "SELECT r.member_id, m.full_name, e.detail, e.at FROM campaigns_event e"
        " JOIN campaigns_recipient r ON r.id = e.recipient_id"
        " LEFT JOIN member_member m ON m.id = r.member_id"
        f" WHERE e.campaign_id = {{}} AND e.kind = 'reply' ORDER BY e.at DESC LIMIT {LIMIT}",
        campaign_id,
    )
    appeals = {str(r["detail"]) for r in rows if r["detail"]}
    numbers: dict[str, str] = {}
    if appeals:
        marks = ", ".join("{}" for _ in appeals)
        for a in await current().db.fetch(
            f"SELECT id, number FROM appeal_appeal WHERE id IN ({marks})",
            *[uuid.UUID(x) for x in appeals],
        ):
            numbers[str(a["id"])] = str(a["number"])
    return [
        ReplyView(
            member_id=uuid.UUID(str(r["member_id"])),
            full_name=str(r["full_name"] or ""),
            appeal_id=uuid.UUID(str(r["detail"])) if r["detail"] else None,
            appeal_number=numbers.get(str(r["detail"]), ""),
            at=float(r["at"]),
        )
        for r in rows
    ]
