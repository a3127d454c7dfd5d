"""Which events become notifications, and for whom.

* a note mentioning operators: each one mentioned, except its author;
* an appeal assigned to an operator by someone else (a supervisor, routing, a robot) — not
  one's own claim;
* a robot's ``operators.notify`` notice: each operator it names.
"""

from __future__ import annotations

import uuid
from typing import Any

from unionline.appeals.events import Assigned, NoteAdded
from unionline.events import Event, event_type_name
from unionline.workspace.notifications import Draft, notify

ROBOT_NOTICE = "robots.operators_notified"


async def on_event(event: Event) -> None:
    for draft in drafts(event):
        await notify(draft)


def drafts(event: Event) -> list[Draft]:
    if not event.id:
        return []
    if isinstance(event, NoteAdded):
        author = event.entry.author_id
        return [
            _about(event, "mention", who, author, event.preview)
            for who in dict.fromkeys(event.mentions)
            if who != author
        ]
    if isinstance(event, Assigned):
        who, author = event.assignee_id, event.entry.author_id
        if who is None or who == author or who == event.old_assignee_id:
            return []
        return [_about(event, "assigned", who, author, event.appeal.subject)]
    if event_type_name(type(event)) == ROBOT_NOTICE:
        return _robot(event)
    return []


def _about(
    event: NoteAdded | Assigned, kind: Any, who: uuid.UUID, author: uuid.UUID | None, text: str
) -> Draft:
    return Draft(
        operator_id=who,
        kind=kind,
        cause=str(event.id),
        organization_id=event.organization_id,
        appeal_id=event.appeal_id,
        appeal_number=event.appeal.number,
        author_id=author,
        text=text,
    )


def _robot(event: Any) -> list[Draft]:
    """The robots' notice event is read by its fields (the robots package is a peer domain)."""
    return [
        Draft(
            operator_id=who,
            kind="robot",
            cause=str(event.id),
            organization_id=event.organization_id,
            appeal_id=getattr(event, "appeal_id", None),
            appeal_number=getattr(event, "appeal_number", None) or "",
            text=str(getattr(event, "text", "")),
        )
        for who in dict.fromkeys(getattr(event, "operator_ids", []))
    ]
