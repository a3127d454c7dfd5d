"""The demo's queues by topic, as a union office keeps them, and the robot rules that route a
new appeal to its topic's queue by the words of the member's message (``unionline demo``).

Each primary organization gets «Общая» (the default: what matches no topic) and one queue per
topic; «Правовая помощь» needs an operator with the skill «юрист» (the first operator of each
organization has it). Every queue overflows to the federation's after
:data:`unionline.demo.OVERFLOW_MINUTES`. Seeding again reuses what exists (by name).
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

GENERAL = "Общая"


class Topic(msgspec.Struct, frozen=True, kw_only=True):
    queue: str
    about: str  # the queue's topic, as the console shows it
    strategy: str = "least_busy"
    skills: tuple[str, ...] = ()
    words: str  # a robots' pattern (case-insensitive) over the message and the subject


TOPICS = (
    Topic(
        queue="Правовая помощь",
        about="Трудовые споры: зарплата, сверхурочные, перевод, увольнение",
        strategy="skills",
        skills=("юрист",),
        words=r"зарплат|сверхуроч|увольн|уволи|перевод|без моего согласия|трудов\w* договор",
    ),
    Topic(
        queue="Охрана труда",
        about="Условия труда, спецодежда и средства защиты, травмы",
        words=r"спецодежд|охран\w* труда|травм|вентиляц|средств\w* защиты",
    ),
    Topic(
        queue="Членство и взносы",
        about="Вступление в профсоюз, членские взносы, профсоюзный билет",
        words=r"вступ|взнос|членск|профсоюзн\w* билет",
    ),
)


async def seed_queues(
    actor: Any, org: uuid.UUID, overflow: uuid.UUID, minutes: int
) -> dict[str, uuid.UUID]:
    """«Общая» (the default) and a queue per topic in ``org``, and a rule per topic routing a
    new appeal there; the queues by name."""
    made = {
        GENERAL: await make_queue(
            actor, org, GENERAL, default=True, overflow=overflow, minutes=minutes
        )
    }
    for topic in TOPICS:
        made[topic.queue] = await make_queue(
            actor, org, topic.queue, about=topic.about, strategy=topic.strategy,
            skills=topic.skills, overflow=overflow, minutes=minutes,
        )  # fmt: skip
        await _rule(actor, org, topic, made[topic.queue])
    return made


async def make_queue(
    actor: Any,
    org: uuid.UUID,
    name: str,
    *,
    about: str = "",
    strategy: str = "least_busy",
    skills: tuple[str, ...] = (),
    default: bool = False,
    overflow: uuid.UUID | None = None,
    minutes: int = 0,
) -> uuid.UUID:
    """The queue ``name`` of ``org`` (the one there, or made)."""
    from unionline.routing import queues
    from unionline.routing.schemas import QueueCreate

    for existing in await queues.list_queues(actor, org):
        if existing.name == name:
            return existing.id
    view = await queues.create(
        actor,
        QueueCreate(
            organization_id=org,
            name=name,
            topic=about,
            strategy=strategy,
            skills=list(skills),
            is_default=default,
            overflow_queue_id=overflow,
            overflow_after_minutes=minutes if overflow else 0,
        ),
    )
    return view.id


async def _rule(actor: Any, org: uuid.UUID, topic: Topic, queue: uuid.UUID) -> None:
    from unionline.robots import services
    from unionline.robots.schemas import ActionStep, EventTrigger, RuleCreate, TextMatches

    name = f"В очередь «{topic.queue}»"
    if any(rule.name == name for rule in await services.list_rules(actor, org)):
        return
    await services.create_rule(
        actor,
        RuleCreate(
            organization_id=org,
            name=name,
            description=f"Новое обращение о теме «{topic.about}» — в её очередь",
            trigger=EventTrigger(event_type="appeal.created"),
            conditions=TextMatches(op="matches", value=topic.words, source="any"),
            actions=[ActionStep(action="appeal.transfer", params={"queue_id": str(queue)})],
        ),
    )
