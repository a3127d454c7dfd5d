"""Docflow in the staff calendar (``unionline.add_calendar_source``): each pending route
step's deadline, in its assignee's calendar — read by the meetings plugin's calendar, which never
imports this plugin; and a document's people for a meeting about it
(``unionline.add_subject_source``): its author, the route's people and the member."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from unionline import Actor, CalendarItem, CalendarQuery, MeetingSubject, NotFound, current
from unionline.plugins.docflow.store import Assignee


class _Due(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    document_id: uuid.UUID
    organization_id: uuid.UUID
    title: str
    assignee_id: uuid.UUID
    due_at: datetime


class StepDeadlines:
    name = "docflow"

    async def items(self, query: CalendarQuery) -> list[CalendarItem]:
        found = query.sql_where(
            organization="d.organization_id", operator="s.assignee_id", at="s.due_at"
        )
        if found is None:
            return []
        where, args = found
        rows = await current().db.fetch_as(
            _Due,
            "SELECT s.id, s.document_id, d.organization_id, d.title, s.assignee_id, s.due_at"
            " FROM docflow_step s JOIN docflow_document d ON d.id = s.document_id"
            f" WHERE s.status = 'pending' AND {where} ORDER BY s.due_at LIMIT 1000",
            *args,
        )
        return [
            CalendarItem(
                source="docflow",
                kind="step_deadline",
                id=str(r.id),
                title=r.title,
                organization_id=r.organization_id,
                operator_id=r.assignee_id,
                starts_at=r.due_at,
                href=f"#/work/docflow/{r.document_id}",
            )
            for r in rows
        ]


class DocumentPeople:
    """A meeting about a document invites its author, the people of its route and its member."""

    name = "docflow"
    kinds: tuple[str, ...] = ("document",)

    async def subject(self, actor: Actor, kind: str, object_id: uuid.UUID) -> MeetingSubject | None:
        from unionline.plugins.docflow.documents import visible

        try:
            doc = await visible(actor, object_id)
        except NotFound:
            return None
        rows = await current().db.fetch_as(
            Assignee, "SELECT DISTINCT assignee_id FROM docflow_step WHERE document_id = {}", doc.id
        )
        people = [doc.author_id, *(r.assignee_id for r in rows)]
        return MeetingSubject(
            kind="document",
            id=doc.id,
            title=doc.title,
            organization_id=doc.organization_id,
            operator_ids=tuple(dict.fromkeys(p for p in people if p)),
            member_ids=(doc.member_id,) if doc.member_id else (),
            appeal_id=doc.appeal_id,
        )
