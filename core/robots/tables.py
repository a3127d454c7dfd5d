"""Robot tables: the rules, and the rules log (one row per firing of a rule).

Times are unix seconds (floats), as in routing, so both engines compare them the same way.
``robot_execution.key`` is ``"<rule id>:<trigger>"`` and unique: a trigger fires a rule once,
however often its event is redelivered or its timer is swept.
"""

from __future__ import annotations

from piccolo.columns import JSON, UUID, BigInt, Boolean, DoublePrecision, Integer, Text, Varchar
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class Rule(Table, tablename="robot_rule"):
    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)  # the rule applies to this organization's subtree
    name = Varchar(length=200)
    description = Text(default="")
    enabled = Boolean(default=True, index=True)
    trigger_kind = Varchar(length=20, index=True)  # event, schedule, timer
    event_type = Varchar(length=100, default="", index=True)  # for event triggers
    definition = JSON(default={})  # {"trigger": ..., "conditions": ..., "actions": [...]}
    created_by = UUID(null=True, default=None)
    created_at = DoublePrecision(default=0.0)
    updated_at = DoublePrecision(default=0.0)
    # Timers and schedules consider due times after ``armed_at`` (enabled or re-triggered)
    # and before ``checked_until`` were already swept: each due time is looked at once.
    armed_at = DoublePrecision(default=0.0)
    checked_until = DoublePrecision(default=0.0)
    last_fired_at = DoublePrecision(null=True, default=None)
    last_blocked_at = DoublePrecision(null=True, default=None)  # the loop guard stopped it


class Execution(Table, tablename="robot_execution"):
    id = UUID(primary_key=True, default=UUID4())
    key = Varchar(length=300, unique=True)  # "<rule id>:<trigger>"
    rule_id = UUID(index=True)
    organization_id = UUID(index=True)
    appeal_id = UUID(null=True, default=None, index=True)
    trigger = Varchar(length=250)  # "event:<id>", "timer:<appeal>:<due>", "schedule:<slot>"
    event_id = BigInt(null=True, default=None)
    event_type = Varchar(length=100, null=True, default=None)
    status = Varchar(length=20, default="queued", index=True)
    reason = Text(default="")
    steps = JSON(default=[])
    next_step = Integer(default=0)
    created_at = DoublePrecision(default=0.0, index=True)
    finished_at = DoublePrecision(null=True, default=None)
