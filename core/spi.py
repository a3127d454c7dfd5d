"""Structs passed to decision and pipeline hooks (the plugin-facing service interface)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec


class IdentityClaim(msgspec.Struct, kw_only=True, frozen=True):
    """Someone wrote from a contact point; ``resolve_identity`` says which member it is."""

    kind: str  # phone, email, telegram, vk, web
    address: str  # normalized (E.164 phone, lower-case e-mail domain, provider id)
    organization_id: uuid.UUID  # the organization whose channel account received the message
    channel: str = ""
    display_name: str = ""
    verified: bool = False  # the channel proved the address (e.g. a widget's HMAC identity)
    profile: dict[str, Any] = msgspec.field(default_factory=dict)


class RoutingCandidate(msgspec.Struct, kw_only=True, frozen=True):
    operator_id: uuid.UUID
    open_appeals: int
    capacity: int
    skills: tuple[str, ...] = ()
    last_assigned_at: float = 0.0
    handled_member_before: bool = False


class RoutingRequest(msgspec.Struct, kw_only=True, frozen=True):
    appeal_id: uuid.UUID
    organization_id: uuid.UUID
    queue_id: uuid.UUID | None
    strategy: str
    required_skills: tuple[str, ...] = ()
    member_id: uuid.UUID | None = None
    candidates: tuple[RoutingCandidate, ...] = ()


class RoutingDecision(msgspec.Struct, kw_only=True, frozen=True):
    """Offer the appeal to ``operator_id``, or leave it in the shared pool (``pool=True``)."""

    operator_id: uuid.UUID | None = None
    pool: bool = False
    reason: str = ""


class RoutingHold(msgspec.Struct, kw_only=True, frozen=True):
    """Why an online operator gets no appeals for now (a ``routing_holds`` answer).

    ``reason`` is namespaced (``timekeeping.break``). ``gone`` counts the operator as gone for
    the day: their unanswered appeals in queues with ``requeue_when_offline`` are handed back,
    as when they go offline."""

    reason: str
    gone: bool = False


class OutboundDraft(msgspec.Struct, kw_only=True):
    appeal_id: uuid.UUID
    channel: str
    text: str
    attachments: list[str] = msgspec.field(default_factory=list)
    author_id: uuid.UUID | None = None
    automatic: bool = False


class AppealSummary(msgspec.Struct, kw_only=True):
    """What an event carries about its appeal: enough to draw a list row. Handed to
    ``claim_member_reply`` too, so it lives here rather than in the appeals package (the hook
    contract names no domain module). ``status`` is one of
    ``unionline.appeals.statuses.STATUSES``, ``priority`` one of ``PRIORITIES`` there."""

    id: uuid.UUID
    number: str
    organization_id: uuid.UUID
    member_id: uuid.UUID
    subject: str
    channel: str
    queue_id: uuid.UUID | None
    assignee_id: uuid.UUID | None
    priority: str
    status: str
    tags: list[str]
    first_response_due: datetime | None
    resolution_due: datetime | None
    updated_at: datetime
    # Answered already: the first-response deadline no longer applies (the console's SLA).
    first_responded_at: datetime | None = None
