"""Robot rule definitions and API views (msgspec Structs, tagged unions).

A rule is ``trigger → conditions → actions``:

* the **trigger** says when the rule is considered: an event (``EventTrigger``), a schedule
  (``ScheduleTrigger``) or a timer relative to an appeal's field (``TimerTrigger``);
* the **conditions** are a small tree (``all`` / ``any`` / ``not``) of typed leaves, evaluated
  by :func:`unionline.robots.conditions.evaluate` against facts gathered once per execution;
* the **actions** run in order; each names a registered action and carries its parameters,
  validated against the action's ``params`` Struct when the rule is saved.

Every Struct here is ``forbid_unknown_fields``: a misspelled key is a 4xx naming it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from unionline.appeals.statuses import Priority, Status
from unionline.text import Text

Name = Annotated[Text, msgspec.Meta(min_length=1, max_length=200)]
Description = Annotated[Text, msgspec.Meta(max_length=2000)]
DottedName = Annotated[
    str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^[a-z][a-z0-9_.-]*$(?!\n)")
]
ShortText = Annotated[Text, msgspec.Meta(min_length=1, max_length=100)]
Pattern = Annotated[Text, msgspec.Meta(min_length=1, max_length=200)]
TimeZone = Annotated[Text, msgspec.Meta(max_length=64)]


class _Config(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, tag_field="kind"):
    """Base of the tagged Structs of a rule: ``{"kind": "...", ...}``."""


# -- triggers -------------------------------------------------------------------------------


class EventTrigger(_Config, kw_only=True, tag="event"):
    """Fires on every event of ``event_type`` (core or a plugin's) in the rule's organization
    subtree. Events that robots' own actions caused are ignored unless
    ``include_robot_events`` is set (the loop guard still applies then)."""

    event_type: DottedName  # e.g. "appeal.created", "appeal.message_in"
    include_robot_events: bool = False


class ScheduleTrigger(_Config, kw_only=True, tag="schedule"):
    """Fires every ``every_minutes`` minutes, or at the times a ``cron`` line names
    (``"minute hour day-of-month month day-of-week"``), in ``timezone`` (empty: the
    installation's, Moscow by default). With ``appeal_statuses`` it runs once per appeal of the
    organization in those statuses; without, once per slot with no appeal."""

    every_minutes: Annotated[int, msgspec.Meta(ge=1, le=525_600)] | None = None
    cron: Annotated[Text, msgspec.Meta(max_length=100)] | None = None
    timezone: TimeZone = ""
    appeal_statuses: list[Status] = msgspec.field(default_factory=list)


TimerField = Literal[
    "created_at",
    "status_since",
    "first_response_due",
    "resolution_due",
    "last_member_message_at",
    "last_operator_message_at",
]


class TimerTrigger(_Config, kw_only=True, tag="timer"):
    """Fires once when ``field + offset_minutes`` has passed for an appeal in one of
    ``statuses`` (empty: any active status: new, open, waiting). A new value of the field
    (another member message, a new SLA due time) starts a new timer."""

    field: TimerField
    offset_minutes: Annotated[int, msgspec.Meta(ge=-525_600, le=525_600)] = 0
    statuses: list[Status] = msgspec.field(default_factory=list)


Trigger = EventTrigger | ScheduleTrigger | TimerTrigger


# -- conditions -----------------------------------------------------------------------------

SetOp = Literal["in", "not_in"]


class ChannelIs(_Config, kw_only=True, tag="channel"):
    op: SetOp = "in"
    values: Annotated[list[DottedName], msgspec.Meta(min_length=1, max_length=50)]


class OrganizationIs(_Config, kw_only=True, tag="organization"):
    """The appeal's organization is (``subtree``: or lies under) one of ``values``."""

    op: SetOp = "in"
    values: Annotated[list[uuid.UUID], msgspec.Meta(min_length=1, max_length=100)]
    subtree: bool = True


class QueueIs(_Config, kw_only=True, tag="queue"):
    op: SetOp = "in"
    values: Annotated[list[uuid.UUID], msgspec.Meta(min_length=1, max_length=100)]


class StatusIs(_Config, kw_only=True, tag="status"):
    op: SetOp = "in"
    values: Annotated[list[Status], msgspec.Meta(min_length=1)]


class PriorityIs(_Config, kw_only=True, tag="priority"):
    """``in``/``not_in`` the values; ``at_least``/``at_most`` compare with the first value
    (low < normal < high < urgent)."""

    op: Literal["in", "not_in", "at_least", "at_most"] = "in"
    values: Annotated[list[Priority], msgspec.Meta(min_length=1)]


class TagsAre(_Config, kw_only=True, tag="tags"):
    """The appeal has ``any`` / ``all`` / ``none`` of the tags (compared case-insensitively)."""

    op: Literal["any", "all", "none"] = "any"
    values: Annotated[list[ShortText], msgspec.Meta(min_length=1, max_length=50)]


MemberField = Annotated[
    str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^(custom\.)?[a-z][a-z0-9_]*$(?!\n)")
]


class MemberIs(_Config, kw_only=True, tag="member"):
    """A field of the member (``status``, ``employer``, ``position``, ``card_number``,
    ``custom.<name>``, ...) compared as text: ``equals``/``not_equals``/``contains`` use
    ``value``; ``in``/``not_in`` use ``values``; ``is_empty``/``is_set`` use neither."""

    field: MemberField
    op: Literal["equals", "not_equals", "contains", "in", "not_in", "is_empty", "is_set"] = "equals"
    value: Annotated[Text, msgspec.Meta(max_length=500)] = ""
    values: Annotated[
        list[Annotated[Text, msgspec.Meta(max_length=500)]], msgspec.Meta(max_length=100)
    ] = msgspec.field(default_factory=list)


class TextMatches(_Config, kw_only=True, tag="text"):
    """The text of the triggering message (``source="message"``) or the appeal's subject
    ``contains`` a string or ``matches`` a pattern. Patterns are a safe subset of Python's
    ``re`` checked when the rule is saved and matched in linear time (see
    :mod:`unionline.robots.safe_regex`)."""

    op: Literal["contains", "not_contains", "matches", "not_matches"] = "contains"
    value: Pattern
    source: Literal["message", "subject", "any"] = "message"
    case_sensitive: bool = False


class BusinessHours(_Config, kw_only=True, tag="business_hours"):
    """Now is ``within`` / ``outside`` business hours: those of the appeal's queue when it
    keeps them, else the ``[appeals]`` working calendar."""

    op: Literal["within", "outside"] = "within"


Leaf = (
    ChannelIs
    | OrganizationIs
    | QueueIs
    | StatusIs
    | PriorityIs
    | TagsAre
    | MemberIs
    | TextMatches
    | BusinessHours
)

# The tree is kept small on purpose: groups (``all``/``any``) nest two deep and ``not`` wraps a
# leaf or a group, which says everything rules need (De Morgan turns any deeper ``not`` into
# these) and keeps the API schema finite (a recursive one makes OpenAPI tools generate forever).


class NotLeaf(_Config, kw_only=True, tag="not"):
    condition: Leaf


Inner = Leaf | NotLeaf


class AllOfLeaves(_Config, kw_only=True, tag="all"):
    conditions: Annotated[list[Inner], msgspec.Meta(min_length=1, max_length=50)]


class AnyOfLeaves(_Config, kw_only=True, tag="any"):
    conditions: Annotated[list[Inner], msgspec.Meta(min_length=1, max_length=50)]


Middle = Leaf | NotLeaf | AllOfLeaves | AnyOfLeaves


class AllOf(_Config, kw_only=True, tag="all"):
    conditions: Annotated[list[Middle], msgspec.Meta(min_length=1, max_length=50)]


class AnyOf(_Config, kw_only=True, tag="any"):
    conditions: Annotated[list[Middle], msgspec.Meta(min_length=1, max_length=50)]


class NotOf(_Config, kw_only=True, tag="not"):
    condition: Middle


Condition = AllOf | AnyOf | NotOf | Leaf
LEAF_KINDS = (
    "channel",
    "organization",
    "queue",
    "status",
    "priority",
    "tags",
    "member",
    "text",
    "business_hours",
)


# -- actions and the rule -------------------------------------------------------------------


class ActionStep(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One step of a rule: a registered action's name and its parameters."""

    action: DottedName
    params: dict[str, Any] = msgspec.field(default_factory=dict)


Actions = Annotated[list[ActionStep], msgspec.Meta(min_length=1, max_length=20)]


class RuleDefinition(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What a rule does; also the body of a dry run of an unsaved rule."""

    trigger: Trigger
    conditions: Condition | None = None  # None: always
    actions: Actions


class RuleCreate(RuleDefinition, kw_only=True):
    organization_id: uuid.UUID
    name: Name
    description: Description = ""
    enabled: bool = True


class RuleUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Only the fields present change (``conditions: null`` removes the conditions)."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET
    enabled: bool | msgspec.UnsetType = msgspec.UNSET
    trigger: Trigger | msgspec.UnsetType = msgspec.UNSET
    conditions: Condition | msgspec.UnsetType | None = msgspec.UNSET
    actions: Actions | msgspec.UnsetType = msgspec.UNSET


class RuleView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    description: str
    enabled: bool
    trigger: Trigger
    conditions: Condition | None
    actions: list[ActionStep]
    created_at: datetime
    updated_at: datetime
    created_by: uuid.UUID | None
    last_fired_at: datetime | None
    last_blocked_at: datetime | None  # the loop guard last stopped this rule
    loop_limit: int  # executions per appeal per hour before the loop guard stops the rule


# -- the rules log, actions, dry runs -------------------------------------------------------

ExecutionStatus = Literal[
    "queued",  # a timer or schedule came due, or an event fired it: not started yet
    "running",  # steps are being run
    "waiting",  # a step asked to wait: the rest resumes later
    "done",  # every step ran
    "stopped",  # a step ended the rule early
    "failed",  # a step failed; the rest did not run
    "blocked",  # the loop guard stopped it before any step
    "not_matched",  # a timer or schedule came due, the conditions did not hold
]


class StepRecord(msgspec.Struct, kw_only=True):
    step: int
    action: str
    ok: bool
    summary: str
    at: datetime
    data: dict[str, Any] = msgspec.field(default_factory=dict)


class ExecutionView(msgspec.Struct, kw_only=True):
    """One firing of a rule, as the rules log shows it."""

    id: uuid.UUID
    rule_id: uuid.UUID
    rule_name: str
    organization_id: uuid.UUID
    appeal_id: uuid.UUID | None
    appeal_number: str | None = None
    trigger: str  # what fired it: "event:<id>", "timer:...", "schedule:..."
    event_type: str | None
    status: ExecutionStatus
    reason: str  # why blocked / failed / not matched, else ""
    steps: list[StepRecord]
    created_at: datetime
    finished_at: datetime | None


class ExecutionPage(msgspec.Struct, kw_only=True):
    items: list[ExecutionView]
    next_cursor: str | None


class ActionInfo(msgspec.Struct, kw_only=True):
    """A registered action, for the rules editor: its titles and parameters' JSON schema."""

    name: str
    title: dict[str, str]
    plugin: str
    params_schema: dict[str, Any]


class DryRunRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    limit: Annotated[int, msgspec.Meta(ge=1, le=200)] = 20


class DryRunDefinition(RuleDefinition, kw_only=True):
    """A dry run of an unsaved rule."""

    organization_id: uuid.UUID
    limit: Annotated[int, msgspec.Meta(ge=1, le=200)] = 20


class ConditionResult(msgspec.Struct, kw_only=True):
    path: str  # e.g. "conditions.conditions[1]"
    kind: str
    passed: bool


class DryRunItem(msgspec.Struct, kw_only=True):
    """What the rule would have done for one past event (or one appeal, for timers)."""

    trigger: str
    event_type: str | None
    appeal_id: uuid.UUID | None
    appeal_number: str | None
    at: datetime | None
    matched: bool
    failed_conditions: list[ConditionResult]
    steps: list[StepRecord]


class DryRunResult(msgspec.Struct, kw_only=True):
    items: list[DryRunItem]
    considered: int
    matched: int
