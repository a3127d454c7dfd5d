"""Dry runs: what a rule would have done on the organization's last N triggers.

Event rules replay the last N events of their type in the organization's subtree; timer and
schedule rules look at the subtree's latest appeals. Conditions are evaluated against the
appeals as they are now (the log does not keep old facts); actions run with
``RobotContext.dry_run`` and describe what they would do. Nothing is written.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from unionline.access import Actor
from unionline.appeals import clock, store
from unionline.appeals.statuses import ACTIVE
from unionline.appeals.store import AppealRow
from unionline.errors import NotFound, ServiceError
from unionline.events import Event
from unionline.organizations.services import subtree_ids
from unionline.robots import engine, facts, rules
from unionline.robots.conditions import evaluate, leaf_results
from unionline.robots.jobs import IN_SUBTREE, TIMER_FIELDS, Due
from unionline.robots.rules import RuleRow
from unionline.robots.schemas import (
    DryRunDefinition,
    DryRunItem,
    DryRunResult,
    EventTrigger,
    RuleDefinition,
    ScheduleTrigger,
    StepRecord,
    TimerTrigger,
)
from unionline.robots.services import MANAGE, _require, _scoped, check_definition
from unionline.rows import IdRow
from unionline.runtime import current


async def dry_run_rule(actor: Actor, rule_id: uuid.UUID, limit: int) -> DryRunResult:
    return await run(await _scoped(actor, MANAGE, rule_id), limit)


async def dry_run_definition(actor: Actor, data: DryRunDefinition) -> DryRunResult:
    await _require(actor, MANAGE, data.organization_id, "organization_id")
    if not await rules.ancestors(data.organization_id):  # an administrator's scope allows any id
        raise NotFound("the organization does not exist", field="organization_id")
    check_definition(data)
    definition = RuleDefinition(
        trigger=data.trigger, conditions=data.conditions, actions=data.actions
    )
    return await run(rules.unsaved(data.organization_id, definition), data.limit)


async def run(rule: RuleRow, limit: int) -> DryRunResult:
    definition = rule.definition
    trigger = definition.trigger
    org = rule.organization_id
    if isinstance(trigger, EventTrigger):
        cases = await _events(trigger, org, limit)
    elif isinstance(trigger, TimerTrigger):
        cases = await _timer_cases(trigger, org, limit)
    else:
        cases = await _schedule_cases(trigger, org, limit)
    items = [await _item(rule, definition, *case) for case in cases]
    return DryRunResult(items=items, considered=len(items), matched=sum(i.matched for i in items))


Case = tuple[str, Event | None, AppealRow | None, datetime | None]


async def _events(trigger: EventTrigger, org: uuid.UUID, limit: int) -> list[Case]:
    ids = sorted(await subtree_ids([org]))
    if not ids:
        return []
    rows = await current().db.fetch(
        "SELECT id FROM system_event WHERE type = {}"
        f" AND organization_id IN ({', '.join('{}' for _ in ids)}) ORDER BY id DESC LIMIT {{}}",
        trigger.event_type,
        *ids,
        limit,
    )
    cases: list[Case] = []
    for row in rows:
        event = await engine.load_event(int(row["id"]))
        if event is None:
            continue
        appeal = await store.find(getattr(event, "appeal_id", None))
        at = datetime.fromtimestamp(event.occurred_at, UTC)
        cases.append((f"event:{event.id}", event, appeal, at))
    return cases


async def _timer_cases(trigger: TimerTrigger, org: uuid.UUID, limit: int) -> list[Case]:
    expr, extra = TIMER_FIELDS[trigger.field]
    statuses = trigger.statuses or list(ACTIVE)
    rows = await current().db.fetch_as(
        Due,
        f"SELECT a.id, {expr} AS v FROM appeal_appeal a{IN_SUBTREE}"
        f" AND a.status IN ({', '.join('{}' for _ in statuses)}) AND {expr} IS NOT NULL{extra}"
        " ORDER BY a.updated_at DESC LIMIT {}",
        str(org),
        *statuses,
        limit,
    )
    cases: list[Case] = []
    for row in rows:
        due = row.v + timedelta(minutes=trigger.offset_minutes)
        appeal = await store.find(row.id)
        cases.append((f"timer:{row.id}:{due.timestamp():.6f}", None, appeal, due))
    return cases


async def _schedule_cases(trigger: ScheduleTrigger, org: uuid.UUID, limit: int) -> list[Case]:
    if not trigger.appeal_statuses:
        return [("schedule", None, None, None)]
    statuses = trigger.appeal_statuses
    rows = await current().db.fetch_as(
        IdRow,
        f"SELECT a.id FROM appeal_appeal a{IN_SUBTREE}"
        f" AND a.status IN ({', '.join('{}' for _ in statuses)})"
        " ORDER BY a.created_at, a.id LIMIT {}",
        str(org),
        *statuses,
        limit,
    )
    return [("schedule", None, await store.find(r.id), None) for r in rows]


async def _item(
    rule: RuleRow,
    definition: RuleDefinition,
    trigger: str,
    event: Event | None,
    appeal: AppealRow | None,
    at: datetime | None,
) -> DryRunItem:
    org = appeal.organization_id if appeal else engine._org(event, rule)
    seen = await facts.gather(appeal, org, event, clock.now())
    matched = evaluate(definition.conditions, seen)
    failed = [r for r in leaf_results(definition.conditions, seen) if not r.passed]
    steps = await _steps(rule, definition, event, appeal) if matched else []
    return DryRunItem(
        trigger=trigger,
        event_type=engine.event_type_name(type(event)) if event is not None else None,
        appeal_id=appeal.id if appeal else None,
        appeal_number=appeal.number if appeal else None,
        at=at,
        matched=matched,
        failed_conditions=failed,
        steps=steps,
    )


async def _steps(
    rule: RuleRow,
    definition: RuleDefinition,
    event: Event | None,
    appeal: AppealRow | None,
) -> list[StepRecord]:
    records = []
    for n, step in enumerate(definition.actions):
        action = current().registry.robots.get(step.action)
        ok = action is not None
        summary = f"действие {step.action} не зарегистрировано"
        data: dict[str, Any] = {}
        stop = False
        if action is not None:
            ctx = engine.context(rule, None, n, event, appeal, dry_run=True)
            try:
                outcome = await action.run(ctx, msgspec.convert(step.params, action.params))
                summary, data, stop = outcome.summary, outcome.data, outcome.stop
            except (ServiceError, msgspec.ValidationError, Exception) as exc:
                ok, summary = False, engine._message(exc)
        records.append(
            StepRecord(
                step=n, action=step.action, ok=ok, summary=summary, at=clock.now(), data=data
            )
        )
        if stop or not ok:
            break
    return records
