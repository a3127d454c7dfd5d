"""Routing events: offers made and closed, appeals moved between queues.

Presence changes are not events (they are frequent and not worth replaying): they travel as
console signals (``presence``), see :mod:`unionline.routing.presence`.
"""

from __future__ import annotations

import uuid

from unionline.events import Event


class Offered(Event, tag="routing.offered"):
    """The appeal is offered to ``operator_id`` until ``expires_at`` (unix time)."""

    appeal_id: uuid.UUID
    offer_id: uuid.UUID
    operator_id: uuid.UUID
    queue_id: uuid.UUID | None
    expires_at: float


class OfferClosed(Event, tag="routing.offer_closed"):
    """An offer ended: ``accepted``, ``declined``, ``expired`` or ``cancelled``."""

    appeal_id: uuid.UUID
    offer_id: uuid.UUID
    operator_id: uuid.UUID
    state: str


class QueueChanged(Event, tag="routing.queue_changed"):
    """The appeal moved to ``queue_id``: ``default`` (it named none), ``transfer`` or
    ``overflow``."""

    appeal_id: uuid.UUID
    old_queue_id: uuid.UUID | None
    queue_id: uuid.UUID
    reason: str


ROUTING_EVENTS: tuple[type[Event], ...] = (Offered, OfferClosed, QueueChanged)
