"""The audit log: one row per access to personal data; never the data itself."""

from __future__ import annotations

from piccolo.columns import UUID, BigSerial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class AuditEntry(Table, tablename="audit_entry"):
    # A growing integer: newest-first pages and cursors follow it.
    id = BigSerial(primary_key=True)
    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor_id = UUID(null=True, default=None, index=True)  # the operator; null: the system
    token_id = UUID(null=True, default=None)  # the API token used, if any
    action = Varchar(length=100, index=True)  # member.read, member.export, timeline.read, ...
    subject_kind = Varchar(length=50)  # member, appeal, operator, ...
    subject_id = Varchar(length=100, index=True)
    organization_id = UUID(null=True, default=None, index=True)
    client_address = Varchar(length=100, default="")
    request_id = Varchar(length=64, default="")
