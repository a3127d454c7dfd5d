"""Scheduled reports: e-mailed on a recurrence, once per period and recipient, each recipient
seeing only their own organizations.

A schedule's RRULE runs in its organization's time zone. Every minute the ``reports.schedules``
pass takes each schedule's latest occurrence and enqueues one ``reports.send`` job per recipient
for the period before it (the day, the Monday-to-Sunday week or the month), keyed by schedule ×
period × recipient: the job outbox keeps one job per key whoever enqueues it, and across worker
restarts. The job first claims the ``reports_delivery`` row of that key (committed), then mails
the report computed with the recipient's own scope, then marks the row sent; a row already sent
is never mailed again. The one window left is a crash after the SMTP server accepted the mail
and before the mark commits: the retry mails it again with the same Message-ID, which mail
clients show once (docs/reports.md).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from unionline import (
    Actor,
    Conflict,
    Forbidden,
    Invalid,
    JobContext,
    NotFound,
    PeriodicJob,
    actor_for,
    current,
    enqueue,
    now,
    scope_for,
    send_mail,
    subtree_ids,
)
from unionline.calendar import timezone_for
from unionline.plugins.reports import rollup
from unionline.plugins.reports.schemas import NewSchedule, RebuildView, ScheduleView

MANAGE = "reports.manage"
SEND = "reports.send"


class ScheduleRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    rrule: str
    period: str
    format: str
    recipients: list[uuid.UUID]
    active: bool
    created_at: datetime
    group_by: str = "organization"


class SendPayload(msgspec.Struct, frozen=True, kw_only=True):
    schedule_id: uuid.UUID
    period_start: date
    recipient_id: uuid.UUID


# -- when -------------------------------------------------------------------------------------


def _rule(text: str, start: datetime) -> Any:
    from dateutil.rrule import rrulestr

    try:
        return rrulestr(text, dtstart=start)
    except (ValueError, TypeError) as exc:
        raise Invalid(f"rrule is not a recurrence rule: {exc}", field="rrule") from None


def latest(row: ScheduleRow, zone: ZoneInfo, at: datetime) -> datetime | None:
    """The schedule's last occurrence at or before ``at`` (after it was made), local time."""
    start = row.created_at.astimezone(zone).replace(second=0, microsecond=0, tzinfo=None)
    found = _rule(row.rrule, start).before(at.astimezone(zone).replace(tzinfo=None), inc=True)
    return found.replace(tzinfo=zone) if found is not None else None


def upcoming(row: ScheduleRow, zone: ZoneInfo, at: datetime) -> datetime | None:
    start = row.created_at.astimezone(zone).replace(second=0, microsecond=0, tzinfo=None)
    found = _rule(row.rrule, start).after(at.astimezone(zone).replace(tzinfo=None))
    return found.replace(tzinfo=zone) if found is not None else None


def period_before(kind: str, day: date) -> tuple[date, date]:
    """The complete period before ``day``: the day, the week (Monday–Sunday) or the month."""
    if kind == "day":
        return day - timedelta(days=1), day
    if kind == "week":
        monday = day - timedelta(days=day.weekday())
        return monday - timedelta(days=7), monday
    first = day.replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    return previous, first


# -- the pass and the job -------------------------------------------------------------------------


async def due() -> int:
    """Enqueue the sends of every schedule's latest period (once per key, whoever asks)."""
    rows = await current().db.fetch_as(
        ScheduleRow, "SELECT * FROM reports_schedule WHERE active = {}", True
    )
    queued = 0
    moment = now()
    for row in rows:
        zone = ZoneInfo(await timezone_for(row.organization_id))
        occurrence = latest(row, zone, moment)
        if occurrence is None:
            continue
        start, _ = period_before(row.period, occurrence.date())
        async with current().db.transaction():
            for recipient in row.recipients:
                key = f"{SEND}:{row.id}:{start.isoformat()}:{recipient}"
                job = SendPayload(schedule_id=row.id, period_start=start, recipient_id=recipient)
                if await enqueue(SEND, job, key=key) is not None:
                    queued += 1
    return queued


SCHEDULES = PeriodicJob("reports.schedules", due, every=60.0)


async def send(ctx: JobContext | None, job: SendPayload) -> None:
    """Mail one period's report to one recipient, unless it went already."""
    db = current().db
    async with db.transaction():
        await db.execute(
            "INSERT INTO reports_delivery (id, schedule_id, period_start, recipient_id, status,"
            " rows) VALUES ({}, {}, {}, {}, 'sending', 0)"
            " ON CONFLICT (schedule_id, period_start, recipient_id) DO NOTHING",
            uuid.uuid4(),
            job.schedule_id,
            job.period_start.isoformat(),
            job.recipient_id,
        )
        state = await db.fetchone(
            "SELECT status FROM reports_delivery WHERE schedule_id = {} AND period_start = {}"
            " AND recipient_id = {}",
            job.schedule_id,
            job.period_start.isoformat(),
            job.recipient_id,
        )
    if state is None or state["status"] != "sending":
        return
    row = await db.fetch_one_as(
        ScheduleRow, "SELECT * FROM reports_schedule WHERE id = {}", job.schedule_id
    )
    actor = await actor_for(job.recipient_id)
    address = await db.fetchone(
        "SELECT email FROM operator_operator WHERE id = {}", job.recipient_id
    )
    status = "skipped"
    if row is not None and actor is not None and address and address["email"]:
        from unionline.plugins.reports import mail

        made = await mail.compose(actor, row, job.period_start)
        if made is not None:
            subject, text, attachment = made
            key = f"reports.{job.schedule_id}.{job.period_start:%Y%m%d}.{job.recipient_id}"
            sent = await send_mail(
                address["email"],
                subject,
                text,
                attachments=[attachment],
                message_id=f"{key}@unionline",
            )
            status = "sent" if sent else "skipped"
    await db.execute(
        "UPDATE reports_delivery SET status = {}, sent_at = {} WHERE schedule_id = {}"
        " AND period_start = {} AND recipient_id = {}",
        status,
        now(),
        job.schedule_id,
        job.period_start.isoformat(),
        job.recipient_id,
    )


# -- managing schedules ---------------------------------------------------------------------------


async def _managed(actor: Actor, organization_id: uuid.UUID) -> None:
    actor.require(MANAGE)
    if not (await scope_for(actor, MANAGE)).allows(organization_id):
        raise NotFound(f"organization {organization_id} does not exist", field="organization_id")


async def view(row: ScheduleRow) -> ScheduleView:
    zone = ZoneInfo(await timezone_for(row.organization_id))
    return ScheduleView(
        id=row.id,
        organization_id=row.organization_id,
        name=row.name,
        rrule=row.rrule,
        period=row.period,
        format=row.format,
        group=row.group_by,
        recipients=row.recipients,
        active=row.active,
        next_send=upcoming(row, zone, now()) if row.active else None,
    )


async def create(actor: Actor, data: NewSchedule) -> ScheduleView:
    await _managed(actor, data.organization_id)
    _rule(data.rrule, datetime(2026, 1, 1))
    subtree = await subtree_ids([data.organization_id])
    for recipient in dict.fromkeys(data.recipients):
        other = await actor_for(recipient)
        seen = (await scope_for(other, "reports.read")).ids() if other else []
        if (
            other is None
            or not other.can("reports.read")
            or (seen is not None and not subtree & set(seen))
        ):
            raise Invalid(
                f"operator {recipient} cannot read reports of this organization",
                field="recipients",
            )
    row = await current().db.fetch_one_as(
        ScheduleRow,
        "INSERT INTO reports_schedule (id, organization_id, name, rrule, period, format,"
        " group_by, recipients, active, created_by, created_at) VALUES ({}, {}, {}, {}, {}, {},"
        " {}, {}, {}, {}, {}) RETURNING *",
        uuid.uuid4(),
        data.organization_id,
        data.name,
        data.rrule,
        data.period,
        data.format,
        data.group,
        msgspec.json.encode([str(r) for r in dict.fromkeys(data.recipients)]).decode(),
        True,
        actor.operator_id,
        now(),
    )
    assert row is not None
    return await view(row)


async def listed(actor: Actor) -> list[ScheduleView]:
    actor.require(MANAGE)
    scope = await scope_for(actor, MANAGE)
    rows = await current().db.fetch_as(
        ScheduleRow, "SELECT * FROM reports_schedule ORDER BY created_at"
    )
    return [await view(r) for r in rows if scope.allows(r.organization_id)]


async def remove(actor: Actor, schedule_id: uuid.UUID) -> None:
    row = await current().db.fetch_one_as(
        ScheduleRow, "SELECT * FROM reports_schedule WHERE id = {}", schedule_id
    )
    actor.require(MANAGE)
    if row is None or not (await scope_for(actor, MANAGE)).allows(row.organization_id):
        # Outside the actor's organizations it is absent: its organization is not named.
        raise NotFound(f"schedule {schedule_id} does not exist", field="schedule_id")
    if not row.active:
        raise Conflict("the schedule is stopped already", field="schedule_id")
    await current().db.execute(
        "UPDATE reports_schedule SET active = {} WHERE id = {}", False, schedule_id
    )


async def rebuild(actor: Actor) -> RebuildView:
    actor.require(MANAGE)
    if not (await scope_for(actor, MANAGE)).everything:
        raise Forbidden(
            "the rebuild recounts the whole federation: reports.manage over all of it",
            extra={"permission": MANAGE},
        )
    result = await rollup.rebuild()
    return RebuildView(**msgspec.structs.asdict(result))


__all__ = ["SCHEDULES", "SEND", "SendPayload", "due", "send"]
