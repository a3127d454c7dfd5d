"""Robot events: a rule fired (with what each step did) or the loop guard stopped it."""

from __future__ import annotations

import uuid

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


ROBOT_EVENTS: tuple[type[Event], ...] = (RuleExecuted, RuleBlocked)
