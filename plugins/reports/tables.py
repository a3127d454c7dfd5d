"""The reports' tables: each appeal's contributions to the rollup, the daily rollup itself
(day × organization × operator × channel), the rollup by queue, tag and hour, who holds each
active appeal now (and its queue and tags as counted), the rollup's
catch-up mark, and the scheduled reports with their deliveries. Cross-domain ids are plain
UUIDs; the composite unique keys are in the second (raw SQL) migration."""

from __future__ import annotations

from piccolo.columns import JSON, UUID, BigInt, BigSerial, Boolean, Integer, Text, Varchar
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class Contribution(Table, tablename="reports_contribution"):
    """What one appeal adds to one rollup cell (the drill-down reads the appeals from here)."""

    id = BigSerial(primary_key=True)
    appeal_id = UUID(index=True)
    day = Integer()  # YYYYMMDD in the organization's time zone
    organization_id = UUID()
    operator_id = UUID()  # 00000000-…: no operator
    channel = Varchar(length=50)
    hour = Integer(default=24)  # local hour 0–23; 24: time held and backlog moves (no hour)
    received = BigInt(default=0)
    reopened = BigInt(default=0)
    first_responses = BigInt(default=0)
    frt_seconds = BigInt(default=0)
    frt_business_seconds = BigInt(default=0)
    frt_sla_met = BigInt(default=0)
    frt_sla_breached = BigInt(default=0)
    resolved = BigInt(default=0)
    resolution_seconds = BigInt(default=0)
    resolution_business_seconds = BigInt(default=0)
    resolution_sla_met = BigInt(default=0)
    resolution_sla_breached = BigInt(default=0)
    transfers = BigInt(default=0)
    replies = BigInt(default=0)
    messages_in = BigInt(default=0)
    backlog_delta = BigInt(default=0)
    held_seconds = BigInt(default=0)


class Daily(Table, tablename="reports_daily"):
    """The rollup: sums of the contributions per day × organization × operator × channel."""

    id = BigSerial(primary_key=True)
    day = Integer()
    organization_id = UUID()
    operator_id = UUID()
    channel = Varchar(length=50)
    received = BigInt(default=0)
    reopened = BigInt(default=0)
    first_responses = BigInt(default=0)
    frt_seconds = BigInt(default=0)
    frt_business_seconds = BigInt(default=0)
    frt_sla_met = BigInt(default=0)
    frt_sla_breached = BigInt(default=0)
    resolved = BigInt(default=0)
    resolution_seconds = BigInt(default=0)
    resolution_business_seconds = BigInt(default=0)
    resolution_sla_met = BigInt(default=0)
    resolution_sla_breached = BigInt(default=0)
    transfers = BigInt(default=0)
    replies = BigInt(default=0)
    messages_in = BigInt(default=0)
    backlog_delta = BigInt(default=0)
    held_seconds = BigInt(default=0)


class AppealState(Table, tablename="reports_appeal"):
    """One row per appeal counted: the lock an update takes, and who holds it now."""

    appeal_id = UUID(primary_key=True)
    organization_id = UUID(index=True)
    held_by = UUID(null=True, default=None, index=True)
    held_since = Timestamptz(null=True, default=None)
    queue = Varchar(length=36, default="")  # the queue it is counted under ("" none)
    refreshed_at = Timestamptz(default=TimestamptzNow())


class Tag(Table, tablename="reports_tag"):
    """The tags each appeal is counted under (an appeal counts under every one of its tags)."""

    id = BigSerial(primary_key=True)
    appeal_id = UUID(index=True)
    tag = Varchar(length=100)


class Slice(Table, tablename="reports_slice"):
    """The rollup by queue, tag and hour of day: UNIQUE(organization_id, day, dim, value)."""

    id = BigSerial(primary_key=True)
    day = Integer()
    organization_id = UUID()
    dim = Varchar(length=10)  # queue, tag, hour
    value = Varchar(length=100)  # a queue id, a tag, an hour "0"–"23"; "" none
    received = BigInt(default=0)
    reopened = BigInt(default=0)
    first_responses = BigInt(default=0)
    frt_seconds = BigInt(default=0)
    frt_business_seconds = BigInt(default=0)
    frt_sla_met = BigInt(default=0)
    frt_sla_breached = BigInt(default=0)
    resolved = BigInt(default=0)
    resolution_seconds = BigInt(default=0)
    resolution_business_seconds = BigInt(default=0)
    resolution_sla_met = BigInt(default=0)
    resolution_sla_breached = BigInt(default=0)
    transfers = BigInt(default=0)
    replies = BigInt(default=0)
    messages_in = BigInt(default=0)
    backlog_delta = BigInt(default=0)
    held_seconds = BigInt(default=0)


class Mark(Table, tablename="reports_mark"):
    """The catch-up pass's position (appeals changed since it are counted again)."""

    name = Varchar(length=50, primary_key=True)
    at = Timestamptz(default=TimestamptzNow())


class Schedule(Table, tablename="reports_schedule"):
    """A report e-mailed on a recurrence (RRULE in the organization's time zone)."""

    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)
    name = Varchar(length=200)
    rrule = Text()  # e.g. FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0
    period = Varchar(length=10, default="week")  # day, week or month: the one before the send
    format = Varchar(length=10, default="xlsx")  # xlsx or csv
    group_by = Varchar(length=20, default="organization")  # the breakdown of the attachment
    recipients = JSON(default=[])  # operator ids
    active = Boolean(default=True)
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Delivery(Table, tablename="reports_delivery"):
    """One e-mail of one period to one recipient: UNIQUE(schedule_id, period_start, recipient)."""

    id = UUID(primary_key=True, default=UUID4())
    schedule_id = UUID(index=True)
    period_start = Varchar(length=10)  # YYYY-MM-DD
    recipient_id = UUID()
    status = Varchar(length=10, default="sending")  # sending, sent
    rows = Integer(default=0)
    sent_at = Timestamptz(null=True, default=None)
