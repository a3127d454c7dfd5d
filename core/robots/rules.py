"""Stored rules: reading rows, decoding their definitions, the views the API returns."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import msgspec

from unionline.robots.config import robots_settings
from unionline.robots.schemas import (
    EventTrigger,
    ExecutionStatus,
    ExecutionView,
    RuleDefinition,
    RuleView,
    StepRecord,
)
from unionline.runtime import current


def moment(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(float(value), UTC)


def stamp(value: float) -> datetime:
    """A NOT NULL time column (unix seconds) as a datetime."""
    return datetime.fromtimestamp(float(value), UTC)


class RuleRow(msgspec.Struct, frozen=True, kw_only=True):
    """One row of ``robot_rule``, its definition decoded. Times are unix seconds."""

    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    description: str
    enabled: bool
    trigger_kind: str
    event_type: str
    definition: RuleDefinition
    created_by: uuid.UUID | None
    created_at: float
    updated_at: float
    armed_at: float
    checked_until: float
    last_fired_at: float | None
    last_blocked_at: float | None


class ExecutionRow(msgspec.Struct, frozen=True, kw_only=True):
    """One row of ``robot_execution`` (one firing of a rule), its steps decoded."""

    id: uuid.UUID
    key: str
    rule_id: uuid.UUID
    organization_id: uuid.UUID
    appeal_id: uuid.UUID | None
    trigger: str
    event_id: int | None
    event_type: str | None
    status: ExecutionStatus
    reason: str
    steps: list[StepRecord]
    next_step: int
    created_at: float
    finished_at: float | None


class LoggedExecution(ExecutionRow, frozen=True, kw_only=True):
    """An execution with its rule's name and its appeal's number (the rules log's join)."""

    rule_name: str | None = None
    appeal_number: str | None = None


def unsaved(organization_id: uuid.UUID, definition: RuleDefinition) -> RuleRow:
    """A rule not stored (a dry run of a definition): a new id, no name, never fired."""
    return RuleRow(
        id=uuid.uuid4(),
        organization_id=organization_id,
        name="",
        description="",
        enabled=True,
        trigger_kind="",
        event_type="",
        definition=definition,
        created_by=None,
        created_at=0.0,
        updated_at=0.0,
        armed_at=0.0,
        checked_until=0.0,
        last_fired_at=None,
        last_blocked_at=None,
    )


def encode_definition(rule: RuleDefinition) -> str:
    data = {
        "trigger": rule.trigger,
        "conditions": rule.conditions,
        "actions": rule.actions,
    }
    return msgspec.json.encode(data).decode()


def view(row: RuleRow) -> RuleView:
    rule = row.definition
    return RuleView(
        id=row.id,
        organization_id=row.organization_id,
        name=row.name,
        description=row.description,
        enabled=row.enabled,
        trigger=rule.trigger,
        conditions=rule.conditions,
        actions=rule.actions,
        created_at=stamp(row.created_at),
        updated_at=stamp(row.updated_at),
        created_by=row.created_by,
        last_fired_at=moment(row.last_fired_at),
        last_blocked_at=moment(row.last_blocked_at),
        loop_limit=robots_settings().loop_limit,
    )


async def load(rule_id: uuid.UUID) -> RuleRow | None:
    return await current().db.fetch_one_as(
        RuleRow, "SELECT * FROM robot_rule WHERE id = {}", rule_id
    )


async def ancestors(organization_id: uuid.UUID | None) -> list[uuid.UUID]:
    """The organization's path from the root down to itself (empty when unknown)."""
    if organization_id is None:
        return []
    row = await current().db.fetchone(
        "SELECT path FROM organization_organization WHERE id = {}", organization_id
    )
    if row is None:
        return []
    return [uuid.UUID(p) for p in row["path"].strip("/").split("/")]


async def for_event(event_type: str, organization_id: uuid.UUID | None) -> list[RuleRow]:
    """Enabled event rules of ``event_type`` of the organization or any of its ancestors
    (a rule applies to its organization's whole subtree)."""
    path = await ancestors(organization_id)
    if not path:
        return []
    marks = ", ".join("{}" for _ in path)
    return await current().db.fetch_as(
        RuleRow,
        "SELECT * FROM robot_rule WHERE enabled = {} AND trigger_kind = 'event'"
        f" AND event_type = {{}} AND organization_id IN ({marks}) ORDER BY created_at, id",
        True,
        event_type,
        *path,
    )


def listens_to_robots(row: RuleRow) -> bool:
    trigger = row.definition.trigger
    return isinstance(trigger, EventTrigger) and trigger.include_robot_events


def execution_view(row: LoggedExecution) -> ExecutionView:
    return ExecutionView(
        id=row.id,
        rule_id=row.rule_id,
        rule_name=row.rule_name or "",
        organization_id=row.organization_id,
        appeal_id=row.appeal_id,
        appeal_number=row.appeal_number,
        trigger=row.trigger,
        event_type=row.event_type,
        status=row.status,
        reason=row.reason,
        steps=row.steps,
        created_at=stamp(row.created_at),
        finished_at=moment(row.finished_at),
    )
