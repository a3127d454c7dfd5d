"""Hook points for what plugins put in the staff's calendar: tasks' deadlines, timekeeping's
absences, docflow's due dates — read by the meetings plugin's calendar and free/busy; and who a
meeting about a plugin's object invites (a task's people, a document's approvers).

A plugin adds a :class:`CalendarSource` with :func:`add_calendar_source`
(``unionline.add_calendar_source``) in its ``runtime_started`` hook, as a metric source is
added. A reader (the meetings plugin, when enabled) asks every source for the
:class:`CalendarItem` values of a :class:`CalendarQuery`; with no reader the sources are never
asked. A source answers only inside the organizations it is given (the caller has applied the
reader's scope) and only for the operators named, when it is given some.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

import msgspec

from unionline.runtime import current

_KEY = "calendar.sources"


class CalendarQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Items touching ``[since, until)`` in these organizations (None: the whole federation —
    the reader holds it), of these operators (None: everyone's)."""

    organization_ids: tuple[uuid.UUID, ...] | None
    since: datetime
    until: datetime
    operator_ids: tuple[uuid.UUID, ...] | None = None

    def sql_where(
        self,
        *,
        organization: str,
        operator: str,
        at: str | None = None,
        during: tuple[str, str] | None = None,
    ) -> tuple[str, list[Any]] | None:
        """This query as a raw-SQL ``WHERE`` fragment (``{}`` placeholders, both engines) and its
        arguments, for a table whose organization and operator columns are named: the window
        on the moment column ``at`` (``since <= at < until``) or on the span ``during``
        (``(starts, ends)`` touching the window), ``IN (…)`` for the organizations and
        operators given. None when an empty id list means nothing can match (ask no database).

        ``where, args = found`` then ``f"… WHERE status = 'open' AND {where}", *args``.
        """
        clauses: list[str] = []
        args: list[Any] = []
        if at is not None:
            clauses += [f"{at} >= {{}}", f"{at} < {{}}"]
            args += [self.since, self.until]
        if during is not None:
            clauses += [f"{during[0]} < {{}}", f"{during[1]} > {{}}"]
            args += [self.until, self.since]
        for column, ids in ((organization, self.organization_ids), (operator, self.operator_ids)):
            if ids is None:
                continue
            if not ids:
                return None
            clauses.append(f"{column} IN ({', '.join('{}' for _ in ids)})")
            args += ids
        return " AND ".join(clauses) or "1 = 1", args


class CalendarItem(msgspec.Struct, frozen=True, kw_only=True):
    """One thing in an operator's calendar: a task's deadline (``ends_at`` None: a moment), an
    absence (``busy``: the operator cannot meet then)."""

    source: str  # the plugin's name
    kind: str  # e.g. "task_deadline", "absence"
    id: str  # the thing's id in its plugin
    title: str
    organization_id: uuid.UUID
    operator_id: uuid.UUID | None
    starts_at: datetime
    ends_at: datetime | None = None
    busy: bool = False
    href: str = ""  # the console address it opens, e.g. "#/work/tasks/<id>"


class CalendarSource(Protocol):
    name: str  # the plugin's name

    async def items(self, query: CalendarQuery) -> Sequence[CalendarItem]:
        """What this plugin has in the calendar for ``query``."""
        ...


def add_calendar_source(source: CalendarSource) -> None:
    """Add ``source`` to the calendars of this runtime (in ``runtime_started``). One source per
    name: adding it again replaces it."""
    current().state.setdefault(_KEY, {})[source.name] = source


def calendar_sources() -> list[CalendarSource]:
    """The sources added in this runtime, by name."""
    found: dict[str, CalendarSource] = current().state.get(_KEY, {})
    return [found[name] for name in sorted(found)]


class MeetingSubject(msgspec.Struct, frozen=True, kw_only=True):
    """A plugin's object a meeting is about, as the actor may see it: its title and people."""

    kind: str  # "task", "document"
    id: uuid.UUID
    title: str
    organization_id: uuid.UUID
    operator_ids: tuple[uuid.UUID, ...] = ()
    member_ids: tuple[uuid.UUID, ...] = ()
    appeal_id: uuid.UUID | None = None


class SubjectSource(Protocol):
    name: str  # the plugin's name
    kinds: tuple[str, ...]  # the ``kind`` values it answers for

    async def subject(self, actor: Any, kind: str, object_id: uuid.UUID) -> MeetingSubject | None:
        """The object and its people, or None when it does not exist or the actor may not
        see it (the caller answers 404 then)."""
        ...


_SUBJECTS = "meetings.subject_sources"


def add_subject_source(source: SubjectSource) -> None:
    """Let meetings about ``source.kinds`` invite their people (in ``runtime_started``)."""
    current().state.setdefault(_SUBJECTS, {})[source.name] = source


def subject_sources() -> list[SubjectSource]:
    found: dict[str, SubjectSource] = current().state.get(_SUBJECTS, {})
    return [found[name] for name in sorted(found)]


__all__ = [
    "CalendarItem",
    "CalendarQuery",
    "CalendarSource",
    "MeetingSubject",
    "SubjectSource",
    "add_calendar_source",
    "add_subject_source",
    "calendar_sources",
    "subject_sources",
]
