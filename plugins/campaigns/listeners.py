"""What campaigns hear from the rest of the system: a member's СТОП / STOP in a messenger or SMS
withdraws that channel's consent; a member's reply after a campaign counts as its reply; a
member card whose legacy consent flags changed is copied into the register."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from unionline import Event, NotFound, current
from unionline.channel import channel_type
from unionline.plugins.campaigns import consent
from unionline.plugins.campaigns.unsubscribe import event as count_event
from unionline.plugins.campaigns.vocabulary import STOP_WORDS

_NOT_LETTERS = re.compile(r"[\W_]+")
# The contact kind of the channel a STOP arrived on -> the consent channel it withdraws.
STOP_CHANNELS = {"telegram": "telegram", "vk": "vk", "phone": "sms"}
REPLY_WINDOW = 14 * 86400.0


def _tag(event: Event) -> str:
    return str(type(event).__struct_config__.tag)


async def on_event(event: Event) -> None:
    tag = _tag(event)
    if tag == "appeal.message_in":
        entry: Any = getattr(event, "entry", None)
        if entry is not None:
            await _message_in(entry, getattr(event, "appeal_id", None))
    elif tag in ("member.updated", "member.created"):
        fields = getattr(event, "fields", ["consents"])
        if tag == "member.created" or "consents" in fields:
            await consent.absorb_legacy(event.member_id)  # type: ignore[attr-defined]


def is_stop(text: str) -> bool:
    return _NOT_LETTERS.sub("", text).upper() in STOP_WORDS


async def _message_in(entry: Any, appeal_id: uuid.UUID | None) -> None:
    member_id = entry.member_id
    try:
        kind = channel_type(entry.channel).contact_kind
    except Exception:
        kind = ""
    channel = STOP_CHANNELS.get(kind)
    if channel and is_stop(entry.body or ""):
        try:
            await consent.withdraw_all(
                member_id, [channel], source="messenger",
                evidence={"entry_id": str(entry.id), "text": (entry.body or "")[:40]},
            )  # fmt: skip
        except NotFound:
            return
    await _reply(member_id, appeal_id)


async def _reply(member_id: uuid.UUID, appeal_id: uuid.UUID | None) -> None:
    row = await current().db.fetchone(
        "SELECT id, campaign_id FROM campaigns_recipient WHERE member_id = {}"
        " AND status IN ('sent', 'delivered') AND sent_at > {} ORDER BY sent_at DESC LIMIT 1",
        member_id,
        time.time() - REPLY_WINDOW,
    )
    if row is not None:
        campaign_id = row["campaign_id"]
        campaign_id = campaign_id if isinstance(campaign_id, uuid.UUID) else uuid.UUID(campaign_id)
        await count_event(campaign_id, int(row["id"]), "reply", str(appeal_id or ""))


async def follow_merge(source_id: uuid.UUID, target_id: uuid.UUID) -> None:
    """A reply counted on a merged appeal names the target: the campaign's replies open the
    appeal the message is on now (``appeal_merged``)."""
    await current().db.execute(
        "UPDATE campaigns_event SET detail = {} WHERE kind = 'reply' AND detail = {}",
        str(target_id),
        str(source_id),
    )
