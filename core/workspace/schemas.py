"""Workspace API bodies and views."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from unionline import text
from unionline.appeals.statuses import Priority, Status

Kind = Literal["mention", "assigned", "robot", "notice"]
Name = Annotated[text.Text, msgspec.Meta(min_length=1, max_length=100)]
Short = Annotated[text.Text, msgspec.Meta(max_length=200)]
Channel = Annotated[str, msgspec.Meta(max_length=50, pattern=r"^[a-z][a-z0-9_.-]*$(?!\n)")]
Assignee = Annotated[str, msgspec.Meta(max_length=36, pattern=r"^(me|none|[0-9a-f-]{36})$(?!\n)")]


class NotificationView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    kind: Kind
    appeal_id: uuid.UUID | None
    appeal_number: str
    author_id: uuid.UUID | None
    text: str
    created_at: datetime
    read_at: datetime | None
    title: str = ""  # a plugin's notice: its title
    link: str = ""  # a plugin's notice: the console address it opens


class NotificationPage(msgspec.Struct, kw_only=True):
    items: list[NotificationView]
    next_cursor: str | None
    unread: int  # the operator's unread notifications, all pages


class MarkRead(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``ids`` of the caller's notifications, or ``all``: every one of them."""

    ids: Annotated[list[uuid.UUID], msgspec.Meta(max_length=500)] = msgspec.field(
        default_factory=list
    )
    all: bool = False


class Marked(msgspec.Struct, kw_only=True):
    marked: int
    unread: int


class FilterQuery(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    """What a saved filter asks ``GET /api/appeals`` (the same names and meanings)."""

    status: Annotated[list[Status], msgspec.Meta(max_length=10)] | None = None
    assignee: Assignee | None = None
    priority: Priority | None = None
    channel: Channel | None = None
    tag: Short | None = None
    q: Short | None = None
    queue_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None


class SavedFilterCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Name
    query: FilterQuery


class SavedFilterView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    name: str
    query: FilterQuery
    position: int
    created_at: datetime
