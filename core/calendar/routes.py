"""REST API of the working-day calendar: an organization's month, its overrides, its time zone."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from unionline.calendar import services
from unionline.calendar.engine import CalendarMonth
from unionline.calendar.schemas import OverrideCreate, OverrideView, ZoneSet, ZoneView
from unionline.web import CurrentActor

AnyMonth = Annotated[int | None, QueryParameter(ge=1, le=12)]
AnyYear = Annotated[int | None, QueryParameter(ge=services.FIRST_YEAR, le=services.LAST_YEAR)]


class CalendarController(Controller):
    path = "/api/calendar"
    tags = ("calendar",)

    @get("/{organization_id:uuid}/month")
    async def get_month(
        self,
        actor: CurrentActor,
        organization_id: FromPath[uuid.UUID],
        year: AnyYear = None,
        month: AnyMonth = None,
    ) -> CalendarMonth:
        """The organization's month (default: the current one in its time zone): each day
        working or not and why, its norm hours and business hours; the month's working days
        and norm (``calendar.read``)."""
        return await services.month(actor, organization_id, year, month)

    @get("/{organization_id:uuid}/overrides")
    async def list_overrides(
        self,
        actor: CurrentActor,
        organization_id: FromPath[uuid.UUID],
        year: AnyYear = None,
    ) -> list[OverrideView]:
        """Overrides set on the organization and its subtree, by date (``calendar.read``)."""
        return await services.list_overrides(actor, organization_id, year)

    @post("/{organization_id:uuid}/overrides")
    async def create_override(
        self,
        actor: CurrentActor,
        organization_id: FromPath[uuid.UUID],
        data: JSONBody[OverrideCreate],
    ) -> OverrideView:
        """A day off, working day or shortened day for the organization and its subtree
        (``calendar.manage``); 409 when the organization already rules on that date."""
        return await services.create_override(actor, organization_id, data)

    @delete("/overrides/{override_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_override(self, actor: CurrentActor, override_id: FromPath[uuid.UUID]) -> None:
        """Remove an override (``calendar.manage`` over its organization)."""
        await services.delete_override(actor, override_id)

    @get("/{organization_id:uuid}/timezone")
    async def get_timezone(
        self, actor: CurrentActor, organization_id: FromPath[uuid.UUID]
    ) -> ZoneView:
        """The organization's own time zone, if any, and the one in effect (``calendar.read``)."""
        return await services.get_zone(actor, organization_id)

    @put("/{organization_id:uuid}/timezone")
    async def set_timezone(
        self, actor: CurrentActor, organization_id: FromPath[uuid.UUID], data: JSONBody[ZoneSet]
    ) -> ZoneView:
        """Set the organization's time zone for its subtree; ``null`` inherits again
        (``calendar.manage``)."""
        return await services.set_zone(actor, organization_id, data)
