"""The robot action SDK: what a plugin implements to add an action to automation rules.

An action is a small object registered with the ``register_robots`` hook::

    class AddTag(RobotAction[AddTagParams]):
        name = "appeal.add_tag"
        params = AddTagParams            # a msgspec Struct: the action's typed parameters
        title = {"ru": "Добавить метку", "en": "Add a tag"}

        async def run(self, ctx: RobotContext, params: AddTagParams) -> ActionOutcome:
            if ctx.dry_run:
                return ActionOutcome(summary=f"would add tag {params.tag}")
            ...
            return ActionOutcome(summary=f"added tag {params.tag}")

The engine validates a rule's parameters against ``params`` when the rule is saved (a 4xx names the
field), runs the actions of a rule in order from the job system, and records every outcome in the
rules log and on the appeal's timeline. An action may run more than once for the same execution (the
job system retries): it must be idempotent per ``ctx.idempotency_key``.

An action may offer ready rules that use it (``templates``, :class:`RuleTemplate`): the rules
editor lists them beside the core's while the action is registered. What the core's own actions
build on is here too, for plugins' actions: the trigger's appeal within the rule's subtree
(:func:`appeal_row`), an id the trigger's event carries (:func:`event_id`: one that is not a
UUID fails the step for good, naming the field), a message to the member once per step
(:func:`send_to_member`), texts in two languages with placeholders (:class:`LocalizedText`,
:func:`values_for`, :func:`render`) and localized outcomes (:func:`outcome`, :func:`dry`,
:func:`refused`).
"""

from __future__ import annotations

import importlib
import uuid
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import msgspec

if TYPE_CHECKING:
    from unionline.robots.actions.base import (
        appeal_row,
        dry,
        event_id,
        outcome,
        refused,
        subtree,
    )
    from unionline.robots.actions.member import send_to_member
    from unionline.robots.actions.text import LocalizedText, render, values_for
    from unionline.robots.templates import RuleTemplate

__all__ = [
    "ActionOutcome",
    "LocalizedText",
    "NoParams",
    "RobotAction",
    "RobotContext",
    "RuleTemplate",
    "appeal_row",
    "dry",
    "event_id",
    "outcome",
    "refused",
    "render",
    "send_to_member",
    "subtree",
    "values_for",
]

P = TypeVar("P", bound=msgspec.Struct)


class NoParams(msgspec.Struct, forbid_unknown_fields=True):
    """Parameters of an action that takes none."""


class RobotContext(msgspec.Struct, frozen=True, kw_only=True):
    """What an action knows about the execution it runs in."""

    rule_id: uuid.UUID
    organization_id: uuid.UUID  # the rule's organization; actions act within its subtree only
    execution_id: uuid.UUID  # one firing of the rule (one rule x one trigger)
    step: int  # the action's index in the rule, from 0
    appeal_id: uuid.UUID | None = None  # the appeal the trigger concerns, if any
    member_id: uuid.UUID | None = None
    event_type: str | None = None  # e.g. "appeal.status_changed"; None for schedules
    event: dict[str, Any] = msgspec.field(default_factory=dict)  # the trigger event's payload
    variables: dict[str, Any] = msgspec.field(default_factory=dict)  # for message templates
    locale: str = "ru"
    dry_run: bool = False  # describe what would happen, change nothing, send nothing

    @property
    def idempotency_key(self) -> str:
        """Stable across retries of this step of this execution."""
        return f"robot:{self.execution_id}:{self.step}"


class ActionOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """What an action did, for the rules log and the appeal timeline.

    ``stop`` ends the rule's remaining actions; ``wait_seconds`` resumes them after a delay
    (durably: the continuation is a delayed job, so it survives restarts).
    """

    summary: str  # one human-readable line, in the context's locale
    stop: bool = False
    wait_seconds: float | None = None
    data: dict[str, Any] = msgspec.field(default_factory=dict)  # structured detail for the log


class RobotAction(Generic[P]):
    """Base class of a robot action. Subclasses set the class attributes and implement ``run``."""

    name: ClassVar[str]  # dotted and unique, e.g. "appeal.set_status", "hello.greet"
    params: ClassVar[type[msgspec.Struct]] = NoParams
    title: ClassVar[dict[str, str]] = {}  # {"ru": ..., "en": ...} shown in the rules editor
    # The rule builder's labels: per parameter ("text") and per value of a parameter with
    # choices ("to=assignee"), each {"ru": ..., "en": ...}; see unionline.robots.catalog.
    labels: ClassVar[dict[str, dict[str, str]]] = {}
    templates: ClassVar[tuple[RuleTemplate, ...]] = ()  # ready rules that use this action

    async def run(self, ctx: RobotContext, params: P) -> ActionOutcome:
        raise NotImplementedError


# The helpers build on this module's classes, so they are imported when first asked for.
_HELPERS = {
    "appeal_row": "unionline.robots.actions.base",
    "dry": "unionline.robots.actions.base",
    "event_id": "unionline.robots.actions.base",
    "outcome": "unionline.robots.actions.base",
    "refused": "unionline.robots.actions.base",
    "subtree": "unionline.robots.actions.base",
    "send_to_member": "unionline.robots.actions.member",
    "LocalizedText": "unionline.robots.actions.text",
    "render": "unionline.robots.actions.text",
    "values_for": "unionline.robots.actions.text",
    "RuleTemplate": "unionline.robots.templates",
}


def __getattr__(name: str) -> Any:
    module = _HELPERS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
