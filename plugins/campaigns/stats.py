"""The replies a campaign got: a member's message within 14 days of a campaign message is its
reply (:mod:`.listeners`); the message itself is an appeal as any other, and the campaign links
to it (the statistics page lists them, each opening the appeal). And the digits members pressed
in its robot calls («Ждать ответа цифрой»): counted per digit, with who pressed what. The
counts themselves are :func:`.campaigns.counts`."""

from __future__ import annotations

import uuid

import msgspec

from unionline import Actor, current
from unionline.plugins.campaigns.campaigns import visible
from unionline.plugins.campaigns.receipts import ANSWER
from unionline.plugins.campaigns.schemas import AnswersView, AnswerView, ReplyView

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


class _Digit(msgspec.Struct):
    detail: str
    n: int


class _Answer(msgspec.Struct):
    member_id: uuid.UUID
    full_name: str | None
    detail: str
    at: float


async def answers(actor: Actor, campaign_id: uuid.UUID) -> AnswersView:
    """The digits members pressed in the campaign's robot calls (:mod:`.receipts` records one a
    recipient): counted per digit in SQL, and the newest 200 with who pressed them."""
    await visible(actor, campaign_id)
    db = current().db
    counted = await db.fetch_as(
        _Digit,
        "SELECT detail, COUNT(*) AS n FROM campaigns_event WHERE campaign_id = {} AND kind = {}"
        " GROUP BY detail ORDER BY detail",
        campaign_id,
        ANSWER,
    )
    latest = await db.fetch_as(
        _Answer,
        "SELECT r.member_id, m.full_name, e.detail, e.at FROM campaigns_event e"
        " JOIN campaigns_recipient r ON r.id = e.recipient_id"
        " LEFT JOIN member_member m ON m.id = r.member_id"
        " WHERE e.campaign_id = {} AND e.kind = {}"
        f" ORDER BY e.at DESC, e.id DESC LIMIT {LIMIT}",
        campaign_id,
        ANSWER,
    )
    return AnswersView(
        total=sum(d.n for d in counted),
        digits={d.detail: d.n for d in counted},
        recipients=[
            AnswerView(member_id=a.member_id, full_name=a.full_name or "", digit=a.detail, at=a.at)
            for a in latest
        ],
    )
