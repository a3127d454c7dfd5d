"""Meetings: hold one (scheduled, instant from an appeal, or about a task), change or cancel
it (reading them: :mod:`.reading`).

Every read is scoped to the organization subtrees of the actor's ``meetings.read`` (404
outside, as if absent); a change is one transaction with its events and the members' messages
(exactly once: :mod:`.notices`). The platform's room is made before the transaction (a network
call), so a refused platform writes nothing.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from unionline import (
    Actor,
    Conflict,
    Invalid,
    MeetingSubject,
    NotFound,
    NotReady,
    ServiceError,
    current,
    load_appeal,
    now,
    publish,
    read_settings,
    scope_for,
    subject_sources,
)
from unionline.plugins.meetings import notices, people, store
from unionline.plugins.meetings.providers import (
    MeetingSpec,
    Room,
    make_room,
    provider,
)
from unionline.plugins.meetings.reading import view, visible
from unionline.plugins.meetings.rights import CREATE, READ, may_change, require_in_scope
from unionline.plugins.meetings.schemas import (
    InstantMeeting,
    MeetingCancelled,
    MeetingChanged,
    MeetingCreate,
    MeetingScheduled,
    MeetingStarted,
    MeetingUpdate,
    MeetingView,
)
from unionline.plugins.meetings.settings import MeetingsSettings
from unionline.plugins.meetings.store import MeetingRow, ParticipantRow

log = logging.getLogger(__name__)


def aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None:
        raise Invalid(
            "a time needs its zone (RFC 3339, e.g. 2026-12-07T15:00:00+03:00)", field=field
        )
    return value


async def _appeal(actor: Actor, appeal_id: uuid.UUID | None) -> Any:
    if appeal_id is None:
        return None
    try:
        row = await load_appeal(appeal_id, field="appeal_id")
    except NotFound:
        raise NotFound(f"appeal {appeal_id} does not exist", field="appeal_id") from None
    if not (await scope_for(actor, READ)).allows(row.organization_id):
        raise NotFound(f"appeal {appeal_id} does not exist", field="appeal_id")
    return row


async def create(actor: Actor, body: MeetingCreate, *, robot_key: str | None = None) -> MeetingView:
    await require_in_scope(actor, CREATE, body.organization_id)
    settings = await read_settings(MeetingsSettings)
    starts_at = aware(body.starts_at, "starts_at")
    minutes = body.duration_minutes or settings.duration_minutes
    subject = await _subject(actor, body)
    appeal = await _appeal(actor, body.appeal_id or (subject.appeal_id if subject else None))
    invited = [
        await people.staff(o, body.organization_id, "operator_ids") for o in body.operator_ids
    ]
    invited += [await people.guest(actor, m, appeal) for m in body.member_ids]
    if subject is not None:
        invited += await _subject_people(actor, subject, body, appeal)
    return await _hold(
        actor,
        organization_id=body.organization_id,
        title=body.title,
        starts_at=starts_at,
        minutes=minutes,
        invited=invited,
        provider_name=body.provider or settings.provider,
        links={
            "appeal_id": appeal.id if appeal else None,
            "task_id": body.task_id,
            "document_id": body.document_id,
        },
        robot_key=robot_key,
    )


async def _subject(actor: Actor, body: MeetingCreate) -> MeetingSubject | None:
    """The task or document the meeting is about, from the plugin that keeps it (None when no
    enabled plugin answers for that kind: the meeting only links it)."""
    for kind, object_id in (("task", body.task_id), ("document", body.document_id)):
        if object_id is None:
            continue
        for source in subject_sources():
            if kind in source.kinds:
                found = await source.subject(actor, kind, object_id)
                if found is None:
                    raise NotFound(f"{kind} {object_id} does not exist", field=f"{kind}_id")
                return found
    return None


async def _subject_people(
    actor: Actor, subject: MeetingSubject, body: MeetingCreate, appeal: Any
) -> list[people.Person]:
    """The subject's people not named already; those who cannot see the meeting's
    organization are left out (they could not open it)."""
    found: list[people.Person] = []
    named = {*body.operator_ids, actor.operator_id}
    for operator_id in subject.operator_ids:
        if operator_id not in named:
            with contextlib.suppress(Invalid):
                found.append(await people.staff(operator_id, body.organization_id, "task_id"))
    for member_id in subject.member_ids:
        if member_id not in body.member_ids:
            with contextlib.suppress(Invalid):
                found.append(await people.guest(actor, member_id, appeal, "task_id"))
    return found


async def instant(
    actor: Actor, body: InstantMeeting, *, robot_key: str | None = None
) -> MeetingView:
    """«Видеозвонок»: a meeting starting now with the appeal's member, whose link goes to them
    at once on the appeal's channel; the caller's own (moderator's) link comes back."""
    appeal = await _appeal(actor, body.appeal_id)
    await require_in_scope(actor, CREATE, appeal.organization_id)
    settings = await read_settings(MeetingsSettings)
    member = await people.guest(actor, appeal.member_id, appeal)
    return await _hold(
        actor,
        organization_id=appeal.organization_id,
        title=body.title or f"Видеозвонок по обращению {appeal.number}",
        starts_at=now(),
        minutes=body.duration_minutes or settings.duration_minutes,
        invited=[member],
        provider_name=settings.provider,
        links={"appeal_id": appeal.id},
        instant=True,
        robot_key=robot_key,
    )


async def _hold(
    actor: Actor,
    *,
    organization_id: uuid.UUID,
    title: str,
    starts_at: datetime,
    minutes: int,
    invited: list[people.Person],
    provider_name: str,
    links: dict[str, uuid.UUID | None],
    instant: bool = False,
    robot_key: str | None = None,
) -> MeetingView:
    platform = provider(provider_name)
    meeting_id = uuid.uuid4()
    organizer = (
        await people.staff(actor.operator_id, organization_id, "organizer")
        if actor.operator_id is not None
        else None
    )
    ends_at = starts_at + timedelta(minutes=minutes)
    spec = MeetingSpec(
        id=meeting_id,
        title=title,
        organization_id=organization_id,
        organizer_id=actor.operator_id,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    room = await make_room(platform, spec)
    async with current().db.transaction():
        await _insert(spec, platform.name, room, instant=instant, links=links, robot_key=robot_key)
        await people.add(meeting_id, ([organizer] if organizer else []) + invited)
        row = await store.meeting(meeting_id)
        assert row is not None
        persons = await store.participants([meeting_id])
        await publish(MeetingScheduled(instant=instant, **event_fields(row, persons)))
        if instant:
            await publish(MeetingStarted(**event_fields(row, persons)))
        await notices.announce(actor, row, persons, "link")
    return await view(row, persons, actor)


async def _insert(
    spec: MeetingSpec,
    platform: str,
    room: Room,
    *,
    instant: bool,
    links: dict[str, uuid.UUID | None],
    robot_key: str | None,
) -> None:
    moment = now()
    await store.insert(
        "meetings_meeting",
        {
            "id": spec.id,
            "organization_id": spec.organization_id,
            "title": spec.title,
            "starts_at": spec.starts_at,
            "ends_at": spec.ends_at,
            "organizer_id": spec.organizer_id,
            "provider": platform,
            "room": room.room,
            "room_data": dict(room.data),
            "status": "started" if instant else "scheduled",
            "sequence": 0,
            "instant": instant,
            **links,
            "absence_checked": False,
            "robot_key": robot_key,
            "created_at": moment,
            "updated_at": moment,
        },
    )


def event_fields(row: MeetingRow, persons: list[ParticipantRow]) -> dict[str, Any]:
    member = next((p for p in persons if p.member_id is not None), None)
    return {
        "organization_id": row.organization_id,
        "meeting_id": row.id,
        "subject": row.title,
        "starts_at": row.starts_at,
        "appeal_id": row.appeal_id or (member.appeal_id if member else None),
        "member_id": member.member_id if member else None,
    }


async def update(actor: Actor, meeting_id: uuid.UUID, body: MeetingUpdate) -> MeetingView:
    changes: dict[str, Any] = {}
    async with current().db.transaction():
        row = await visible(actor, meeting_id, lock=True)
        await may_change(actor, row.organization_id, row.organizer_id)
        if row.status != "scheduled":
            raise Conflict(
                f"the meeting is {row.status}", field="status", extra={"status": row.status}
            )
        if body.title is not None and body.title != row.title:
            changes["title"] = body.title
        starts_at = aware(body.starts_at, "starts_at") if body.starts_at else row.starts_at
        length = row.ends_at - row.starts_at
        if body.duration_minutes is not None:
            length = timedelta(minutes=body.duration_minutes)
        if starts_at != row.starts_at:
            changes.update(starts_at=starts_at, reminded_at=None, absence_checked=False)
        if starts_at + length != row.ends_at:
            changes["ends_at"] = starts_at + length
        if not changes:
            return await view(row, await store.participants([row.id]), actor)
        row = await store.update_meeting(
            row.id, sequence=row.sequence + 1, updated_at=now(), **changes
        )
        persons = await store.participants([row.id])
        fields = sorted(k for k in changes if k not in ("reminded_at", "absence_checked"))
        await publish(MeetingChanged(fields=fields, **event_fields(row, persons)))
        await notices.announce(actor, row, persons, "changed")
    return await view(row, persons, actor)


async def cancel(actor: Actor, meeting_id: uuid.UUID) -> MeetingView:
    async with current().db.transaction():
        row = await visible(actor, meeting_id, lock=True)
        await may_change(actor, row.organization_id, row.organizer_id)
        if row.status in ("cancelled", "ended"):
            raise Conflict(
                f"the meeting is {row.status}", field="status", extra={"status": row.status}
            )
        row = await store.update_meeting(
            row.id, status="cancelled", sequence=row.sequence + 1, updated_at=now()
        )
        persons = await store.participants([row.id])
        await publish(MeetingCancelled(**event_fields(row, persons)))
        await notices.announce(actor, row, persons, "cancelled")
    await _end_room(row)
    return await view(row, persons, actor)


async def _end_room(row: MeetingRow) -> None:
    """Close the platform's room after the cancellation committed; a platform that cannot be
    reached keeps it until its own expiry (the links expire anyway)."""
    try:
        await provider(row.provider).end(Room(room=row.room, data=row.room_data))
    except (NotReady, ServiceError) as exc:
        log.warning("meetings: could not end the room of %s: %s", row.id, exc)
