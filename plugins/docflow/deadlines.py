"""Reminders and escalation of route steps, every few minutes across processes.

A pending step is reminded once ``[docflow] remind_days`` working days before its deadline
(in the document organization's calendar) and escalated once when the deadline passes:
``docflow.step_overdue`` is published — the trigger robots' escalation rules listen to — and the
assignee and the document's author get a notice. Each is claimed by a flag in the same
transaction as its event and notices, so a chore run twice sends nothing twice."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from unionline import PeriodicJob, current, notify_operator, now, publish, read_settings
from unionline.calendar import calendar_for
from unionline.plugins.docflow.schemas import StepOverdue
from unionline.plugins.docflow.settings import DocflowSettings


class _Due(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    document_id: uuid.UUID
    assignee_id: uuid.UUID
    due_at: datetime
    reminded: bool
    escalated: bool
    organization_id: uuid.UUID
    author_id: uuid.UUID | None
    title: str


async def sweep() -> None:
    db = current().db
    moment = now()
    remind = (await read_settings(DocflowSettings)).remind_days
    rows = await db.fetch_as(
        _Due,
        "SELECT s.id, s.document_id, s.assignee_id, s.due_at, s.reminded, s.escalated,"
        " d.organization_id, d.author_id, d.title FROM docflow_step s"
        " JOIN docflow_document d ON d.id = s.document_id"
        " WHERE s.status = 'pending' AND s.due_at IS NOT NULL AND NOT s.escalated",
    )
    for row in rows:
        if row.due_at <= moment:
            await _escalate(row)
        elif remind and not row.reminded and await _eve(row, moment, remind):
            await _remind(row)


async def _eve(row: _Due, moment: datetime, days: int) -> bool:
    """Whether today is ``days`` working days before the deadline's day, or later."""
    cal = await calendar_for(row.organization_id)
    due_day = row.due_at.astimezone(cal.tz).date()
    return moment.astimezone(cal.tz).date() >= cal.shift_working_days(due_day, -days)


async def _claim(step_id: uuid.UUID, flag: str) -> bool:
    row = await current().db.fetchone(
        f"UPDATE docflow_step SET {flag} = {{}} WHERE id = {{}} AND NOT {flag}"
        " AND status = 'pending' RETURNING id",
        True,
        step_id,
    )
    return row is not None


async def _remind(row: _Due) -> None:
    async with current().db.transaction():
        if not await _claim(row.id, "reminded"):
            return
        await notify_operator(
            row.assignee_id,
            cause=f"docflow:remind:{row.id}",
            title="Скоро срок по документу",
            text=row.title,
            link=f"#/work/docflow/{row.document_id}",
            organization_id=row.organization_id,
        )


async def _escalate(row: _Due) -> None:
    async with current().db.transaction():
        if not await _claim(row.id, "escalated"):
            return
        await publish(
            StepOverdue(
                organization_id=row.organization_id,
                document_id=row.document_id,
                step_id=row.id,
                assignee_id=row.assignee_id,
                due_at=row.due_at,
            )
        )
        for who in dict.fromkeys(p for p in (row.assignee_id, row.author_id) if p is not None):
            await notify_operator(
                who,
                cause=f"docflow:overdue:{row.id}",
                title="Срок по документу истёк",
                text=row.title,
                link=f"#/work/docflow/{row.document_id}",
                organization_id=row.organization_id,
            )


DEADLINES = PeriodicJob("docflow.deadlines", sweep, every=300.0)
