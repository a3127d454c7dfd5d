"""``/api/notifications`` (the caller's inbox) and ``/api/saved-filters`` (their list filters).
Every signed-in operator has both; nobody sees another's."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from unionline.text import NO_NUL
from unionline.web import CurrentActor
from unionline.workspace import filters, notifications
from unionline.workspace.schemas import (
    Marked,
    MarkRead,
    NotificationPage,
    SavedFilterCreate,
    SavedFilterView,
)

Limit = Annotated[int, QueryParameter(ge=1, le=200, description="page size")]
Cursor = Annotated[
    str | None, QueryParameter(description="next_cursor of the previous page", pattern=NO_NUL)
]


class NotificationController(Controller):
    path = "/api/notifications"
    tags = ["notifications"]  # noqa: RUF012 - Litestar reads it as a plain class attribute

    @get("/")
    async def list_notifications(
        self,
        actor: CurrentActor,
        unread: FromQuery[bool] = False,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> NotificationPage:
        """The caller's notifications, newest first, with the count of unread ones."""
        return await notifications.list_notifications(
            actor, unread=unread, cursor=cursor, limit=limit
        )

    @post("/read", status_code=200)
    async def mark_read(self, actor: CurrentActor, data: JSONBody[MarkRead]) -> Marked:
        """Mark ``ids`` (or ``all``) of the caller's notifications read."""
        return await notifications.mark_read(actor, data.ids, data.all)


class SavedFilterController(Controller):
    path = "/api/saved-filters"
    tags = ["notifications"]  # noqa: RUF012

    @get("/")
    async def list_filters(self, actor: CurrentActor) -> list[SavedFilterView]:
        """The caller's saved appeal-list filters, in order."""
        return await filters.list_filters(actor)

    @post("/")
    async def save_filter(
        self, actor: CurrentActor, data: JSONBody[SavedFilterCreate]
    ) -> SavedFilterView:
        """Save a filter (201); the name of an existing one replaces its query."""
        return await filters.save_filter(actor, data)

    @delete("/{filter_id:uuid}")
    async def delete_filter(self, actor: CurrentActor, filter_id: FromPath[uuid.UUID]) -> None:
        """Delete one of the caller's filters."""
        await filters.delete_filter(actor, filter_id)
