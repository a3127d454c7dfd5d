"""The survey of one appeal: who handled it, the question, the member's and the supervisor's
ratings. One row per appeal (``appeal_id`` is unique); cross-domain ids are plain UUIDs."""

from __future__ import annotations

from piccolo.columns import UUID, BigInt, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class Survey(Table, tablename="satisfaction_survey"):
    id = UUID(primary_key=True, default=UUID4())
    appeal_id = UUID(unique=True)
    organization_id = UUID(index=True)
    member_id = UUID(index=True)
    operator_id = UUID(null=True, default=None, index=True)  # who held the appeal when resolved
    resolved_at = Timestamptz(index=True)  # the report's period is over this
    asked_at = Timestamptz(null=True, default=None)  # the question went out (None: not asked)
    expires_at = Timestamptz(null=True, default=None)  # a rating counts until then
    question_key = Varchar(length=200, default="")  # the robot step that asked
    question_entry_id = BigInt(null=True, default=None)
    member_rating = Integer(null=True, default=None)
    member_rated_at = Timestamptz(null=True, default=None)
    member_entry_id = BigInt(null=True, default=None)
    supervisor_rating = Integer(null=True, default=None)
    supervisor_id = UUID(null=True, default=None)
    supervisor_comment = Text(default="")
    supervisor_rated_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
