"""Routing tables: queues, operator presence and console connections, offers, queue waits.

Cross-domain references (organization, operator, appeal) are plain UUID columns, as in the
appeals tables; the services check integrity. Times are unix seconds (floats) so that both
engines compare them the same way.
"""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    UUID,
    BigSerial,
    Boolean,
    DoublePrecision,
    Integer,
    Varchar,
)
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class Queue(Table, tablename="routing_queue"):
    """Where appeals of an organization wait for an operator; names are unique per organization."""

    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)
    name = Varchar(length=200)
    topic = Varchar(length=200, default="")
    skills = JSON(default=[])  # skills an operator needs (the ``skills`` strategy matches them)
    priority = Integer(default=0)  # higher first when several queues have waiting appeals
    strategy = Varchar(length=50, default="least_busy")
    is_default = Boolean(default=False)  # takes the organization's appeals that name no queue
    # Business hours: without them the queue is always open.
    business_hours = Boolean(default=False)
    timezone = Varchar(length=64, default="Europe/Moscow")
    work_start = Varchar(length=5, default="09:00")
    work_end = Varchar(length=5, default="18:00")
    workdays = JSON(default=[1, 2, 3, 4, 5])  # ISO weekdays
    holidays = JSON(default=[])  # ISO dates
    offer_timeout = Integer(default=0)  # seconds an offer waits for acceptance; 0: assign at once
    overflow_queue_id = UUID(null=True, default=None)
    overflow_after_minutes = Integer(default=0)  # 0: never overflow
    # An operator going offline hands back their appeals of this queue not yet answered.
    requeue_when_offline = Boolean(default=False)
    created_at = DoublePrecision(default=0.0)
    updated_at = DoublePrecision(default=0.0)


class Presence(Table, tablename="routing_presence"):
    """An operator's availability; ``status`` is what routing uses (online/away/offline)."""

    operator_id = UUID(primary_key=True)
    status = Varchar(length=10, default="offline")
    chosen = Varchar(length=10, default="online")  # what the operator picked: online or away
    idle = Boolean(default=False)  # the console reported the operator idle (auto-away)
    changed_at = DoublePrecision(default=0.0)
    last_assigned_at = DoublePrecision(default=0.0)  # for round robin


class Connection(Table, tablename="routing_connection"):
    """One open console socket; ``seen_at`` is refreshed while it lives, so a crashed process's
    sockets expire instead of keeping their operators online forever."""

    id = Varchar(length=64, primary_key=True)
    operator_id = UUID(index=True)
    process = Varchar(length=200, default="", index=True)
    opened_at = DoublePrecision(default=0.0)
    seen_at = DoublePrecision(default=0.0, index=True)


class Offer(Table, tablename="routing_offer"):
    """An appeal offered to one operator until ``expires_at``; ``round`` counts passes through
    the candidates, so each operator gets one offer per round."""

    id = UUID(primary_key=True, default=UUID4())
    appeal_id = UUID(index=True)
    operator_id = UUID(index=True)
    queue_id = UUID(null=True, default=None)
    round = Integer(default=1)
    state = Varchar(length=10, default="pending", index=True)  # accepted declined expired cancelled
    offered_at = DoublePrecision(default=0.0)
    expires_at = DoublePrecision(default=0.0)
    closed_at = DoublePrecision(null=True, default=None)


class QueueEntry(Table, tablename="routing_queue_entry"):
    """One wait of an appeal in a queue, from queued to assigned (or left), for waiting times."""

    id = BigSerial(primary_key=True)
    appeal_id = UUID(index=True)
    organization_id = UUID(index=True)
    queue_id = UUID(index=True)
    queued_at = DoublePrecision(default=0.0)
    assigned_at = DoublePrecision(null=True, default=None)
    left_at = DoublePrecision(null=True, default=None)  # assigned, moved, resolved or closed
    assignee_id = UUID(null=True, default=None)
