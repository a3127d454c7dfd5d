"""Member domain events (``organization_id`` set, so realtime can authorize them)."""

from __future__ import annotations

import uuid

import msgspec

from unionline.events import Event


class MemberCreated(Event, tag="member.created"):
    member_id: uuid.UUID
    provisional: bool = False


class MemberUpdated(Event, tag="member.updated"):
    member_id: uuid.UUID
    fields: list[str] = msgspec.field(default_factory=list)


class MemberMerged(Event, tag="member.merged"):
    """``source_id`` was merged into ``target_id``; ``organization_id`` is the target's."""

    source_id: uuid.UUID
    target_id: uuid.UUID


class MembersImported(Event, tag="member.imported"):
    """A bulk import wrote members (one event per import, not per member; admins only)."""

    created: int = 0
    updated: int = 0


MEMBER_EVENTS: tuple[type[Event], ...] = (
    MemberCreated,
    MemberUpdated,
    MemberMerged,
    MembersImported,
)
