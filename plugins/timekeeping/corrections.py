"""Changing a past workday: a reason is required, every change is kept (who, when, why,
before and after) and recorded in the audit log, and — with ``edits_need_approval`` — a
person's change of their own day waits for the supervisor (``timekeeping.manage``), whose own
changes apply at once. An applied change rewrites the day as one work stretch with the break
given, and clears the «закрыт автоматически» flag."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import msgspec

import unionline
from unionline import Actor, Conflict, Invalid, NotFound, current, publish, record_audit
from unionline.plugins.timekeeping import rights, workday
from unionline.plugins.timekeeping.schemas import (
    CorrectionBody,
    CorrectionRequested,
    CorrectionView,
    Decision,
)
from unionline.rows import db_value


class CorrectionRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    workday_id: uuid.UUID
    operator_id: uuid.UUID
    organization_id: uuid.UUID
    author_id: uuid.UUID | None
    reason: str
    before: dict[str, object]
    after: dict[str, object]
    status: str
    decided_by: uuid.UUID | None
    created_at: datetime


COLUMNS = (
    "id, workday_id, operator_id, organization_id, author_id, reason, before, after, status,"
    " decided_by, created_at"
)


def as_view(row: CorrectionRow) -> CorrectionView:
    fields = msgspec.structs.asdict(row)
    fields.pop("organization_id")
    return CorrectionView(**fields)


async def _visible_day(actor: Actor, workday_id: uuid.UUID) -> workday.WorkdayRow:
    row = await workday.load(workday_id)
    if row is None or (
        row.operator_id != actor.operator_id
        and not await rights.may(actor, rights.READ, row.organization_id)
    ):
        raise NotFound(f"workday {workday_id} does not exist", field="workday_id")
    return row


def _snapshot(started: datetime, ended: datetime | None, break_seconds: int) -> dict[str, object]:
    return {
        "started_at": started.isoformat(),
        "ended_at": ended.isoformat() if ended else None,
        "break_minutes": break_seconds // 60,
    }


async def request(actor: Actor, workday_id: uuid.UUID, body: CorrectionBody) -> CorrectionView:
    row = await _visible_day(actor, workday_id)
    manager = await rights.may(actor, rights.MANAGE, row.organization_id)
    if row.operator_id == actor.operator_id:
        actor.require(rights.USE)
    elif not manager:
        actor.require(rights.MANAGE)
    if row.state != "finished":
        raise Conflict("finish the day before changing it", field="workday_id")
    if body.started_at.tzinfo is None or body.ended_at.tzinfo is None:
        raise Invalid("times need a zone", field="started_at")
    if body.ended_at <= body.started_at:
        raise Invalid("the end is not after the start", field="ended_at")
    if body.ended_at - body.started_at > timedelta(hours=36):
        raise Invalid("a workday is at most 36 hours long", field="ended_at")
    if body.break_minutes * 60 >= (body.ended_at - body.started_at).total_seconds():
        raise Invalid("the break is longer than the day", field="break_minutes")
    if body.ended_at > unionline.now():
        raise Invalid("the end is in the future", field="ended_at")
    needs_approval = (await workday.live_settings()).edits_need_approval and not manager
    correction_id = uuid.uuid4()
    db = current().db
    async with db.transaction():
        await db.execute(
            "INSERT INTO timekeeping_correction (id, workday_id, operator_id, organization_id,"
            " author_id, reason, before, after, status, decided_by, created_at, decided_at)"
            " VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            correction_id,
            row.id,
            row.operator_id,
            row.organization_id,
            actor.operator_id,
            unionline.storable(body.reason),
            db_value(_snapshot(row.started_at, row.ended_at, row.break_seconds)),
            db_value(_snapshot(body.started_at, body.ended_at, body.break_minutes * 60)),
            "pending" if needs_approval else "applied",
            None if needs_approval else actor.operator_id,
            unionline.now(),
            None if needs_approval else unionline.now(),
        )
        if not needs_approval:
            await _apply(row, body.started_at, body.ended_at, body.break_minutes * 60)
        await record_audit(
            actor, "timekeeping.workday.correct", "workday", row.id, row.organization_id
        )
        found = await load(correction_id)
        if needs_approval:
            from unionline.plugins.timekeeping import notices, staff

            await notices.awaiting(
                row.organization_id,
                correction_id,
                "Правка рабочего дня ждёт согласования",
                f"{await staff.name_of(row.operator_id)}: {body.reason}",
            )
        await publish(
            CorrectionRequested(
                organization_id=row.organization_id,
                operator_id=row.operator_id,
                correction_id=correction_id,
                workday_id=row.id,
                status=found.status,
            )
        )
    return as_view(found)


async def _apply(
    row: workday.WorkdayRow, start: datetime, end: datetime, break_seconds: int
) -> None:
    db = current().db
    await db.execute("DELETE FROM timekeeping_interval WHERE workday_id = {}", row.id)
    worked = int((end - start).total_seconds()) - break_seconds
    await db.execute(
        "INSERT INTO timekeeping_interval (id, workday_id, operator_id, kind, started_at, ended_at)"
        " VALUES ({}, {}, {}, 'work', {}, {})",
        uuid.uuid4(),
        row.id,
        row.operator_id,
        start,
        end,
    )
    await db.execute(
        "UPDATE timekeeping_workday SET started_at = {}, ended_at = {}, worked_seconds = {},"
        " break_seconds = {}, auto_closed = {}, updated_at = {} WHERE id = {}",
        start,
        end,
        worked,
        break_seconds,
        False,
        unionline.now(),
        row.id,
    )


async def load(correction_id: uuid.UUID) -> CorrectionRow:
    row = await current().db.fetch_one_as(
        CorrectionRow,
        f"SELECT {COLUMNS} FROM timekeeping_correction WHERE id = {{}}",
        correction_id,
    )
    if row is None:
        raise NotFound(f"correction {correction_id} does not exist", field="correction_id")
    return row


async def decide(actor: Actor, correction_id: uuid.UUID, decision: Decision) -> CorrectionView:
    found = await load(correction_id)
    if not await rights.may(actor, rights.MANAGE, found.organization_id):
        raise NotFound(f"correction {correction_id} does not exist", field="correction_id")
    if found.status != "pending":
        raise Conflict(f"the correction is {found.status} already", field="status")
    db = current().db
    async with db.transaction():
        await db.execute(
            "UPDATE timekeeping_correction SET status = {}, decided_by = {}, decided_at = {}"
            " WHERE id = {}",
            "applied" if decision.approve else "rejected",
            actor.operator_id,
            unionline.now(),
            correction_id,
        )
        if decision.approve:
            day = await workday.load(found.workday_id)
            assert day is not None
            after = found.after
            await _apply(
                day,
                datetime.fromisoformat(str(after["started_at"])),
                datetime.fromisoformat(str(after["ended_at"])),
                int(str(after["break_minutes"])) * 60,
            )
        from unionline.plugins.timekeeping import notices

        await notices.decided(
            found.operator_id,
            found.organization_id,
            "Правка рабочего дня",
            found.id,
            decision.approve,
        )
        await record_audit(
            actor,
            "timekeeping.correction.decide",
            "workday",
            found.workday_id,
            found.organization_id,
        )
    return as_view(await load(correction_id))


async def listed(actor: Actor, status: str = "pending") -> list[CorrectionView]:
    ids = (await rights.scope(actor, rights.READ)).ids()
    where, args = "status = {}", [status]
    if ids is not None:
        if not ids:
            return []
        where += f" AND organization_id IN ({', '.join('{}' for _ in ids)})"
        args.extend(ids)  # type: ignore[arg-type]
    rows = await current().db.fetch_as(
        CorrectionRow,
        f"SELECT {COLUMNS} FROM timekeeping_correction WHERE {where} ORDER BY created_at",
        *args,
    )
    return [as_view(r) for r in rows]
