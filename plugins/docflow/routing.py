"""Approval routes: stages in order, the people of a stage in parallel (all of them or any one),
deadlines in working days of the organization's calendar, delegation, send back, comments.

A decision carries an id its client chose: it is the primary key of ``docflow_decision``, so
the same decision sent twice (a retry, a double click, a worker killed after the commit) is
recorded and applied once. The step is locked before the decision is looked up, so two
concurrent copies serialize and the second finds the first."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec

import unionline
from unionline import Actor, Conflict, Forbidden, Invalid, NotFound, current, now, publish
from unionline.calendar import calendar_for
from unionline.plugins.docflow import rights
from unionline.plugins.docflow.schemas import (
    DecisionMade,
    DecisionView,
    NewDecision,
    RouteFinished,
    RouteView,
    StageChanged,
    StageSpec,
    StepView,
)
from unionline.plugins.docflow.store import Assignee, DocumentRow, load_document
from unionline.rows import db_value

KIND_LABELS = {
    "acknowledge": "Ознакомление",
    "approve": "Согласование",
    "sign": "Подписание",
    "execute": "Исполнение",
}
NOTIFY = "docflow.notify_member"


class RouteRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    document_id: uuid.UUID
    status: str
    stage: int
    stages: list[StageSpec]


class StepRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    route_id: uuid.UUID
    document_id: uuid.UUID
    stage: int
    kind: str
    assignee_id: uuid.UUID
    delegated_from: uuid.UUID | None
    status: str
    due_at: datetime | None
    decided_at: datetime | None
    comment: str


async def may_hold(operator_id: uuid.UUID, organization_id: uuid.UUID, field: str) -> None:
    """An assignee must be an active operator who reads the document's organization."""
    other = await unionline.actor_for(operator_id)
    if other is None or not await rights.allows(other, rights.READ, organization_id):
        raise Invalid(f"operator {operator_id} cannot take documents here", field=field)


async def start(actor: Actor | None, document_id: uuid.UUID, stages: list[StageSpec]) -> RouteView:
    """Start a route on the document (again after «на доработку»); ``actor=None``: a process."""
    db = current().db
    async with db.transaction():
        doc = await load_document(document_id, lock=True)
        if actor is not None:
            from unionline.plugins.docflow.documents import writable

            await writable(actor, document_id)
        if await _active(document_id):
            raise Conflict("the document is on a route already", field="document_id")
        for i, stage in enumerate(stages):
            for j, person in enumerate(stage.assignees):
                await may_hold(person, doc.organization_id, f"stages[{i}].assignees[{j}]")
        route_id = uuid.uuid4()
        await db.execute(
            "INSERT INTO docflow_route (id, document_id, status, stage, stages, started_by,"
            " started_at) VALUES ({}, {}, 'active', 0, {}, {}, {})",
            route_id,
            document_id,
            db_value(msgspec.to_builtins(stages)),
            actor.operator_id if actor else None,
            now(),
        )
        for index, stage in enumerate(stages):
            for person in dict.fromkeys(stage.assignees):
                await db.execute(
                    "INSERT INTO docflow_step (id, route_id, document_id, stage, kind,"
                    " assignee_id, status, reminded, escalated, comment)"
                    " VALUES ({}, {}, {}, {}, {}, {}, 'waiting', {}, {}, '')",
                    uuid.uuid4(),
                    route_id,
                    document_id,
                    index,
                    stage.kind,
                    person,
                    False,
                    False,
                )
        await _open_stage(doc, route_id, stages, 0)
    view = await route_view(document_id)
    assert view is not None
    return view


async def _active(document_id: uuid.UUID) -> RouteRow | None:
    return await current().db.fetch_one_as(
        RouteRow,
        "SELECT * FROM docflow_route WHERE document_id = {} AND status = 'active'",
        document_id,
    )


def stage_title(stages: list[StageSpec], index: int) -> str:
    spec = stages[index]
    title = spec.title or KIND_LABELS[spec.kind]
    return f"{title} ({index + 1}/{len(stages)})"


async def _open_stage(
    doc: DocumentRow, route_id: uuid.UUID, stages: list[StageSpec], index: int
) -> None:
    """Make the stage's steps pending with their deadline in working days; the card shows who
    holds it now."""
    db = current().db
    cal = await calendar_for(doc.organization_id)
    due = cal.add_working_days(now(), stages[index].days) if stages[index].days else None
    await db.execute(
        "UPDATE docflow_step SET status = 'pending', due_at = {} WHERE route_id = {}"
        " AND stage = {} AND status = 'waiting'",
        due,
        route_id,
        index,
    )
    await db.execute("UPDATE docflow_route SET stage = {} WHERE id = {}", index, route_id)
    await _show(doc, route_id, stage_title(stages, index), "on_route")


async def _show(doc: DocumentRow, route_id: uuid.UUID, stage: str, status: str) -> None:
    """Write the stage and holders onto the card (what lists show) and tell the consoles."""
    db = current().db
    rows = await db.fetch_as(
        Assignee,
        "SELECT assignee_id FROM docflow_step WHERE route_id = {} AND status = 'pending'"
        " ORDER BY assignee_id",
        route_id,
    )
    holders = [r.assignee_id for r in rows]
    if status == "revision" and doc.author_id:
        holders = [doc.author_id]
    await db.execute(
        "UPDATE docflow_document SET stage = {}, holders = {}, status = {}, updated_at = {}"
        " WHERE id = {}",
        stage,
        db_value([str(h) for h in holders]),
        status,
        now(),
        doc.id,
    )
    await publish(
        StageChanged(
            organization_id=doc.organization_id,
            document_id=doc.id,
            route_id=route_id,
            stage=stage,
            status=status,
            holders=holders,
        )
    )


async def _lock_step(step_id: uuid.UUID) -> StepRow:
    db = current().db
    suffix = " FOR UPDATE" if db.is_postgres else ""
    step = await db.fetch_one_as(
        StepRow, "SELECT * FROM docflow_step WHERE id = {}" + suffix, step_id
    )
    if step is None:
        raise NotFound(f"step {step_id} does not exist", field="step_id")
    return step


async def decide(actor: Actor, step_id: uuid.UUID, data: NewDecision) -> RouteView:
    """Apply a decision once. Only the step's assignee decides (a delegate is the assignee);
    a manager of the document's organization may hand an absent assignee's step on."""
    db = current().db
    async with db.transaction():
        step = await _lock_step(step_id)
        await _in_sight(actor, step)
        done = await db.fetchone(
            "SELECT step_id FROM docflow_decision WHERE id = {}", data.decision_id
        )
        if done is not None:
            if str(done["step_id"]) != str(step_id):
                raise Conflict("this decision id was used on another step", field="decision_id")
        else:
            await _apply(actor, step, data)
    view = await route_view(step.document_id)
    assert view is not None
    return view


async def _in_sight(actor: Actor, step: StepRow) -> None:
    """404 naming the step (never its document) unless the actor is its assignee or reads the
    document."""
    if step.assignee_id == actor.operator_id:
        return
    from unionline.plugins.docflow.documents import visible

    try:
        await visible(actor, step.document_id)
    except NotFound as exc:
        raise NotFound(f"step {step.id} does not exist", field="step_id") from exc


async def _apply(actor: Actor, step: StepRow, data: NewDecision) -> None:
    if step.assignee_id != actor.operator_id:
        doc = await load_document(step.document_id)
        # Substitution: a manager hands an absent approver's step to a deputy.
        substitute = data.verdict == "delegate" and await rights.allows(
            actor, rights.MANAGE, doc.organization_id
        )
        if not substitute:
            raise Forbidden("only the step's assignee decides on it", field="step_id")
    if step.status != "pending" and data.verdict != "comment":
        raise Conflict(f"the step is {step.status}, not waiting for a decision", field="step_id")
    doc = await load_document(step.document_id, lock=True)
    await _record(actor, step, data)
    if data.verdict == "comment":
        return
    if data.verdict == "delegate":
        await _delegate(doc, step, data)
        return
    status = {"approve": "done", "reject": "rejected", "return": "returned"}[data.verdict]
    await current().db.execute(
        "UPDATE docflow_step SET status = {}, decided_at = {}, comment = {} WHERE id = {}",
        status,
        now(),
        data.comment,
        step.id,
    )
    route = await current().db.fetch_one_as(
        RouteRow, "SELECT * FROM docflow_route WHERE id = {}", step.route_id
    )
    assert route is not None
    if status == "done":
        await _after_done(doc, route, step)
    else:
        await _stop(doc, route, "rejected" if status == "rejected" else "returned")


async def _record(actor: Actor, step: StepRow, data: NewDecision) -> None:
    await current().db.execute(
        "INSERT INTO docflow_decision (id, step_id, route_id, document_id, operator_id, verdict,"
        " comment, delegate_to, decided_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {})",
        data.decision_id,
        step.id,
        step.route_id,
        step.document_id,
        actor.operator_id,
        data.verdict,
        data.comment,
        data.delegate_to,
        now(),
    )
    doc = await load_document(step.document_id)
    await publish(
        DecisionMade(
            organization_id=doc.organization_id,
            document_id=doc.id,
            route_id=step.route_id,
            step_id=step.id,
            verdict=data.verdict,
            operator_id=actor.operator_id,
        )
    )


async def _delegate(doc: DocumentRow, step: StepRow, data: NewDecision) -> None:
    """Hand the step to a substitute (an absent approver's deputy): the deputy now decides."""
    if data.delegate_to is None:
        raise Invalid("name whom to hand the step to", field="delegate_to")
    if data.delegate_to == step.assignee_id:
        raise Invalid("the step is theirs already", field="delegate_to")
    await may_hold(data.delegate_to, doc.organization_id, "delegate_to")
    await current().db.execute(
        "UPDATE docflow_step SET assignee_id = {}, delegated_from = {}, reminded = {}"
        " WHERE id = {}",
        data.delegate_to,
        step.assignee_id,
        False,
        step.id,
    )
    route = await current().db.fetch_one_as(
        RouteRow, "SELECT * FROM docflow_route WHERE id = {}", step.route_id
    )
    assert route is not None
    await _show(doc, route.id, stage_title(route.stages, route.stage), "on_route")


async def _after_done(doc: DocumentRow, route: RouteRow, step: StepRow) -> None:
    """All of the stage done (or any one, for an «any» stage): the next stage, or the end."""
    db = current().db
    spec = route.stages[step.stage]
    rows = await db.fetch(
        "SELECT status FROM docflow_step WHERE route_id = {} AND stage = {}",
        route.id,
        step.stage,
    )
    statuses = [str(r["status"]) for r in rows]
    if spec.mode == "all" and "pending" in statuses:
        await _show(doc, route.id, stage_title(route.stages, route.stage), "on_route")
        return
    await db.execute(
        "UPDATE docflow_step SET status = 'skipped' WHERE route_id = {} AND stage = {}"
        " AND status = 'pending'",
        route.id,
        step.stage,
    )
    if step.stage + 1 < len(route.stages):
        await _open_stage(doc, route.id, route.stages, step.stage + 1)
    else:
        await _finish(doc, route, "done")


async def _stop(doc: DocumentRow, route: RouteRow, how: str) -> None:
    await current().db.execute(
        "UPDATE docflow_step SET status = 'skipped' WHERE route_id = {}"
        " AND status IN ('pending', 'waiting')",
        route.id,
    )
    if how == "returned":
        await current().db.execute(
            "UPDATE docflow_route SET status = 'returned', finished_at = {} WHERE id = {}",
            now(),
            route.id,
        )
        await _show(doc, route.id, "На доработке у автора", "revision")
        return
    await _finish(doc, route, "rejected")


async def _finish(doc: DocumentRow, route: RouteRow, how: str) -> None:
    """The route's end: the card's status, the event robots and processes listen to, and for
    a member's application the decision queued to the member exactly once."""
    await current().db.execute(
        "UPDATE docflow_route SET status = {}, finished_at = {} WHERE id = {}",
        how,
        now(),
        route.id,
    )
    status = "approved" if how == "done" else "rejected"
    label = "Согласован" if how == "done" else "Отклонён"
    await _show(doc, route.id, label, status)
    await publish(
        RouteFinished(
            organization_id=doc.organization_id,
            document_id=doc.id,
            route_id=route.id,
            status=how,
        )
    )
    if doc.appeal_id is not None and doc.process_id is not None:
        from unionline.plugins.docflow.processes import NoticePayload

        await unionline.enqueue(
            NOTIFY, NoticePayload(route_id=route.id), key=f"{NOTIFY}:{route.id}"
        )


async def route_view(document_id: uuid.UUID) -> RouteView | None:
    """The document's latest route with every step and decision (the card's timeline)."""
    db = current().db
    route = await db.fetch_one_as(
        RouteRow,
        "SELECT * FROM docflow_route WHERE document_id = {} ORDER BY started_at DESC",
        document_id,
    )
    if route is None:
        return None
    steps = await db.fetch_as(
        StepRow,
        "SELECT * FROM docflow_step WHERE route_id = {} ORDER BY stage, assignee_id",
        route.id,
    )
    decisions = await db.fetch_as(
        DecisionView,
        "SELECT id, step_id, operator_id, verdict, comment, decided_at FROM docflow_decision"
        " WHERE document_id = {} ORDER BY decided_at",
        document_id,
    )
    return RouteView(
        id=route.id,
        status=route.status,
        stage=route.stage,
        stages=route.stages,
        steps=[StepView(**_fields(s)) for s in steps],
        decisions=decisions,
    )


def _fields(step: StepRow) -> dict[str, Any]:
    values = msgspec.structs.asdict(step)
    for name in ("route_id", "document_id"):
        values.pop(name)
    return values
