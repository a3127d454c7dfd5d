"""Today as the organization a report is of counts it (its time zone, else its nearest
ancestor's, else the federation's default): the console's period presets end there, whatever
the zone of the browser they are picked in."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

from unionline import Actor, NotFound, now
from unionline.calendar import timezone_for
from unionline.plugins.reports.query import organizations, top_organizations, visible
from unionline.plugins.reports.schemas import ReportDay


async def today(actor: Actor, organization_id: uuid.UUID | None) -> ReportDay:
    """Today of ``organization_id``, or of the reader's one top organization when none is
    given (the report starts there too); several tops: the default zone's."""
    ids = await visible(actor, organization_id)
    if organization_id is not None and not ids:  # the subject of the answer: 404
        raise NotFound(f"organization {organization_id} does not exist", field="organization_id")
    if organization_id is None:
        tops = top_organizations(await organizations(), ids)
        organization_id = tops[0].id if len(tops) == 1 else None
    zone = await timezone_for(organization_id)
    return ReportDay(
        organization_id=organization_id,
        timezone=zone,
        today=now().astimezone(ZoneInfo(zone)).date(),
    )
