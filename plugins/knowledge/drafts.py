"""«Статья из обращения»: a draft article made from a resolved appeal — its subject as the
title, the member's question and the replies as the text — for an editor to rework."""

from __future__ import annotations

import uuid

from unionline import Actor, Conflict, NotFound, appeal_messages, load_appeal, scope_for
from unionline.appeals.statuses import DONE
from unionline.plugins.knowledge import articles
from unionline.plugins.knowledge.schemas import ArticleCreate
from unionline.plugins.knowledge.store import ArticleRow


def compose(subject: str, questions: list[str], answers: list[str]) -> str:
    parts = ["## Вопрос", "", *(q.strip() for q in questions if q.strip()), ""]
    parts += ["## Ответ", "", *(a.strip() for a in answers if a.strip())]
    return "\n\n".join(p for p in "\n".join(parts).split("\n\n")).strip() + "\n"


async def from_appeal(actor: Actor, appeal_id: uuid.UUID) -> ArticleRow:
    appeal = await load_appeal(appeal_id, field="appeal_id")
    if not (await scope_for(actor, "appeals.read")).allows(appeal.organization_id):
        raise NotFound("appeal does not exist", field="appeal_id")
    if appeal.status not in DONE:
        raise Conflict("only a resolved or closed appeal becomes an article", field="appeal_id")
    messages = await appeal_messages(appeal.id, limit=50)
    questions = [m.body for m in messages if m.kind == "message_in"]
    answers = [m.body for m in messages if m.kind == "message_out"]
    title = (appeal.subject or (questions[0] if questions else "") or appeal.number)[:200]
    return await articles.create(
        actor,
        ArticleCreate(
            organization_id=appeal.organization_id,
            title=title.strip() or appeal.number,
            body=compose(appeal.subject, questions, answers),
            tags=["из-обращения"],
        ),
    )
