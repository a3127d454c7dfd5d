"""Stored rules: reading rows, decoding their definitions, the views the API returns."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec

from unionline.appeals.store import as_uuid, uuid_of
from unionline.robots.config import robots_settings
from unionline.robots.schemas import (
    EventTrigger,
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


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def definition(row: dict[str, Any]) -> RuleDefinition:
    return msgspec.convert(_json(row["definition"]), RuleDefinition)


def encode_definition(rule: RuleDefinition) -> str:
    data = {
        "trigger": rule.trigger,
        "conditions": rule.conditions,
        "actions": rule.actions,
    }
    return msgspec.json.encode(data).decode()


def view(row: dict[str, Any]) -> RuleView:
    rule = definition(row)
    return RuleView(
        id=uuid_of(row["id"]),
        organization_id=uuid_of(row["organization_id"]),
        name=row["name"],
        description=row["description"] or "",
        enabled=bool(row["enabled"]),
        trigger=rule.trigger,
        conditions=rule.conditions,
        actions=rule.actions,
        created_at=stamp(row["created_at"]),
        updated_at=stamp(row["updated_at"]),
        created_by=as_uuid(row["created_by"]),
        last_fired_at=moment(row["last_fired_at"]),
        last_blocked_at=moment(row["last_blocked_at"]),
        loop_limit=robots_settings().loop_limit,
    )


async def load(rule_id: uuid.UUID) -> dict[str, Any] | None:
    return await current().db.fetchone("SELECT * FROM robot_rule WHERE id = {}", rule_id)


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


async def for_event(event_type: str, organization_id: uuid.UUID | None) -> list[dict[str, Any]]:
    """Enabled event rules of ``event_type`` of the organization or any of its ancestors
    (a rule applies to its organization's whole subtree)."""
    path = await ancestors(organization_id)
    if not path:
        return []
    marks = ", ".join("{}" for _ in path)
    return await current().db.fetch(
        "SELECT * FROM robot_rule WHERE enabled = {} AND trigger_kind = 'event'"
        f" AND event_type = {{}} AND organization_id IN ({marks}) ORDER BY created_at, id",
        True,
        event_type,
        *path,
    )


def listens_to_robots(row: dict[str, Any]) -> bool:
    trigger = definition(row).trigger
    return isinstance(trigger, EventTrigger) and trigger.include_robot_events


def execution_view(row: dict[str, Any], rule_name: str) -> ExecutionView:
    steps = msgspec.convert(_json(row["steps"]) or [], list[StepRecord])
    return ExecutionView(
        id=uuid_of(row["id"]),
        rule_id=uuid_of(row["rule_id"]),
        rule_name=rule_name,
        organization_id=uuid_of(row["organization_id"]),
        appeal_id=as_uuid(row["appeal_id"]),
        appeal_number=row.get("appeal_number"),
        trigger=row["trigger"],
        event_type=row["event_type"],
        status=row["status"],
        reason=row["reason"] or "",
        steps=steps,
        created_at=stamp(row["created_at"]),
        finished_at=moment(row["finished_at"]),
    )
