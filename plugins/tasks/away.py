"""Whether a task's responsible person is away (an approved absence, from whichever plugin adds
busy ``absence`` items to the staff calendar — timekeeping does) between now and the deadline:
the task's page warns, so a task is not left with someone on vacation or sick leave. Only the
dates are shown, never the reason (a sick leave is the person's own business)."""

from __future__ import annotations

from datetime import timedelta

from unionline import CalendarQuery, calendar_sources, now
from unionline.plugins.tasks.schemas import Away
from unionline.plugins.tasks.store import TaskRow
from unionline.plugins.tasks.vocabulary import CLOSED

AHEAD = timedelta(days=7)  # the window looked at when the task has no deadline


async def responsible_away(task: TaskRow) -> list[Away]:
    if task.responsible_id is None or task.status in CLOSED:
        return []
    since = now()
    until = max(task.deadline or since + AHEAD, since + timedelta(hours=1))
    query = CalendarQuery(
        organization_ids=None, since=since, until=until, operator_ids=(task.responsible_id,)
    )
    found: list[Away] = []
    for source in calendar_sources():
        for item in await source.items(query):
            if item.busy and item.kind == "absence" and item.operator_id == task.responsible_id:
                found.append(Away(starts_at=item.starts_at, ends_at=item.ends_at or until))
    return sorted(found, key=lambda a: a.starts_at)
