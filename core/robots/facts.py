"""Gathering the facts conditions look at, once per execution (see ``conditions.Facts``)."""

from __future__ import annotations

import uuid
from datetime import datetime

from unionline.appeals.sla import sla_calendar
from unionline.appeals.store import AppealRow
from unionline.events import Event
from unionline.members.records import find_member
from unionline.robots.conditions import Facts
from unionline.robots.rules import ancestors
from unionline.runtime import current

MEMBER_COLUMNS = ("status", "full_name", "card_number", "employer", "position")


async def gather(
    appeal: AppealRow | None,
    organization_id: uuid.UUID | None,
    event: Event | None,
    now: datetime,
) -> Facts:
    if appeal is None:  # a schedule, or an event about no appeal (a member's, a plugin's)
        return Facts(
            organization_id=organization_id,
            organization_path=tuple(await ancestors(organization_id)),
            member=await member_fields(getattr(event, "member_id", None)),
            in_business_hours=await _working(None, now, organization_id),
        )
    return Facts(
        channel=appeal.channel or "",
        organization_id=appeal.organization_id,
        organization_path=tuple(await ancestors(appeal.organization_id)),
        queue_id=appeal.queue_id,
        status=appeal.status,
        priority=appeal.priority,
        tags=tuple(appeal.tags or ()),
        member=await member_fields(appeal.member_id),
        message=await _message(appeal, event),
        subject=appeal.subject or "",
        in_business_hours=await _working(appeal, now, appeal.organization_id),
    )


async def member_fields(member_id: uuid.UUID | None) -> dict[str, str]:
    member = await find_member(member_id)
    if member is None:
        return {}
    fields = {name: str(getattr(member, name) or "") for name in MEMBER_COLUMNS}
    for name, value in member.custom_fields.items():
        fields[f"custom.{name}"] = "" if value is None else str(value)
    return fields


async def _message(appeal: AppealRow, event: Event | None) -> str:
    """The triggering message's text; else the appeal's latest message from the member."""
    entry = getattr(event, "entry", None)
    if entry is not None and getattr(entry, "kind", "") == "message_in":
        return str(entry.body)
    row = await current().db.fetchone(
        "SELECT body FROM appeal_timeline WHERE appeal_id = {} AND kind = 'message_in'"
        " ORDER BY id DESC LIMIT 1",
        appeal.id,
    )
    return str(row["body"]) if row else ""


async def _working(
    appeal: AppealRow | None, now: datetime, organization_id: uuid.UUID | None
) -> bool:
    """Business hours of the appeal's queue when it keeps them, else the SLA's calendar of the
    organization (``[appeals]`` hours over the production calendar and its overrides)."""
    if appeal is not None and appeal.queue_id is not None:
        from unionline.routing import queues

        queue = await queues.load(appeal.queue_id)
        if queue is not None and queue.business_hours:
            return await queue.open_at(now)
    return (await sla_calendar(organization_id)).is_working_time(now)
