"""Rules: create, change, enable, delete (``robots.manage``), read them and the rules log
(``robots.read``), list the registered actions; every check is scoped by organization."""

from __future__ import annotations

import re
import uuid
from typing import Any

import msgspec

from unionline.access import Actor, scope_for
from unionline.appeals import store
from unionline.errors import Forbidden, Invalid, NotFound
from unionline.events import event_type_name
from unionline.robots import conditions, engine, rules, schedule
from unionline.robots.rules import LoggedExecution, RuleRow
from unionline.robots.schemas import (
    ActionInfo,
    ActionStep,
    EventTrigger,
    ExecutionPage,
    RuleCreate,
    RuleDefinition,
    RuleUpdate,
    RuleView,
    ScheduleTrigger,
    Trigger,
)
from unionline.runtime import current

READ = "robots.read"
MANAGE = "robots.manage"


# -- checking a definition ------------------------------------------------------------------


def check_definition(rule: RuleDefinition) -> None:
    """Raise Invalid (422) naming the field for what the Structs alone cannot check."""
    check_trigger(rule.trigger)
    conditions.check(rule.conditions)
    check_actions(rule.actions)


def check_trigger(trigger: Trigger) -> None:
    if isinstance(trigger, EventTrigger):
        if trigger.event_type not in current().registry.events:
            raise Invalid(
                f"event type {trigger.event_type!r} is not registered",
                field="trigger.event_type",
                extra={"known": sorted(current().registry.events)},
            )
    elif isinstance(trigger, ScheduleTrigger):
        schedule.check(trigger, current().settings.timezone)


def check_actions(steps: list[ActionStep]) -> None:
    registry = current().registry.robots
    for n, step in enumerate(steps):
        action = registry.get(step.action)
        if action is None:
            raise Invalid(
                f"action {step.action!r} is not registered",
                field=f"actions[{n}].action",
                extra={"known": sorted(registry)},
            )
        try:
            msgspec.convert(step.params, action.params)
        except msgspec.ValidationError as exc:
            field = _params_field(str(exc), f"actions[{n}].params")
            raise Invalid(f"{field}: {exc}", field=field) from None


def _params_field(message: str, prefix: str) -> str:
    missing = re.match(r"Object missing required field `([^`]+)`(?: - at `\$\.?([^`]*)`)?", message)
    if missing:
        return ".".join(filter(None, [prefix, missing.group(2), missing.group(1)]))
    if " - at `$" in message:
        path = message.rsplit(" - at `$", 1)[1].rstrip("`")
        return prefix + path
    extra = re.match(r"Object contains unknown field `([^`]+)`", message)
    if extra:
        return f"{prefix}.{extra.group(1)}"
    return prefix


# -- scoping --------------------------------------------------------------------------------


async def _require(actor: Actor, permission: str, organization_id: uuid.UUID, field: str) -> None:
    """403 when the actor sees the organization's rules but may not do this; else 404."""
    if (await scope_for(actor, permission)).allows(organization_id):
        return
    if permission != READ and (await scope_for(actor, READ)).allows(organization_id):
        raise Forbidden(
            f"permission {permission!r} is required here",
            field=field,
            extra={"permission": permission},
        )
    raise NotFound("the organization does not exist", field=field)


async def _scoped(actor: Actor, permission: str, rule_id: uuid.UUID) -> RuleRow:
    row = await rules.load(rule_id)
    if row is None or not (await scope_for(actor, READ)).allows(row.organization_id):
        raise NotFound(f"rule {rule_id} does not exist", field="rule_id")
    if permission != READ:
        await _require(actor, permission, row.organization_id, "rule_id")
    return row


async def _organization_exists(organization_id: uuid.UUID) -> None:
    if not await rules.ancestors(organization_id):
        raise NotFound("the organization does not exist", field="organization_id")


# -- rules ----------------------------------------------------------------------------------


async def list_rules(actor: Actor, organization_id: uuid.UUID | None = None) -> list[RuleView]:
    scope = await scope_for(actor, READ)
    where, args = "1 = 1", []
    ids = scope.ids()
    if ids is not None:
        if not ids:
            return []
        where = f"organization_id IN ({', '.join('{}' for _ in ids)})"
        args = list(ids)
    if organization_id is not None:
        where += " AND organization_id = {}"
        args.append(organization_id)
    rows = await current().db.fetch_as(
        RuleRow, f"SELECT * FROM robot_rule WHERE {where} ORDER BY created_at, id", *args
    )
    return [rules.view(r) for r in rows]


async def get_rule(actor: Actor, rule_id: uuid.UUID) -> RuleView:
    return rules.view(await _scoped(actor, READ, rule_id))


async def create_rule(actor: Actor, data: RuleCreate) -> RuleView:
    await _require(actor, MANAGE, data.organization_id, "organization_id")
    await _organization_exists(data.organization_id)
    check_definition(data)
    db = current().db
    at = engine.now()
    rule_id = uuid.uuid4()
    await db.execute(
        "INSERT INTO robot_rule (id, organization_id, name, description, enabled, trigger_kind,"
        " event_type, definition, created_by, created_at, updated_at, armed_at, checked_until)"
        " VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
        rule_id,
        data.organization_id,
        data.name,
        data.description,
        data.enabled,
        _kind(data.trigger),
        _event_type(data.trigger),
        rules.encode_definition(data),
        actor.operator_id,
        at,
        at,
        at,
        at,
    )
    return await get_rule(actor, rule_id)


def _kind(trigger: Trigger) -> str:
    return str(type(trigger).__struct_config__.tag)


def _event_type(trigger: Trigger) -> str:
    return trigger.event_type if isinstance(trigger, EventTrigger) else ""


async def update_rule(actor: Actor, rule_id: uuid.UUID, data: RuleUpdate) -> RuleView:
    row = await _scoped(actor, MANAGE, rule_id)
    old = row.definition
    new = RuleDefinition(
        trigger=old.trigger if data.trigger is msgspec.UNSET else data.trigger,
        conditions=old.conditions if data.conditions is msgspec.UNSET else data.conditions,
        actions=old.actions if data.actions is msgspec.UNSET else data.actions,
    )
    check_definition(new)
    at = engine.now()
    enabled = row.enabled if data.enabled is msgspec.UNSET else data.enabled
    # Re-armed when switched on or re-triggered: due times from before do not fire now.
    rearm = (enabled and not row.enabled) or new.trigger != old.trigger
    await current().db.execute(
        "UPDATE robot_rule SET name = {}, description = {}, enabled = {}, trigger_kind = {},"
        " event_type = {}, definition = {}, updated_at = {}, armed_at = {}, checked_until = {}"
        " WHERE id = {}",
        row.name if data.name is msgspec.UNSET else data.name,
        row.description if data.description is msgspec.UNSET else data.description,
        enabled,
        _kind(new.trigger),
        _event_type(new.trigger),
        rules.encode_definition(new),
        at,
        at if rearm else row.armed_at,
        at if rearm else row.checked_until,
        rule_id,
    )
    return await get_rule(actor, rule_id)


async def set_enabled(actor: Actor, rule_id: uuid.UUID, enabled: bool) -> RuleView:
    return await update_rule(actor, rule_id, RuleUpdate(enabled=enabled))


async def delete_rule(actor: Actor, rule_id: uuid.UUID) -> None:
    """Delete the rule; its rules log stays (executions name the rule by id), and what it had
    queued or left waiting is stopped."""
    await _scoped(actor, MANAGE, rule_id)
    db = current().db
    async with db.transaction():
        await db.execute("DELETE FROM robot_rule WHERE id = {}", rule_id)
        await db.execute(
            "UPDATE robot_execution SET status = 'stopped', reason = {}, finished_at = {}"
            " WHERE rule_id = {} AND status IN ('queued', 'waiting')",
            "the rule was deleted",
            engine.now(),
            rule_id,
        )


# -- actions --------------------------------------------------------------------------------


async def list_actions(actor: Actor) -> list[ActionInfo]:
    actor.require(READ)
    registry = current().registry
    found = []
    for name, action in sorted(registry.robots.items()):
        found.append(
            ActionInfo(
                name=name,
                title=dict(getattr(action, "title", {}) or {"ru": name, "en": name}),
                plugin=registry.owners.get(("robot action", name), ""),
                params_schema=msgspec.json.schema(action.params),
            )
        )
    return found


def event_types() -> list[str]:
    return sorted(event_type_name(kind) for kind in current().registry.events.values())


# -- the rules log --------------------------------------------------------------------------

PAGE = 50


def _cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    if cursor.startswith("o") and cursor[1:].isdigit():
        return int(cursor[1:])
    raise Invalid("cursor is not one this API returned", field="cursor")


async def _page(
    where: str, args: list[Any], cursor: str | None, limit: int, matched_only: bool
) -> ExecutionPage:
    offset = _cursor(cursor)
    if matched_only:
        where += " AND e.status NOT IN ('not_matched', 'queued')"
    rows = await current().db.fetch_as(
        LoggedExecution,
        "SELECT e.*, r.name AS rule_name, a.number AS appeal_number FROM robot_execution e"
        " LEFT JOIN robot_rule r ON r.id = e.rule_id"
        f" LEFT JOIN appeal_appeal a ON a.id = e.appeal_id WHERE {where}"
        " ORDER BY e.created_at DESC, e.id LIMIT {} OFFSET {}",
        *args,
        limit + 1,
        offset,
    )
    items = [rules.execution_view(r) for r in rows[:limit]]
    more = len(rows) > limit
    return ExecutionPage(items=items, next_cursor=f"o{offset + limit}" if more else None)


async def rule_log(
    actor: Actor, rule_id: uuid.UUID, cursor: str | None, limit: int, everything: bool
) -> ExecutionPage:
    await _scoped(actor, READ, rule_id)
    return await _page("e.rule_id = {}", [rule_id], cursor, limit, not everything)


async def log(
    actor: Actor,
    organization_id: uuid.UUID | None,
    cursor: str | None,
    limit: int,
    everything: bool,
) -> ExecutionPage:
    """The rules log of every rule the actor may read (optionally of one organization)."""
    ids = (await scope_for(actor, READ)).ids()
    where, args = "1 = 1", []
    if ids is not None:
        if not ids:
            return ExecutionPage(items=[], next_cursor=None)
        where = f"e.organization_id IN ({', '.join('{}' for _ in ids)})"
        args = list(ids)
    if organization_id is not None:
        where += " AND e.organization_id = {}"
        args.append(organization_id)
    return await _page(where, args, cursor, limit, not everything)


async def appeal_log(
    actor: Actor, appeal_id: uuid.UUID, cursor: str | None, limit: int
) -> ExecutionPage:
    row = await store.find(appeal_id)
    if row is None or not (await scope_for(actor, READ)).allows(row.organization_id):
        raise NotFound(f"appeal {appeal_id} does not exist", field="appeal_id")
    return await _page("e.appeal_id = {}", [appeal_id], cursor, limit, True)
