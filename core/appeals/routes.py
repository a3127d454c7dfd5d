"""REST API of appeals: list and search, create, edit, lifecycle, assignment, replies, notes,
links, merge, timelines. Every check happens in the services (one place for REST and the
console); out-of-scope appeals answer 404."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from unionline.appeals import services
from unionline.appeals.schemas import (
    AppealCreate,
    AppealPage,
    AppealUpdate,
    AppealView,
    Assignment,
    LinkCreate,
    MergeRequest,
    NoteCreate,
    ReplyCreate,
    StatusChange,
    TimelineEntryView,
    TimelinePage,
)
from unionline.appeals.search import AppealFilter
from unionline.appeals.statuses import Priority, Status
from unionline.text import NO_NUL, TextQuery
from unionline.web import CurrentActor

Limit = Annotated[int, QueryParameter(ge=1, le=200, description="page size")]
Cursor = Annotated[
    str | None, QueryParameter(description="next_cursor of the previous page", pattern=NO_NUL)
]
AppealId = FromPath[uuid.UUID]


class AppealController(Controller):
    path = "/api/appeals"
    tags = ["appeals"]  # noqa: RUF012 - Litestar reads it as a plain class attribute

    @get("/")
    async def list_appeals(
        self,
        actor: CurrentActor,
        status: FromQuery[list[Status] | None] = None,
        assignee: Annotated[
            str | None, QueryParameter(description="'me', 'none' or an operator id", pattern=NO_NUL)
        ] = None,
        organization_id: Annotated[
            uuid.UUID | None, QueryParameter(description="this organization and its subtree")
        ] = None,
        member_id: FromQuery[uuid.UUID | None] = None,
        channel: TextQuery = None,
        tag: TextQuery = None,
        priority: FromQuery[Priority | None] = None,
        queue_id: FromQuery[uuid.UUID | None] = None,
        q: Annotated[
            str | None,
            QueryParameter(
                description="full text over subjects and messages, or an exact number",
                pattern=NO_NUL,
            ),
        ] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> AppealPage:
        """Appeals in the caller's scope, newest first, filtered and searched."""
        where = AppealFilter(
            status=list(status) if status else None,
            assignee=assignee,
            organization_id=organization_id,
            member_id=member_id,
            channel=channel,
            tag=tag,
            priority=priority,
            queue_id=queue_id,
            q=q,
        )
        return await services.list_appeals(actor, where, cursor=cursor, limit=limit)

    @post("/")
    async def create_appeal(self, actor: CurrentActor, data: JSONBody[AppealCreate]) -> AppealView:
        """Open an appeal by hand (e.g. an operator logging a phone call)."""
        return await services.create_appeal(
            actor,
            organization_id=data.organization_id,
            member_id=data.member_id,
            subject=data.subject,
            channel=data.channel,
            channel_account_id=data.channel_account_id,
            priority=data.priority,
            tags=data.tags,
            custom=data.custom,
            queue_id=data.queue_id,
        )

    @get("/{appeal_id:uuid}")
    async def get_appeal(self, actor: CurrentActor, appeal_id: AppealId) -> AppealView:
        """One appeal with its links."""
        return await services.get_appeal(actor, appeal_id)

    @patch("/{appeal_id:uuid}")
    async def update_appeal(
        self, actor: CurrentActor, appeal_id: AppealId, data: JSONBody[AppealUpdate]
    ) -> AppealView:
        """Change subject, priority, tags or custom fields."""
        return await services.update_appeal(actor, appeal_id, data)

    @post("/{appeal_id:uuid}/status", status_code=200)
    async def set_status(
        self, actor: CurrentActor, appeal_id: AppealId, data: JSONBody[StatusChange]
    ) -> AppealView:
        """Move the appeal along its lifecycle; 409 lists the allowed statuses."""
        return await services.set_status(actor, appeal_id, data.status)

    @post("/{appeal_id:uuid}/assign", status_code=200)
    async def assign(
        self, actor: CurrentActor, appeal_id: AppealId, data: JSONBody[Assignment]
    ) -> AppealView:
        """Assign to an operator (null: unassign)."""
        return await services.assign(actor, appeal_id, data.operator_id)

    @post("/{appeal_id:uuid}/claim", status_code=200)
    async def claim(self, actor: CurrentActor, appeal_id: AppealId) -> AppealView:
        """Take an unassigned appeal; 409 when someone else holds it."""
        return await services.claim(actor, appeal_id)

    @post("/{appeal_id:uuid}/release", status_code=200)
    async def release(self, actor: CurrentActor, appeal_id: AppealId) -> AppealView:
        """Give up one's own appeal."""
        return await services.release(actor, appeal_id)

    @post("/{appeal_id:uuid}/replies")
    async def add_reply(
        self, actor: CurrentActor, appeal_id: AppealId, data: JSONBody[ReplyCreate]
    ) -> TimelineEntryView:
        """Send a message to the member (queued for delivery)."""
        return await services.add_reply(actor, appeal_id, data.text, data.attachments)

    @post("/{appeal_id:uuid}/notes")
    async def add_note(
        self, actor: CurrentActor, appeal_id: AppealId, data: JSONBody[NoteCreate]
    ) -> TimelineEntryView:
        """Write an internal note, optionally mentioning operators."""
        return await services.add_note(actor, appeal_id, data.text, data.mentions)

    @post("/{appeal_id:uuid}/links", status_code=200)
    async def link(
        self, actor: CurrentActor, appeal_id: AppealId, data: JSONBody[LinkCreate]
    ) -> AppealView:
        """Mark another appeal as related."""
        return await services.link(actor, appeal_id, data.appeal_id)

    @post("/{appeal_id:uuid}/merge", status_code=200)
    async def merge(
        self, actor: CurrentActor, appeal_id: AppealId, data: JSONBody[MergeRequest]
    ) -> AppealView:
        """Merge this appeal into ``target_id``; returns the target."""
        return await services.merge(actor, appeal_id, data.target_id)

    @get("/{appeal_id:uuid}/timeline")
    async def timeline(
        self, actor: CurrentActor, appeal_id: AppealId, cursor: Cursor = None, limit: Limit = 200
    ) -> TimelinePage:
        """The appeal's history in order: messages, notes, status and assignment changes."""
        return await services.timeline(actor, appeal_id, cursor=cursor, limit=limit)

    @get("/by-member/{member_id:uuid}")
    async def member_appeals(
        self,
        actor: CurrentActor,
        member_id: FromPath[uuid.UUID],
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> AppealPage:
        """A member's appeals on every channel (in the caller's scope), newest first."""
        return await services.list_appeals(
            actor, AppealFilter(member_id=member_id), cursor=cursor, limit=limit
        )

    @get("/by-member/{member_id:uuid}/timeline")
    async def member_timeline(
        self,
        actor: CurrentActor,
        member_id: FromPath[uuid.UUID],
        cursor: Cursor = None,
        limit: Limit = 200,
    ) -> TimelinePage:
        """One history of a member across their appeals (in the caller's scope)."""
        return await services.member_timeline(actor, member_id, cursor=cursor, limit=limit)
