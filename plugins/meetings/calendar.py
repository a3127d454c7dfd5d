"""The personal and team calendar: meetings, and what other plugins put there (tasks'
deadlines, absences) through ``unionline.calendar_sources`` — never by importing them; and
free/busy of operators when a time is picked."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from unionline import Actor, CalendarQuery, Invalid, calendar_sources, filter_scope
from unionline.plugins.meetings import store
from unionline.plugins.meetings.reading import scoped_rows
from unionline.plugins.meetings.rights import READ
from unionline.plugins.meetings.schemas import BusyInterval, CalendarEntry, OperatorBusy

LONGEST = timedelta(days=62)


def _window(since: datetime, until: datetime) -> None:
    if until <= since:
        raise Invalid("until must be after since", field="until")
    if until - since > LONGEST:
        raise Invalid("a calendar shows at most 62 days at once", field="until")


async def entries(
    actor: Actor,
    since: datetime,
    until: datetime,
    operator_ids: list[uuid.UUID] | None,
    organization_id: uuid.UUID | None = None,
) -> list[CalendarEntry]:
    """Meetings (not cancelled) and the sources' items touching ``[since, until)`` in the
    actor's scope; of ``operator_ids`` only when given (a personal or a team calendar)."""
    _window(since, until)
    rows = await scoped_rows(actor, since=since, until=until, organization_id=organization_id)
    rows = [r for r in rows if r.status != "cancelled"]
    persons = await store.participants([r.id for r in rows])
    wanted = set(operator_ids) if operator_ids is not None else None
    found: list[CalendarEntry] = []
    for row in rows:
        staff = [p.operator_id for p in persons if p.meeting_id == row.id and p.operator_id]
        if wanted is not None and not wanted & set(staff):
            continue
        found.append(
            CalendarEntry(
                kind="meeting",
                source="meetings",
                id=str(row.id),
                title=row.title,
                organization_id=row.organization_id,
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                operator_ids=staff,
                busy=True,
                href=f"#/work/meetings/{row.id}",
                status=row.status,
            )
        )
    ids = (await filter_scope(actor, READ, organization_id)).ids()
    query = CalendarQuery(
        organization_ids=None if ids is None else tuple(ids),
        since=since,
        until=until,
        operator_ids=None if operator_ids is None else tuple(operator_ids),
    )
    for source in calendar_sources():
        for item in await source.items(query):
            if ids is not None and item.organization_id not in ids:
                continue  # a source must keep to the scope; this keeps it if it does not
            found.append(
                CalendarEntry(
                    kind=item.kind,
                    source=item.source,
                    id=item.id,
                    title=item.title,
                    organization_id=item.organization_id,
                    starts_at=item.starts_at,
                    ends_at=item.ends_at,
                    operator_ids=[item.operator_id] if item.operator_id else [],
                    busy=item.busy,
                    href=item.href,
                )
            )
    found.sort(key=lambda e: (e.starts_at, e.title))
    return found


async def busy(
    actor: Actor, operator_ids: list[uuid.UUID], since: datetime, until: datetime
) -> list[OperatorBusy]:
    """When each operator is taken (meetings, busy items) — times and titles within the scope."""
    if not operator_ids:
        raise Invalid("name at least one operator", field="operator_id")  # the query's name
    found = await entries(actor, since, until, operator_ids)
    answer = []
    for operator_id in operator_ids:
        spans = [
            BusyInterval(starts_at=e.starts_at, ends_at=e.ends_at or e.starts_at, title=e.title)
            for e in found
            if e.busy and operator_id in e.operator_ids
        ]
        answer.append(OperatorBusy(operator_id=operator_id, busy=spans))
    return answer
