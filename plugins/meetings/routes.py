"""REST API of meetings: hold, change, cancel, read; «Видеозвонок» on an appeal; one's own
join link; the calendar and free/busy; the platforms."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from unionline import Invalid, now, read_settings
from unionline.plugins.meetings import calendar, reading, services
from unionline.plugins.meetings.providers import providers
from unionline.plugins.meetings.redirect import open_meeting
from unionline.plugins.meetings.schemas import (
    CalendarEntry,
    InstantMeeting,
    JoinLink,
    MeetingCreate,
    MeetingUpdate,
    MeetingView,
    OperatorBusy,
    ProviderView,
)
from unionline.plugins.meetings.settings import MeetingsSettings
from unionline.web import CurrentActor, query_time

Moment = Annotated[str | None, QueryParameter(format="date-time", max_length=64)]
Ids = Annotated[list[uuid.UUID] | None, QueryParameter(max_items=100)]


def _span(since: str | None, until: str | None) -> tuple[datetime, datetime]:
    start = query_time(since, "since") or now()
    end = query_time(until, "until") or start + timedelta(days=7)
    return start, end


class MeetingsController(Controller):
    path = "/api/meetings"
    tags = ("meetings",)

    @post("/")
    async def create_meeting(
        self, actor: CurrentActor, data: JSONBody[MeetingCreate]
    ) -> MeetingView:
        """Hold a meeting: the organizer (the caller) and the operators join as moderators, the
        members as guests; members get their link on their channel, everyone with an e-mail an
        iCalendar invitation. Requires ``meetings.create`` in the organization."""
        return await services.create(actor, data)

    @post("/instant")
    async def start_call(self, actor: CurrentActor, data: JSONBody[InstantMeeting]) -> MeetingView:
        """«Видеозвонок» on an appeal: a meeting now; the member's guest link goes on the
        appeal's channel at once; ``join_url`` is the caller's moderator link."""
        return await services.instant(actor, data)

    @get("/")
    async def list_meetings(
        self,
        actor: CurrentActor,
        since: Moment = None,
        until: Moment = None,
        organization_id: FromQuery[uuid.UUID | None] = None,
        appeal_id: FromQuery[uuid.UUID | None] = None,
    ) -> list[MeetingView]:
        """Meetings touching ``[since, until)`` in the caller's scope (of an appeal)."""
        return await reading.listing(
            actor,
            since=query_time(since, "since"),
            until=query_time(until, "until"),
            organization_id=organization_id,
            appeal_id=appeal_id,
        )

    @get("/calendar")
    async def calendar_entries(
        self,
        actor: CurrentActor,
        since: Moment = None,
        until: Moment = None,
        operator_id: Ids = None,
        organization_id: FromQuery[uuid.UUID | None] = None,
    ) -> list[CalendarEntry]:
        """Meetings and the other plugins' items (tasks' deadlines, absences) of
        ``[since, until)`` (default: a week from now), of the given operators (a personal or a
        team calendar) or everyone's in the caller's scope."""
        start, end = _span(since, until)
        return await calendar.entries(actor, start, end, operator_id, organization_id)

    @get("/busy")
    async def free_busy(
        self,
        actor: CurrentActor,
        operator_id: Ids = None,
        since: Moment = None,
        until: Moment = None,
    ) -> list[OperatorBusy]:
        """When each operator is taken between ``since`` and ``until`` (for picking a time)."""
        start, end = _span(since, until)
        return await calendar.busy(actor, operator_id or [], start, end)

    @get("/providers")
    async def list_providers(self, actor: CurrentActor) -> list[ProviderView]:
        """The video platforms installed; ``default`` is the configured one."""
        actor.require("meetings.read")
        chosen = (await read_settings(MeetingsSettings)).provider
        return [
            ProviderView(
                name=p.name, title_ru=p.title_ru, title_en=p.title_en, default=p.name == chosen
            )
            for p in providers().values()
        ]

    @get("/{meeting_id:uuid}")
    async def get_meeting(
        self, actor: CurrentActor, meeting_id: FromPath[uuid.UUID]
    ) -> MeetingView:
        return await reading.get(actor, meeting_id)

    @patch("/{meeting_id:uuid}")
    async def change_meeting(
        self, actor: CurrentActor, meeting_id: FromPath[uuid.UUID], data: JSONBody[MeetingUpdate]
    ) -> MeetingView:
        """Move or rename a scheduled meeting (organizer or ``meetings.manage``): SEQUENCE goes
        up, members are told on their channel, invitations go again."""
        if data.title is None and data.starts_at is None and data.duration_minutes is None:
            raise Invalid("nothing to change", field="title")
        return await services.update(actor, meeting_id, data)

    @post("/{meeting_id:uuid}/cancel")
    async def cancel_meeting(
        self, actor: CurrentActor, meeting_id: FromPath[uuid.UUID]
    ) -> MeetingView:
        """Cancel (organizer or ``meetings.manage``): members told, METHOD:CANCEL mailed."""
        return await services.cancel(actor, meeting_id)

    @get("/{meeting_id:uuid}/join")
    async def join_meeting(self, actor: CurrentActor, meeting_id: FromPath[uuid.UUID]) -> JoinLink:
        """The caller's own join link (staff: a moderator's)."""
        return await reading.join(actor, meeting_id)


CONTROLLERS = (MeetingsController, open_meeting)
