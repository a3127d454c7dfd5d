"""Event log and outbox: the database is the source of truth for events and deferred work."""

from __future__ import annotations

from piccolo.columns import UUID as UUIDColumn
from piccolo.columns import BigInt, BigSerial, DoublePrecision, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class EventRecord(Table, tablename="system_event"):
    """One published domain event. ``position`` is assigned after commit, in commit order."""

    id = BigSerial(primary_key=True)
    position = BigInt(null=True, default=None, unique=True, index=True)
    type = Varchar(length=100)
    organization_id = UUIDColumn(null=True, default=None, index=True)
    payload = Text()
    created_at = Timestamptz(default=TimestamptzNow())


class JobRecord(Table, tablename="system_job"):
    """A unit of deferred work. Times are unix seconds so both engines compare them exactly."""

    id = BigSerial(primary_key=True)
    name = Varchar(length=100)
    payload = Text(default="null")
    idempotency_key = Varchar(length=200, null=True, default=None, unique=True)
    status = Varchar(length=16, default="pending", index=True)  # pending running done dead
    attempts = Integer(default=0)
    max_attempts = Integer(default=8)
    run_at = DoublePrecision(default=0.0, index=True)
    locked_until = DoublePrecision(null=True, default=None)
    locked_by = Varchar(length=100, null=True, default=None)
    last_error = Text(null=True, default=None)
    created_at = DoublePrecision(default=0.0)
    finished_at = DoublePrecision(null=True, default=None)
