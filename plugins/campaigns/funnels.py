"""Funnel steps that add members by themselves (a campaign's :class:`~.schemas.Trigger`):

- ``not_opened`` — «напомнить тем, кто не открыл»: members an earlier campaign reached (sent,
  delivered or bounced) at least ``days`` days ago who have not opened (or clicked, or replied
  to) it since;
- ``date`` — a date of the member's card, every year: members whose custom field (a birthday,
  ``1984-12-07`` or ``07.12.1984``) falls ``days_before`` days from today in the campaign's
  organization's time zone (29 February is greeted on the 28th in other years).

A started step is filled by :data:`FUNNELS` every 15 minutes (and once when it starts) with one
``INSERT … SELECT … ON CONFLICT DO NOTHING`` into its recipient rows — no loop over members. The
row's key is unique — ``campaign:member``, or ``campaign:member:year`` for a date step — so a
member enters a step exactly once (once a year for a date), however often the pass runs, and a
pass killed half way either inserted its rows or did not: the next pass does the rest. From
there the rows are sent like any campaign's (consent checked at sending time).
"""

from __future__ import annotations

import calendar
import uuid
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from unionline import PeriodicJob, current, enqueue, now, subtree_ids
from unionline.calendar import timezone_for
from unionline.plugins.campaigns.campaigns import CampaignRow, load
from unionline.plugins.campaigns.schemas import Trigger
from unionline.plugins.campaigns.segments import compile_filter
from unionline.rows import IdRow

UNLESS = {
    "opened": ("open", "click", "reply"),  # a click or a reply means it was opened
    "clicked": ("click",),
    "replied": ("reply",),
}
TRIGGERED = ("not_opened", "date")


async def fill(campaign: CampaignRow) -> int:
    """Add the members the step's trigger takes now; how many were added (0: none, or not a
    step). Queues the sending when it added anyone."""
    rule = campaign.trigger_rule
    if rule.kind not in TRIGGERED or campaign.status not in ("sending", "paused", "finished"):
        return 0
    db = current().db
    owner = await subtree_ids([campaign.organization_id])
    wanted = campaign.filter.organization_ids
    orgs = sorted((await subtree_ids(wanted)) & owner if wanted else owner)
    segment = compile_filter(
        campaign.filter, orgs, postgres=db.is_postgres, purpose=campaign.purpose
    )
    prefix = f"{campaign.id}:"
    if rule.kind == "not_opened":
        source, args = _not_opened(rule)
        suffix = ""
    else:
        occasion = now().astimezone(ZoneInfo(await timezone_for(campaign.organization_id)))
        day = occasion.date() + timedelta(days=rule.days_before)
        source, args = _on_date(rule, day, postgres=db.is_postgres)
        suffix = f":{day.year}"
    key = "CAST({} AS TEXT) || CAST(m.id AS TEXT) || CAST({} AS TEXT)"
    async with db.transaction():
        added = await db.fetch(
            "INSERT INTO campaigns_recipient (key, campaign_id, member_id, status, channel,"
            f" address, lease_until, attempts, external_id, error) SELECT {key}, {{}}, m.id,"
            f" 'queued', '', '', 0, 0, '', '' {source} AND {segment.where}"
            " ON CONFLICT (key) DO NOTHING RETURNING id",
            prefix, suffix, campaign.id, *args, *segment.args,
        )  # fmt: skip
        if added and campaign.status in ("sending", "finished"):
            await _reopen(campaign.id)
    if added and campaign.status in ("sending", "finished"):
        # Again once the rows are visible: a send job that found no rows while this
        # transaction was open (PostgreSQL) may have finished the campaign meanwhile.
        await _reopen(campaign.id)
    return len(added)


async def _reopen(campaign_id: uuid.UUID) -> None:
    """A finished step that got recipients is sending again; a send job is queued."""
    await current().db.execute(
        "UPDATE campaigns_campaign SET status = 'sending' WHERE id = {} AND status = 'finished'",
        campaign_id,
    )
    await _kick(campaign_id)


def _not_opened(rule: Trigger) -> tuple[str, list[object]]:
    """Members of the earlier step reached ``days`` ago or more, without the awaited action."""
    kinds = UNLESS[rule.unless]
    marks = ", ".join("{}" for _ in kinds)
    source = (
        "FROM campaigns_recipient p JOIN member_member m ON m.id = p.member_id"
        " WHERE p.campaign_id = {} AND p.status IN ('sent', 'delivered', 'bounced')"
        " AND p.sent_at <= {} AND NOT EXISTS (SELECT 1 FROM campaigns_event e"
        f" WHERE e.recipient_id = p.id AND e.kind IN ({marks}))"
    )
    cutoff = now().timestamp() - rule.days * 86400.0
    return source, [rule.after_campaign_id, cutoff, *kinds]


def _on_date(rule: Trigger, day: date, *, postgres: bool) -> tuple[str, list[object]]:
    """Members whose date field's month and day are ``day``'s (29 February on the 28th in a
    year without it); the field holds ``YYYY-MM-DD`` or ``DD.MM.YYYY``."""
    field = rule.date_field  # a Key: letters, digits, _ . - only
    value = (
        f"(m.custom_fields::jsonb ->> '{field}')"
        if postgres
        else f"CAST(json_extract(m.custom_fields, '$.\"{field}\"') AS TEXT)"
    )
    month_day = (
        f"CASE WHEN {value} LIKE '____-__-__%' THEN SUBSTR({value}, 6, 5)"
        f" WHEN {value} LIKE '__.__.____%'"
        f" THEN SUBSTR({value}, 4, 2) || '-' || SUBSTR({value}, 1, 2)"
        " END"
    )
    wanted: list[object] = [f"{day.month:02d}-{day.day:02d}"]
    if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
        wanted.append("02-29")
    else:
        wanted.append(wanted[0])
    return f"FROM member_member m WHERE {month_day} IN ({{}}, {{}})", wanted


async def fill_all() -> None:
    """The periodic pass: every started step with a trigger."""
    rows = await current().db.fetch_as(
        IdRow,
        "SELECT id FROM campaigns_campaign WHERE status IN ('sending', 'paused', 'finished')"
        " AND trigger_rule <> '{}'",
    )
    for row in rows:
        campaign = await load(row.id)
        if campaign is not None:
            await fill(campaign)


FUNNELS = PeriodicJob("campaigns.funnels", fill_all, every=900.0)


async def _kick(campaign_id: uuid.UUID) -> None:
    from unionline.plugins.campaigns.sending import SEND_JOB, SendPayload

    await enqueue(
        SEND_JOB, SendPayload(campaign_id), key=f"{SEND_JOB}:{campaign_id}:{uuid.uuid4()}"
    )
