"""Appeal tables: the appeal, its number counter, links, tags and the timeline.

Cross-domain references (organization, member, operator, queue, channel account) are plain
UUID columns; the services check integrity. Composite unique indexes and full-text indexes
live in the second (raw SQL) migration: piccolo cannot declare them.
"""

from __future__ import annotations

from piccolo.columns import JSON, UUID, BigSerial, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class Appeal(Table, tablename="appeal_appeal"):
    id = UUID(primary_key=True, default=UUID4())
    number = Varchar(length=60, unique=True)  # "{ORG}-{YYYY}-{seq}", gap-free per org and year
    organization_id = UUID(index=True)
    year = Integer()
    seq = Integer()
    member_id = UUID(index=True)
    subject = Varchar(length=500, default="")
    channel = Varchar(length=50, default="", index=True)  # channel of origin
    channel_account_id = UUID(null=True, default=None, index=True)
    queue_id = UUID(null=True, default=None, index=True)
    assignee_id = UUID(null=True, default=None, index=True)
    priority = Varchar(length=10, default="normal")
    status = Varchar(length=10, default="new", index=True)
    tags = JSON(default=[])  # the truth; appeal_tag mirrors it for filtering
    custom = JSON(default={})
    first_response_due = Timestamptz(null=True, default=None)
    resolution_due = Timestamptz(null=True, default=None)
    first_responded_at = Timestamptz(null=True, default=None)
    resolved_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    updated_at = Timestamptz(default=TimestamptzNow())
    last_member_message_at = Timestamptz(null=True, default=None)
    merged_into_id = UUID(null=True, default=None)


class AppealCounter(Table, tablename="appeal_counter"):
    """The last number handed out per organization and year; UNIQUE(organization_id, year)."""

    organization_id = UUID()
    year = Integer()
    last_seq = Integer(default=0)


class AppealTag(Table, tablename="appeal_tag"):
    """One row per tag of an appeal, so lists can filter by tag on both engines."""

    id = UUID(primary_key=True, default=UUID4())
    appeal_id = UUID(index=True)
    tag = Varchar(length=100, index=True)


class AppealLink(Table, tablename="appeal_link"):
    """``appeal_id`` → ``other_id``: related (either way), reopened_from, merged_into."""

    id = UUID(primary_key=True, default=UUID4())
    appeal_id = UUID(index=True)
    other_id = UUID(index=True)
    kind = Varchar(length=20)
    author_id = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class TimelineEntry(Table, tablename="appeal_timeline"):
    """One thing that happened to an appeal; ``id`` gives the order."""

    id = BigSerial(primary_key=True)
    appeal_id = UUID(index=True)
    member_id = UUID(index=True)
    kind = Varchar(length=30)
    author_id = UUID(null=True, default=None)  # operator; None: the member or the system
    body = Text(default="")
    data = JSON(default={})  # channel, attachments, old/new values, ...
    channel = Varchar(length=50, default="")
    channel_account_id = UUID(null=True, default=None)
    # UNIQUE(channel_account_id, kind, external_id): a redelivered message is stored once.
    external_id = Varchar(length=255, null=True, default=None)
    delivery_status = Varchar(length=16, null=True, default=None)  # outbound only
    merged_from_id = UUID(null=True, default=None)  # set when a merge moved the entry here
    created_at = Timestamptz(default=TimestamptzNow())
