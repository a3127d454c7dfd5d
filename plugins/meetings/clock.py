"""The meetings' clock, once a minute across processes (a ``PeriodicJob``): meetings that came
to their start are started and those past their end ended (``meetings.started``/``ended``
for robots); reminders are queued once per participant and start time; the platforms that tell
who is in a room are asked, ``absent_after_minutes`` after the start, whether the members came
(``meetings.member_absent``)."""

from __future__ import annotations

from datetime import timedelta

from unionline import PeriodicJob, current, enqueue, now, publish, read_settings
from unionline.plugins.meetings import store
from unionline.plugins.meetings.notices import REMIND, RemindPayload
from unionline.plugins.meetings.providers import Room, provider
from unionline.plugins.meetings.schemas import MeetingEnded, MeetingStarted, MemberAbsent
from unionline.plugins.meetings.services import event_fields
from unionline.plugins.meetings.settings import MeetingsSettings
from unionline.plugins.meetings.store import MeetingRow

SQL = "SELECT * FROM meetings_meeting WHERE {} ORDER BY starts_at LIMIT 500"


async def tick() -> None:
    settings = await read_settings(MeetingsSettings)
    await remind(settings.reminder_minutes)
    await move("scheduled", "starts_at", "started", MeetingStarted)
    await move("started", "ends_at", "ended", MeetingEnded)
    await absences(settings.absent_after_minutes)


async def remind(minutes: int) -> None:
    if minutes <= 0:
        return
    db = current().db
    due = await db.fetch_as(
        MeetingRow,
        SQL.format(
            "status = 'scheduled' AND reminded_at IS NULL AND starts_at <= {} AND starts_at > {}"
        ),
        now() + timedelta(minutes=minutes),
        now(),
    )
    for row in due:
        async with db.transaction():
            locked = await store.meeting(row.id, lock=True)
            if locked is None or locked.reminded_at is not None or locked.status != "scheduled":
                continue
            start = locked.starts_at.isoformat()
            for person in await store.participants([row.id]):
                key = f"{REMIND}:{person.id}:{start}"
                await enqueue(REMIND, RemindPayload(person.id, start), key=key)
            await store.update_meeting(row.id, reminded_at=now())


async def move(status: str, column: str, to: str, kind: type) -> None:
    db = current().db
    due = await db.fetch_as(
        MeetingRow, SQL.format(f"status = '{status}' AND {column} <= {{}}"), now()
    )
    for row in due:
        async with db.transaction():
            locked = await store.meeting(row.id, lock=True)
            if locked is None or locked.status != status:
                continue
            row = await store.update_meeting(row.id, status=to, updated_at=now())
            await publish(kind(**event_fields(row, await store.participants([row.id]))))


async def absences(minutes: int) -> None:
    db = current().db
    due = await db.fetch_as(
        MeetingRow,
        SQL.format("status = 'started' AND absence_checked = {} AND starts_at <= {}"),
        False,
        now() - timedelta(minutes=minutes),
    )
    for row in due:
        info = await provider(row.provider).info(Room(room=row.room, data=row.room_data))
        async with db.transaction():
            locked = await store.meeting(row.id, lock=True)
            if locked is None or locked.absence_checked:
                continue
            await store.update_meeting(row.id, absence_checked=True)
            if info is None:
                continue  # the platform does not tell who came
            persons = await store.participants([row.id])
            for person in persons:
                if str(person.id) in info.user_ids:
                    await db.execute(
                        "UPDATE meetings_participant SET joined_at = {} WHERE id = {}"
                        " AND joined_at IS NULL",
                        now(),
                        person.id,
                    )
                elif person.member_id is not None and not person.absent_reported:
                    await db.execute(
                        "UPDATE meetings_participant SET absent_reported = {} WHERE id = {}",
                        True,
                        person.id,
                    )
                    event = {**event_fields(row, persons), "member_id": person.member_id}
                    event["appeal_id"] = person.appeal_id or row.appeal_id
                    await publish(MemberAbsent(**event))


CLOCK = PeriodicJob("meetings.clock", tick, every=60)
