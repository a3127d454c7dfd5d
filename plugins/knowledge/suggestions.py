"""Suggestions while answering: the three articles that best match what the member wrote,
resolved for the appeal's organization — computed when a member's message is committed and
pushed to the consoles that see the appeal (signal ``knowledge.suggestions``), and on request
when an operator opens an appeal. What operators do with them is logged
(``knowledge_suggestion_log``) and counted per article."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from unionline import (
    Actor,
    AppealRow,
    NotFound,
    appeal_messages,
    current,
    load_appeal,
    now,
    scope_for,
    signal_appeal,
)
from unionline.plugins.knowledge import search
from unionline.plugins.knowledge.reading import public_link
from unionline.plugins.knowledge.schemas import Suggestion, SuggestionAction, Suggestions
from unionline.plugins.knowledge.text import as_message, excerpt
from unionline.plugins.knowledge.viewer import READ, viewer_at

SIGNAL = "knowledge.suggestions"
TOP = 3
MESSAGES = 3  # the member's last messages read for an appeal opened


async def for_text(organization_id: uuid.UUID, text: str, limit: int = TOP) -> list[Suggestion]:
    """The best ``limit`` articles for a member's ``text``, as seen from the organization."""
    viewer = await viewer_at(organization_id)
    rows = await search.find(viewer, search.informative(text), match="any", limit=limit)
    return [
        Suggestion(
            article_id=r.id,
            title=r.published_title,
            excerpt=excerpt(r.published_body, 240),
            visibility=r.visibility,  # type: ignore[arg-type]
            link=public_link(r),
            rank=round(r.rank, 4),
            text=as_message(r.published_body),
        )
        for r in rows
    ]


async def _appeal(actor: Actor, appeal_id: uuid.UUID) -> AppealRow:
    actor.require(READ)
    appeal = await load_appeal(appeal_id, field="appeal_id")
    for permission in ("appeals.read", READ):
        if not (await scope_for(actor, permission)).allows(appeal.organization_id):
            raise NotFound("appeal does not exist", field="appeal_id")
    return appeal


async def member_text(appeal: AppealRow) -> str:
    messages = await appeal_messages(appeal.id, limit=20)
    said = [m.body for m in messages if m.kind == "message_in"][-MESSAGES:]
    return "\n".join([appeal.subject, *said])


async def for_appeal(actor: Actor, appeal_id: uuid.UUID) -> Suggestions:
    """Suggestions for an appeal an operator opens (its subject and the member's last
    messages)."""
    appeal = await _appeal(actor, appeal_id)
    items = await for_text(appeal.organization_id, await member_text(appeal))
    return Suggestions(appeal_id=appeal.id, items=items)


async def pushed(appeal_id: uuid.UUID, organization_id: uuid.UUID, text: str) -> list[Suggestion]:
    """After a member's message committed: suggest for it and tell the consoles."""
    items = await for_text(organization_id, text)
    payload: dict[str, Any] = {"items": msgspec.to_builtins(items)}
    await signal_appeal(appeal_id, SIGNAL, payload)
    if items:
        await _log(
            appeal_id,
            organization_id,
            None,
            [(s.article_id, "shown", i) for i, s in enumerate(items)],
        )
    return items


async def record(actor: Actor, appeal_id: uuid.UUID, data: SuggestionAction) -> None:
    """An operator inserted or opened a suggested article."""
    appeal = await _appeal(actor, appeal_id)
    await _log(
        appeal.id,
        appeal.organization_id,
        actor.operator_id,
        [(data.article_id, data.action, data.rank)],
    )


async def _log(
    appeal_id: uuid.UUID,
    organization_id: uuid.UUID,
    operator_id: uuid.UUID | None,
    actions: list[tuple[uuid.UUID, str, int]],
) -> None:
    marks = ", ".join("({}, {}, {}, {}, {}, {}, {})" for _ in actions)
    args: list[Any] = []
    for article_id, action, rank in actions:
        args += [appeal_id, organization_id, article_id, operator_id, action, rank, now()]
    await current().db.execute(
        "INSERT INTO knowledge_suggestion_log (appeal_id, organization_id, article_id,"
        f" operator_id, action, rank, created_at) VALUES {marks}",
        *args,
    )


async def on_message(event: Any) -> None:
    """``on_event`` for ``appeal.message_in``: the entry's text drives the suggestions."""
    entry = getattr(event, "entry", None)
    appeal = getattr(event, "appeal", None)
    if entry is None or appeal is None or not getattr(entry, "body", ""):
        return
    await pushed(event.appeal_id, appeal.organization_id, f"{appeal.subject}\n{entry.body}")
