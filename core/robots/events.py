"""Robot events: a rule fired (with what each step did), the loop guard stopped it, and each
entry a robot wrote on an appeal's timeline (so consoles show it as it happens)."""

from __future__ import annotations

import uuid

from unionline.appeals.schemas import TimelineEntryView
from unionline.events import Event


class RuleExecuted(Event, tag="robots.rule_executed"):
    """A rule's execution finished, failed, stopped or paused on a wait."""

    rule_id: uuid.UUID
    rule_name: str
    execution_id: uuid.UUID
    appeal_id: uuid.UUID | None
    status: str
    summaries: list[str]


class RuleBlocked(Event, tag="robots.rule_blocked"):
    """The loop guard stopped a rule: it fired ``limit`` times for the appeal within an hour."""

    rule_id: uuid.UUID
    rule_name: str
    execution_id: uuid.UUID
    appeal_id: uuid.UUID | None
    limit: int


class RobotNoted(Event, tag="robots.noted"):
    """A robot wrote ``entry`` on the appeal's timeline: a step's outcome or the loop guard."""

    appeal_id: uuid.UUID
    rule_id: uuid.UUID
    execution_id: uuid.UUID
    entry: TimelineEntryView


ROBOT_EVENTS: tuple[type[Event], ...] = (RuleExecuted, RuleBlocked, RobotNoted)
