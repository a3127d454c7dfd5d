"""The robots engine: events and timers fire rules; a rule's actions run in order from jobs.

``on_event`` only enqueues ``robots.fire`` jobs keyed by (rule, trigger), so a redelivered
event adds nothing. The job checks the conditions against facts gathered then, claims the
firing in the rules log (``robot_execution.key`` is unique: a trigger fires a rule once),
applies the loop guard, and runs the actions. Each step's outcome is written to the rules log
and to the appeal's timeline before the next step starts; a retried job resumes at the first
step not recorded (actions are idempotent per step, see the SDK). A step that waits is resumed
by a delayed ``robots.resume`` job; a step that stops ends the execution.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import msgspec

from unionline.appeals import clock, store, timeline
from unionline.appeals.store import AppealRow
from unionline.errors import NotReady, PermanentFailure, ServiceError
from unionline.events import Event, caused_by, event_type_name
from unionline.robots import facts, rules
from unionline.robots.conditions import evaluate
from unionline.robots.config import robots_settings
from unionline.robots.events import RobotNoted, RuleBlocked, RuleExecuted
from unionline.robots.rules import ExecutionRow, RuleRow
from unionline.robots.schemas import RuleDefinition, StepRecord
from unionline.robots.sdk import ActionOutcome, RobotContext
from unionline.runtime import current, enqueue, publish

log = logging.getLogger("unionline.robots")
FIRE_JOB = "robots.fire"
RESUME_JOB = "robots.resume"
ACTIVE = ("running", "waiting", "done", "stopped", "failed")  # what the loop guard counts
OPEN = ("queued", "running")


class Fire(msgspec.Struct, frozen=True, kw_only=True):
    rule_id: uuid.UUID
    trigger: str  # "event:<id>", "timer:<appeal>:<due>", "schedule:<slot>[:<appeal>]"
    event_id: int | None = None
    appeal_id: uuid.UUID | None = None


class Resume(msgspec.Struct, frozen=True, kw_only=True):
    execution_id: uuid.UUID
    step: int


def now() -> float:
    """The robots' clock: the appeals clock (replaceable in tests) as unix time."""
    return clock.now().timestamp()


def robot_cause(rule_id: uuid.UUID) -> str:
    return f"robot:{rule_id}"


# -- events -> jobs -------------------------------------------------------------------------


async def on_event(event: Event) -> None:
    """Enqueue a firing for every enabled rule the event triggers."""
    if not event.id or event.organization_id is None:
        return
    robot_made = (event.cause or "").startswith("robot:")
    matching = await rules.for_event(event_type_name(type(event)), event.organization_id)
    for row in matching:
        if robot_made and not rules.listens_to_robots(row):
            continue
        fire = Fire(
            rule_id=row.id,
            trigger=f"event:{event.id}",
            event_id=event.id,
            appeal_id=getattr(event, "appeal_id", None),
        )
        await enqueue(FIRE_JOB, fire, key=job_key(fire))


def job_key(fire: Fire) -> str:
    return f"{FIRE_JOB}:{fire.rule_id}:{fire.trigger}"


def execution_key(rule_id: uuid.UUID, trigger: str) -> str:
    return f"{rule_id}:{trigger}"


# -- firing ---------------------------------------------------------------------------------


async def fire(payload: Fire, *, last_attempt: bool = True) -> str:
    """Run one firing of a rule; returns the execution's status (or why nothing ran)."""
    rule = await rules.load(payload.rule_id)
    if rule is None:
        return "gone"
    key = execution_key(payload.rule_id, payload.trigger)
    row = await by_key(key)
    if row is not None and row.status not in OPEN:
        return row.status  # fired already
    event = await load_event(payload.event_id)
    appeal = await store.find(payload.appeal_id)
    if row is None or row.status == "queued":
        if not rule.enabled:
            if row is not None:
                await finish(row.id, "not_matched", "the rule was disabled")
            return "disabled"
        definition = rule.definition
        org = appeal.organization_id if appeal else _org(event, rule)
        seen = await facts.gather(appeal, org, event, clock.now())
        if not evaluate(definition.conditions, seen):
            if row is not None:
                await finish(row.id, "not_matched", "the conditions did not hold")
            return "not_matched"
        row = await start(rule, key, payload, appeal, event, row)
        if row is None or row.status != "running":
            return "blocked" if row is not None else "taken"
    return await run_steps(rule, row, event, appeal, last_attempt=last_attempt)


def _org(event: Event | None, rule: RuleRow) -> uuid.UUID:
    if event is not None and event.organization_id is not None:
        return event.organization_id
    return rule.organization_id


async def start(
    rule: RuleRow,
    key: str,
    payload: Fire,
    appeal: AppealRow | None,
    event: Event | None,
    row: ExecutionRow | None,
) -> ExecutionRow | None:
    """Claim the firing (queued → running), or record that the loop guard blocked it."""
    db = current().db
    at = now()
    async with db.transaction():
        if row is None:
            row = await db.fetch_one_as(
                ExecutionRow,
                "INSERT INTO robot_execution (id, key, rule_id, organization_id, appeal_id,"
                " trigger, event_id, event_type, status, reason, steps, next_step, created_at)"
                " VALUES ({}, {}, {}, {}, {}, {}, {}, {}, 'queued', '', '[]', 0, {})"
                " ON CONFLICT (key) DO NOTHING RETURNING *",
                uuid.uuid4(),
                key,
                payload.rule_id,
                appeal.organization_id if appeal else _org(event, rule),
                appeal.id if appeal else None,
                payload.trigger,
                payload.event_id,
                event_type_name(type(event)) if event is not None else None,
                at,
            )
            if row is None:
                return None  # another worker claimed it
        if appeal is not None and await _over_limit(payload.rule_id, appeal.id, at):
            await _block(rule, row, appeal, at)
            return msgspec.structs.replace(row, status="blocked")
        claimed = await db.fetch_one_as(
            ExecutionRow,
            "UPDATE robot_execution SET status = 'running' WHERE id = {} AND status = 'queued'"
            " RETURNING *",
            row.id,
        )
        await db.execute(
            "UPDATE robot_rule SET last_fired_at = {} WHERE id = {}", at, payload.rule_id
        )
    return claimed


async def _over_limit(rule_id: uuid.UUID, appeal_id: uuid.UUID, at: float) -> bool:
    marks = ", ".join(f"'{s}'" for s in ACTIVE)
    row = await current().db.fetchone(
        "SELECT COUNT(*) AS n FROM robot_execution WHERE rule_id = {} AND appeal_id = {}"
        f" AND created_at > {{}} AND status IN ({marks})",
        rule_id,
        appeal_id,
        at - 3600,
    )
    return row is not None and int(row["n"]) >= robots_settings().loop_limit


async def _block(rule: RuleRow, row: ExecutionRow, appeal: AppealRow, at: float) -> None:
    db = current().db
    limit = robots_settings().loop_limit
    reason = f"loop guard: the rule already fired {limit} times for this appeal within an hour"
    await finish(row.id, "blocked", reason, at=at)
    await db.execute("UPDATE robot_rule SET last_blocked_at = {} WHERE id = {}", at, rule.id)
    locked = await store.load(appeal.id, lock=True)
    body = (
        f"Робот «{rule.name}» остановлен защитой от зацикливания: "
        f"не более {limit} срабатываний на обращение в час"
    )
    entry = await timeline.add(locked, "system", body=body, data={"robot": _mark(rule, row, None)})
    await _noted(rule, row, appeal, entry)
    await publish(
        RuleBlocked(
            organization_id=appeal.organization_id,
            cause=robot_cause(rule.id),
            rule_id=rule.id,
            rule_name=rule.name,
            execution_id=row.id,
            appeal_id=appeal.id,
            limit=limit,
        )
    )


# -- steps ----------------------------------------------------------------------------------


async def run_steps(
    rule: RuleRow,
    row: ExecutionRow,
    event: Event | None,
    appeal: AppealRow | None,
    *,
    last_attempt: bool = True,
) -> str:
    """Run the actions from the first step not yet recorded; returns the final status."""
    definition = rule.definition
    records = list(row.steps)
    for n in range(row.next_step, len(definition.actions)):
        outcome, ok = await _run_step(rule, row, definition, n, event, appeal, last_attempt)
        record = StepRecord(
            step=n,
            action=definition.actions[n].action,
            ok=ok,
            summary=outcome.summary,
            at=clock.now(),
            data=outcome.data,
        )
        records.append(record)
        status = _status_after(ok, outcome, n, len(definition.actions))
        await _record(rule, row, appeal, records, n + 1, status, "" if ok else outcome.summary)
        if status == "waiting":
            delay = float(outcome.wait_seconds or 0)
            execution_id = row.id
            await enqueue(
                RESUME_JOB,
                Resume(execution_id=execution_id, step=n + 1),
                key=f"{RESUME_JOB}:{execution_id}:{n + 1}",
                delay=delay,
            )
        if status != "running":
            return status
    return "done"  # pragma: no cover - the last step always finishes the execution


def _status_after(ok: bool, outcome: ActionOutcome, n: int, total: int) -> str:
    if not ok:
        return "failed"
    if outcome.stop:
        return "stopped"
    if n + 1 >= total:
        return "done"
    if outcome.wait_seconds:
        return "waiting"
    return "running"


async def _run_step(
    rule: RuleRow,
    row: ExecutionRow,
    definition: RuleDefinition,
    n: int,
    event: Event | None,
    appeal: AppealRow | None,
    last_attempt: bool,
) -> tuple[ActionOutcome, bool]:
    step = definition.actions[n]
    action = current().registry.robots.get(step.action)
    if action is None:
        summary = f"действие {step.action} не зарегистрировано (плагин выключен?)"
        return ActionOutcome(summary=summary), False
    ctx = context(rule, row, n, event, appeal, dry_run=False)
    try:
        params = msgspec.convert(step.params, action.params)
        with caused_by(robot_cause(ctx.rule_id)):
            return await action.run(ctx, params), True
    except NotReady:
        raise
    except (PermanentFailure, ServiceError, msgspec.ValidationError) as exc:
        return ActionOutcome(summary=_message(exc)), False
    except Exception as exc:
        if not last_attempt:
            raise
        log.exception("robot action %s failed", step.action)
        return ActionOutcome(summary=_message(exc)), False


def _message(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return str(text)[:500]


def context(
    rule: RuleRow,
    row: ExecutionRow | None,
    n: int,
    event: Event | None,
    appeal: AppealRow | None,
    *,
    dry_run: bool,
) -> RobotContext:
    return RobotContext(
        rule_id=rule.id,
        organization_id=rule.organization_id,
        execution_id=row.id if row else uuid.uuid4(),
        step=n,
        appeal_id=appeal.id if appeal else None,
        member_id=appeal.member_id if appeal else getattr(event, "member_id", None),
        event_type=event_type_name(type(event)) if event is not None else None,
        event=msgspec.to_builtins(event) if event is not None else {},
        dry_run=dry_run,
    )


async def _noted(rule: RuleRow, row: ExecutionRow, appeal: AppealRow, entry: Any) -> None:
    """Publish a robot's timeline entry (consoles append it live, like a note)."""
    await publish(
        RobotNoted(
            organization_id=appeal.organization_id,
            cause=robot_cause(rule.id),
            appeal_id=appeal.id,
            rule_id=rule.id,
            execution_id=row.id,
            entry=entry,
        )
    )


def _mark(rule: RuleRow, row: ExecutionRow, step: StepRecord | None) -> dict[str, Any]:
    mark: dict[str, Any] = {
        "rule_id": str(rule.id),
        "rule_name": rule.name,
        "execution_id": str(row.id),
    }
    if step is not None:
        mark |= {"step": step.step, "action": step.action, "ok": step.ok}
    return mark


async def _record(
    rule: RuleRow,
    row: ExecutionRow,
    appeal: AppealRow | None,
    records: list[StepRecord],
    next_step: int,
    status: str,
    reason: str,
) -> None:
    """Write the step to the rules log and the appeal's timeline, in one transaction."""
    db = current().db
    step = records[-1]
    finished = now() if status in ("done", "stopped", "failed") else None
    async with db.transaction():
        await db.execute(
            "UPDATE robot_execution SET steps = {}, next_step = {}, status = {}, reason = {},"
            " finished_at = {} WHERE id = {}",
            msgspec.json.encode(records).decode(),
            next_step,
            status,
            reason,
            finished,
            row.id,
        )
        if appeal is not None:
            locked = await store.load(appeal.id, lock=True)
            body = f"Робот «{rule.name}»: {step.summary}"
            mark = {"robot": _mark(rule, row, step)}
            await _noted(
                rule, row, appeal, await timeline.add(locked, "system", body=body, data=mark)
            )
        if status != "running":
            await publish(
                RuleExecuted(
                    organization_id=(appeal.organization_id if appeal else row.organization_id),
                    cause=robot_cause(rule.id),
                    rule_id=rule.id,
                    rule_name=rule.name,
                    execution_id=row.id,
                    appeal_id=appeal.id if appeal else None,
                    status=status,
                    summaries=[r.summary for r in records],
                )
            )


async def resume(payload: Resume, *, last_attempt: bool = True) -> str:
    """Continue an execution after a step that waited."""
    db = current().db
    row = await db.fetch_one_as(
        ExecutionRow,
        "UPDATE robot_execution SET status = 'running' WHERE id = {} AND status = 'waiting'"
        " AND next_step = {} RETURNING *",
        payload.execution_id,
        payload.step,
    )
    if row is None:
        row = await db.fetch_one_as(
            ExecutionRow, "SELECT * FROM robot_execution WHERE id = {}", payload.execution_id
        )
        if row is None or row.status != "running" or row.next_step != payload.step:
            return "stale"  # resumed already (or the execution is gone)
    rule = await rules.load(row.rule_id)
    if rule is None or not rule.enabled:
        await finish(row.id, "stopped", "the rule was disabled or deleted while it waited")
        return "stopped"
    event = await load_event(row.event_id)
    appeal = await store.find(row.appeal_id)
    return await run_steps(rule, row, event, appeal, last_attempt=last_attempt)


# -- the rules log --------------------------------------------------------------------------


async def by_key(key: str) -> ExecutionRow | None:
    return await current().db.fetch_one_as(
        ExecutionRow, "SELECT * FROM robot_execution WHERE key = {}", key
    )


async def finish(
    execution_id: uuid.UUID, status: str, reason: str, *, at: float | None = None
) -> None:
    await current().db.execute(
        "UPDATE robot_execution SET status = {}, reason = {}, finished_at = {} WHERE id = {}",
        status,
        reason,
        now() if at is None else at,
        execution_id,
    )


async def queue_firing(rule_id: uuid.UUID, organization_id: uuid.UUID, fire_: Fire) -> bool:
    """For timers and schedules: record the firing as queued and enqueue it, once per key
    (inside the caller's transaction). False when it had fired already."""
    row = await current().db.fetchone(
        "INSERT INTO robot_execution (id, key, rule_id, organization_id, appeal_id, trigger,"
        " status, reason, steps, next_step, created_at)"
        " VALUES ({}, {}, {}, {}, {}, {}, 'queued', '', '[]', 0, {})"
        " ON CONFLICT (key) DO NOTHING RETURNING id",
        uuid.uuid4(),
        execution_key(rule_id, fire_.trigger),
        rule_id,
        organization_id,
        fire_.appeal_id,
        fire_.trigger,
        now(),
    )
    if row is None:
        return False
    await enqueue(FIRE_JOB, fire_, key=job_key(fire_))
    return True


async def load_event(event_id: int | None) -> Event | None:
    if event_id is None:
        return None
    row = await current().db.fetchone(
        "SELECT id, type, payload FROM system_event WHERE id = {}", event_id
    )
    if row is None:
        return None
    kind = current().registry.events.get(row["type"])
    if kind is None:
        return None  # a disabled plugin's event
    event = msgspec.json.decode(row["payload"], type=kind)
    event.id = int(row["id"])
    return event
