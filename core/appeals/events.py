"""Appeal events: each carries the appeal's summary (number, status, assignee, ...) and the
timeline entry it produced, so the console renders it without another query."""

from __future__ import annotations

import uuid

from unionline.appeals.schemas import TimelineEntryView
from unionline.events import Event
from unionline.spi import AppealSummary


class AppealEvent(Event, kw_only=True):
    """Base of the appeal events (not registered itself)."""

    appeal_id: uuid.UUID
    appeal: AppealSummary


class AppealCreated(AppealEvent, tag="appeal.created"):
    reopened_from_id: uuid.UUID | None = None  # a member wrote again after the reopen window


class AppealUpdated(AppealEvent, tag="appeal.updated"):
    """Subject or custom fields changed (priority and tags have events of their own)."""

    changed: list[str]


class MessageIn(AppealEvent, tag="appeal.message_in"):
    entry: TimelineEntryView
    preview: str


class MessageOut(AppealEvent, tag="appeal.message_out"):
    entry: TimelineEntryView
    preview: str


class MessageUpdated(AppealEvent, tag="appeal.message_updated"):
    """A member's message changed in place: an edit became its new revision (``revised``) or
    another part of an album joined it (``part_added``). ``entry`` is the entry as it is now."""

    entry: TimelineEntryView
    change: str  # "revised" or "part_added"
    preview: str


class NoteAdded(AppealEvent, tag="appeal.note_added"):
    entry: TimelineEntryView
    mentions: list[uuid.UUID]
    preview: str


class StatusChanged(AppealEvent, tag="appeal.status_changed"):
    entry: TimelineEntryView
    old: str
    new: str


class Assigned(AppealEvent, tag="appeal.assigned"):
    entry: TimelineEntryView
    old_assignee_id: uuid.UUID | None
    assignee_id: uuid.UUID | None


class PriorityChanged(AppealEvent, tag="appeal.priority_changed"):
    entry: TimelineEntryView
    old: str
    new: str


class TagsChanged(AppealEvent, tag="appeal.tags_changed"):
    entry: TimelineEntryView
    old: list[str]
    new: list[str]


class Linked(AppealEvent, tag="appeal.linked"):
    entry: TimelineEntryView
    other_id: uuid.UUID
    other_number: str
    kind: str


class Merged(AppealEvent, tag="appeal.merged"):
    """Published for the target; ``appeal`` is the target after the merge."""

    source_id: uuid.UUID
    source_number: str
    moved_entries: int


class DeliveryUpdated(AppealEvent, tag="appeal.delivery_updated"):
    entry_id: int
    delivery_status: str
    error: str | None = None
    note: str | None = None  # what the provider told of the send (an SMS's cost)


APPEAL_EVENTS: tuple[type[Event], ...] = (
    AppealCreated,
    AppealUpdated,
    MessageIn,
    MessageOut,
    MessageUpdated,
    NoteAdded,
    StatusChanged,
    Assigned,
    PriorityChanged,
    TagsChanged,
    Linked,
    Merged,
    DeliveryUpdated,
)
PREVIEW_CHARS = 200


def preview(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"
