"""Reading meetings: one (with the reader's own link), lists and the rows of a window, always
within the organization subtrees of the reader's ``meetings.read`` (404 outside, as if absent)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from unionline import Actor, Conflict, Forbidden, NotFound, current, filter_scope, scope_for
from unionline.plugins.meetings import links, store
from unionline.plugins.meetings.providers import PlatformUnavailable
from unionline.plugins.meetings.rights import READ
from unionline.plugins.meetings.schemas import JoinLink, MeetingView, ParticipantView
from unionline.plugins.meetings.store import MeetingRow, ParticipantRow


async def visible(actor: Actor, meeting_id: uuid.UUID, *, lock: bool = False) -> MeetingRow:
    actor.require(READ)
    row = await store.meeting(meeting_id, lock=lock)
    if row is None or not (await scope_for(actor, READ)).allows(row.organization_id):
        raise NotFound(f"meeting {meeting_id} does not exist", field="meeting_id")
    return row


async def get(actor: Actor, meeting_id: uuid.UUID) -> MeetingView:
    row = await visible(actor, meeting_id)
    return await view(row, await store.participants([row.id]), actor)


async def join(actor: Actor, meeting_id: uuid.UUID) -> JoinLink:
    """The actor's own link (a moderator's): only for a participant of a meeting not over."""
    row = await visible(actor, meeting_id)
    person = next(
        (p for p in await store.participants([row.id]) if p.operator_id == actor.operator_id),
        None,
    )
    if person is None:
        raise Forbidden("only the meeting's participants may join", field="meeting_id")
    if row.status in ("cancelled", "ended"):
        raise Conflict(f"the meeting is {row.status}", field="status", extra={"status": row.status})
    return JoinLink(
        url=await links.join_url(row, person),
        moderator=person.role == "moderator",
        expires_at=await links.expires(row),
    )


async def listing(
    actor: Actor,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    organization_id: uuid.UUID | None = None,
    appeal_id: uuid.UUID | None = None,
    limit: int = 200,
) -> list[MeetingView]:
    rows = await scoped_rows(
        actor, since=since, until=until, organization_id=organization_id, appeal_id=appeal_id
    )
    rows = rows[:limit]
    persons = await store.participants([r.id for r in rows])
    return [await view(r, [p for p in persons if p.meeting_id == r.id], actor) for r in rows]


async def scoped_rows(
    actor: Actor,
    *,
    since: datetime | None,
    until: datetime | None,
    organization_id: uuid.UUID | None = None,
    appeal_id: uuid.UUID | None = None,
) -> list[MeetingRow]:
    actor.require(READ)
    ids = (await filter_scope(actor, READ, organization_id)).ids()
    where: list[str] = ["1 = 1"]
    args: list[Any] = []
    if ids is not None:
        if not ids:
            return []
        where.append(f"organization_id IN ({', '.join('{}' for _ in ids)})")
        args += ids
    if since is not None:
        where.append("ends_at > {}")
        args.append(since)
    if until is not None:
        where.append("starts_at < {}")
        args.append(until)
    if appeal_id is not None:  # the appeal's own, and those its member was invited to from it
        where.append(
            "(appeal_id = {} OR id IN (SELECT meeting_id FROM meetings_participant"
            " WHERE appeal_id = {}))"
        )
        args += [appeal_id, appeal_id]
    return await current().db.fetch_as(
        MeetingRow,
        f"SELECT * FROM meetings_meeting WHERE {' AND '.join(where)} ORDER BY starts_at, id",
        *args,
    )


async def view(row: MeetingRow, persons: list[ParticipantRow], actor: Actor | None) -> MeetingView:
    mine = next(
        (
            p
            for p in persons
            if actor is not None and p.operator_id == actor.operator_id and p.operator_id
        ),
        None,
    )
    url = None
    if mine is not None and row.status not in ("cancelled", "ended"):
        try:
            url = await links.join_url(row, mine)
        except PlatformUnavailable:
            url = None  # the platform's settings changed since: the meeting is still shown
    return MeetingView(
        id=row.id,
        organization_id=row.organization_id,
        title=row.title,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        duration_minutes=int((row.ends_at - row.starts_at).total_seconds() // 60),
        organizer_id=row.organizer_id,
        provider=row.provider,
        status=row.status,
        sequence=row.sequence,
        instant=row.instant,
        appeal_id=row.appeal_id,
        task_id=row.task_id,
        document_id=row.document_id,
        participants=[
            ParticipantView(
                id=p.id,
                operator_id=p.operator_id,
                member_id=p.member_id,
                name=p.name,
                role=p.role,
                channel="appeal" if p.appeal_id else ("email" if p.email else ""),
                joined_at=p.joined_at,
            )
            for p in persons
        ],
        join_url=url,
    )
