"""Gathering the facts conditions look at, once per execution (see ``conditions.Facts``)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from unionline.appeals import store
from unionline.appeals.config import appeal_settings
from unionline.appeals.sla import is_working_time
from unionline.events import Event
from unionline.robots.conditions import Facts
from unionline.robots.rules import ancestors
from unionline.runtime import current

MEMBER_COLUMNS = ("status", "full_name", "card_number", "employer", "position")


async def gather(
    appeal: dict[str, Any] | None,
    organization_id: uuid.UUID | None,
    event: Event | None,
    now: datetime,
) -> Facts:
    if appeal is None:  # a schedule, or an event about no appeal (a member's, a plugin's)
        return Facts(
            organization_id=organization_id,
            organization_path=tuple(await ancestors(organization_id)),
            member=await member_fields(getattr(event, "member_id", None)),
            in_business_hours=await _working(None, now),
        )
    return Facts(
        channel=appeal["channel"] or "",
        organization_id=appeal["organization_id"],
        organization_path=tuple(await ancestors(appeal["organization_id"])),
        queue_id=appeal["queue_id"],
        status=appeal["status"],
        priority=appeal["priority"],
        tags=tuple(appeal["tags"] or ()),
        member=await member_fields(appeal["member_id"]),
        message=await _message(appeal, event),
        subject=appeal["subject"] or "",
        in_business_hours=await _working(appeal, now),
    )


async def load_appeal(appeal_id: uuid.UUID | None) -> dict[str, Any] | None:
    if appeal_id is None:
        return None
    row = await current().db.fetchone("SELECT * FROM appeal_appeal WHERE id = {}", appeal_id)
    return store.normalize(row) if row else None


async def member_fields(member_id: uuid.UUID | None) -> dict[str, str]:
    if member_id is None:
        return {}
    row = await current().db.fetchone("SELECT * FROM member_member WHERE id = {}", member_id)
    if row is None:
        return {}
    fields = {name: str(row.get(name) or "") for name in MEMBER_COLUMNS}
    custom = row.get("custom_fields") or "{}"
    custom = json.loads(custom) if isinstance(custom, str | bytes) else custom
    for name, value in (custom or {}).items():
        fields[f"custom.{name}"] = "" if value is None else str(value)
    return fields


async def _message(appeal: dict[str, Any], event: Event | None) -> str:
    """The triggering message's text; else the appeal's latest message from the member."""
    entry = getattr(event, "entry", None)
    if entry is not None and getattr(entry, "kind", "") == "message_in":
        return str(entry.body)
    row = await current().db.fetchone(
        "SELECT body FROM appeal_timeline WHERE appeal_id = {} AND kind = 'message_in'"
        " ORDER BY id DESC LIMIT 1",
        appeal["id"],
    )
    return str(row["body"]) if row else ""


async def _working(appeal: dict[str, Any] | None, now: datetime) -> bool:
    """Business hours of the appeal's queue when it keeps them, else the [appeals] calendar."""
    if appeal is not None and appeal.get("queue_id") is not None:
        from unionline.routing import queues

        queue = await queues.load(appeal["queue_id"])
        if queue is not None and queue.business_hours:
            return queue.open_at(now)
    calendar = appeal_settings().calendar(current().settings.timezone)
    return is_working_time(calendar, now)
