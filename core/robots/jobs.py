"""Robots' jobs: firing a rule, resuming after a wait, and the sweep of timers and schedules.

The sweep looks, for each enabled timer or schedule rule, at the due times between the last
moment it checked (``robot_rule.checked_until``, or when the rule was armed) and now. Each due
(rule, appeal, time) becomes a queued row in the rules log and a ``robots.fire`` job in one
transaction, keyed so that it exists once: a timer that came due while nothing ran fires once
when the sweep runs again after the restart, and never twice.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

import msgspec

from unionline.appeals.statuses import ACTIVE
from unionline.jobs import JobContext
from unionline.jobs.periodic import PeriodicJob
from unionline.registry import JobsRegistrar
from unionline.robots import engine
from unionline.robots.config import robots_settings
from unionline.robots.engine import Fire, Resume
from unionline.robots.rules import RuleRow
from unionline.robots.schedule import latest_slot
from unionline.robots.schemas import ScheduleTrigger, TimerTrigger
from unionline.rows import IdRow
from unionline.runtime import current

log = logging.getLogger("unionline.robots")
# Timers are swept up to this many seconds ago: an appeal's time is stamped before its
# transaction commits, so a sweep must not pass a moment a slow commit may still fill in.
COMMIT_LAG = 10.0

# Each timer field as SQL over ``appeal_appeal a``; the extra condition ends the timer once
# what it waits for has happened (the first response was given, the appeal was resolved).
TIMER_FIELDS: dict[str, tuple[str, str]] = {
    "created_at": ("a.created_at", ""),
    "first_response_due": ("a.first_response_due", " AND a.first_responded_at IS NULL"),
    "resolution_due": ("a.resolution_due", " AND a.resolved_at IS NULL"),
    "last_member_message_at": ("a.last_member_message_at", ""),
    "status_since": (
        "COALESCE((SELECT MAX(t.created_at) FROM appeal_timeline t WHERE t.appeal_id = a.id"
        " AND t.kind = 'status_changed'), a.created_at)",
        "",
    ),
    "last_operator_message_at": (
        "(SELECT MAX(t.created_at) FROM appeal_timeline t WHERE t.appeal_id = a.id"
        " AND t.kind = 'message_out')",
        "",
    ),
}


class Due(msgspec.Struct):
    """An appeal and the time a timer field reads on it (``SELECT a.id, … AS v``)."""

    id: uuid.UUID
    v: datetime


class _Appeal(msgspec.Struct):
    id: uuid.UUID
    organization_id: uuid.UUID


class _DueIn(Due):
    organization_id: uuid.UUID


IN_SUBTREE = (
    " JOIN organization_organization g ON g.id = a.organization_id"
    " WHERE g.path LIKE '%/' || {} || '/%' AND a.merged_into_id IS NULL"
)


async def fire_job(ctx: JobContext, payload: Fire) -> None:
    await engine.fire(payload, last_attempt=ctx.attempt >= ctx.max_attempts)


async def resume_job(ctx: JobContext, payload: Resume) -> None:
    await engine.resume(payload, last_attempt=ctx.attempt >= ctx.max_attempts)


def register(register: JobsRegistrar) -> None:
    register(engine.FIRE_JOB, fire_job, payload=Fire)
    register(engine.RESUME_JOB, resume_job, payload=Resume)
    SWEEP.register(register)


# -- the sweep ------------------------------------------------------------------------------


async def sweep(at: float | None = None) -> int:
    """Queue every timer and schedule firing due by ``at``; returns how many were queued."""
    at = engine.now() if at is None else at
    rows = await current().db.fetch_as(
        IdRow,
        "SELECT id FROM robot_rule WHERE enabled = {} AND trigger_kind IN ('timer', 'schedule')"
        " ORDER BY created_at",
        True,
    )
    queued = 0
    for row in rows:
        try:
            queued += await sweep_rule(row.id, at)
        except Exception:
            log.exception("robots sweep: rule %s failed", row.id)
    await purge_log(at)
    return queued


# One sweep per ``sweep_seconds`` slot, whichever processes schedule it; at startup one runs at
# once (``SWEEP.schedule(now=True)``) so what came due while nothing ran fires without waiting a
# period (sweeping twice is harmless).
SWEEP = PeriodicJob("robots.sweep", sweep, every=lambda: robots_settings().sweep_seconds)


async def purge_log(at: float) -> None:
    """Forget finished executions past ``log_retention_days``. Timers stay fired: the sweep
    never looks before a rule's ``checked_until`` again, whatever the log still holds."""
    days = robots_settings().log_retention_days
    await current().db.execute(
        "DELETE FROM robot_execution WHERE created_at < {}"
        " AND status NOT IN ('queued', 'running', 'waiting')",
        at - days * 86400,
    )


async def sweep_rule(rule_id: uuid.UUID, at: float) -> int:
    db = current().db
    async with db.transaction():
        lock = " FOR UPDATE" if db.is_postgres else ""
        rule = await db.fetch_one_as(
            RuleRow, f"SELECT * FROM robot_rule WHERE id = {{}}{lock}", rule_id
        )
        if rule is None or not rule.enabled:
            return 0
        since = max(rule.armed_at, rule.checked_until)
        if at <= since:
            return 0
        trigger = rule.definition.trigger
        if isinstance(trigger, TimerTrigger):
            if at - COMMIT_LAG <= since:
                return 0
            queued, checked = await _timers(rule, trigger, since, at - COMMIT_LAG)
        elif isinstance(trigger, ScheduleTrigger):
            queued, checked = await _schedule(rule, trigger, since, at), at
        else:
            return 0
        await db.execute("UPDATE robot_rule SET checked_until = {} WHERE id = {}", checked, rule_id)
    return queued


async def _timers(
    rule: RuleRow, trigger: TimerTrigger, since: float, at: float
) -> tuple[int, float]:
    """Queue the appeals whose ``field + offset`` falls in ``[since, at]``."""
    expr, extra = TIMER_FIELDS[trigger.field]
    offset = trigger.offset_minutes * 60
    statuses = trigger.statuses or list(ACTIVE)
    batch = robots_settings().schedule_batch
    rows = await current().db.fetch_as(
        _DueIn,
        f"SELECT a.id, a.organization_id, {expr} AS v FROM appeal_appeal a{IN_SUBTREE}"
        f" AND a.status IN ({', '.join('{}' for _ in statuses)})"
        f" AND {expr} >= {{}} AND {expr} <= {{}}{extra} ORDER BY v LIMIT {{}}",
        str(rule.organization_id),
        *statuses,
        _moment(since - offset),
        _moment(at - offset),
        batch,
    )
    queued = 0
    checked = at
    for row in rows:
        due = row.v.timestamp() + offset
        fire = Fire(rule_id=rule.id, trigger=f"timer:{row.id}:{due:.6f}", appeal_id=row.id)
        queued += await engine.queue_firing(fire.rule_id, row.organization_id, fire)
        checked = due
    if len(rows) < batch:
        checked = at  # everything due in the window was seen
    return queued, checked


async def _schedule(rule: RuleRow, trigger: ScheduleTrigger, since: float, at: float) -> int:
    settings = robots_settings()
    floor = max(since, at - settings.schedule_catch_up_minutes * 60)
    slot = latest_slot(trigger, floor, at, current().settings.timezone)
    if slot is None:
        return 0
    rule_id, org = rule.id, rule.organization_id
    if not trigger.appeal_statuses:
        fire = Fire(rule_id=rule_id, trigger=f"schedule:{int(slot)}")
        return int(await engine.queue_firing(rule_id, org, fire))
    statuses = trigger.appeal_statuses
    rows = await current().db.fetch_as(
        _Appeal,
        f"SELECT a.id, a.organization_id FROM appeal_appeal a{IN_SUBTREE}"
        f" AND a.status IN ({', '.join('{}' for _ in statuses)})"
        " ORDER BY a.created_at, a.id LIMIT {}",
        str(org),
        *statuses,
        settings.schedule_batch,
    )
    queued = 0
    for row in rows:
        fire = Fire(rule_id=rule_id, trigger=f"schedule:{int(slot)}:{row.id}", appeal_id=row.id)
        queued += await engine.queue_firing(rule_id, row.organization_id, fire)
    return queued


def _moment(at: float) -> datetime:
    return datetime.fromtimestamp(at, UTC)
