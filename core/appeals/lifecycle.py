"""The appeal status machine: ``new → open → waiting → resolved → closed``.

Operators move appeals along :data:`TRANSITIONS`; anything else is a 409 listing the allowed
targets. Member replies move them too (see ``services.receive_message``): a reply to a
waiting appeal opens it, a reply to a resolved one within the reopen window reopens it.
``closed`` is terminal: a member writing again starts a new appeal linked to the old one.
Every change is a ``status_changed`` timeline entry and an ``appeal.status_changed`` event.
"""

from __future__ import annotations

import uuid
from typing import Any

from unionline.appeals import clock, store, timeline
from unionline.appeals.events import StatusChanged
from unionline.appeals.schemas import TimelineEntryView
from unionline.appeals.statuses import TRANSITIONS
from unionline.appeals.store import AppealRow
from unionline.errors import Conflict
from unionline.runtime import publish


def allowed(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


def check(old: str, new: str) -> None:
    """Raise Conflict (409) unless ``old → new`` is a transition; ``extra.allowed`` lists them."""
    if new not in allowed(old):
        raise Conflict(
            f"an appeal cannot go from {old!r} to {new!r}",
            field="status",
            extra={"status": old, "allowed": list(allowed(old))},
        )


def stamps(old: str, new: str) -> dict[str, Any]:
    """Timestamps that move with a transition."""
    moment = clock.now()
    changes: dict[str, Any] = {"status": new, "updated_at": moment}
    if new == "resolved":
        changes["resolved_at"] = moment
    elif new == "closed":
        changes["closed_at"] = moment
    elif old == "resolved":
        changes["resolved_at"] = None  # reopened: it is no longer resolved
    return changes


async def change(
    row: AppealRow,
    new: str,
    *,
    author_id: uuid.UUID | None,
    reason: str = "operator",
    extra: dict[str, Any] | None = None,
) -> tuple[AppealRow, TimelineEntryView]:
    """Move ``row`` to ``new`` (checked), record it and publish it. Inside a transaction."""
    old = row.status
    check(old, new)
    updated = await store.update(row.id, stamps(old, new))
    assert updated is not None
    data = {"old": old, "new": new, "reason": reason, **(extra or {})}
    entry = await timeline.add(updated, "status_changed", author_id=author_id, data=data)
    await publish(
        StatusChanged(
            organization_id=updated.organization_id,
            appeal_id=updated.id,
            appeal=store.summary(updated),
            entry=entry,
            old=old,
            new=new,
        )
    )
    return updated, entry
