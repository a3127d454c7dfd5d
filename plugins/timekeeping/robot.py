"""The robot action «Рабочий день»: start, break, continue or finish a person's workday —
the appeal's assignee or a chosen operator of the rule's subtree (a schedule rule that closes
everyone's day at 20:00, a trigger that starts the day on the first sign-in). Running it twice
does nothing more: a day already in the wanted state is left as it is."""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

import msgspec

from unionline import Conflict, PermanentFailure, current, subtree_ids
from unionline.plugins.timekeeping import staff, workday
from unionline.plugins.timekeeping.schemas import Action
from unionline.robots.sdk import ActionOutcome, RobotAction, RobotContext, dry, outcome

WORDS = {
    "start": ("начать рабочий день", "start the workday"),
    "break": ("перерыв", "take a break"),
    "resume": ("продолжить рабочий день", "continue the workday"),
    "finish": ("завершить рабочий день", "finish the workday"),
}


class WorkdayParams(msgspec.Struct, forbid_unknown_fields=True):
    action: Action
    who: Literal["appeal_assignee", "operator"] = "operator"
    operator_id: uuid.UUID | None = None

    def __post_init__(self) -> None:
        # Refused when the rule is saved (422 naming actions[n].params.operator_id), not
        # found out by every run of the rule.
        if self.who == "operator" and self.operator_id is None:
            raise ValueError("Object missing required field `operator_id` (who = operator)")


class WorkdayStep(RobotAction[WorkdayParams]):
    name = "timekeeping.workday"
    params = WorkdayParams
    title: ClassVar[dict[str, str]] = {"ru": "Рабочий день", "en": "Workday"}
    labels: ClassVar[dict[str, dict[str, str]]] = {
        "action": {"ru": "Действие", "en": "Action"},
        "action=start": {"ru": "начать", "en": "start"},
        "action=break": {"ru": "перерыв", "en": "break"},
        "action=resume": {"ru": "продолжить", "en": "continue"},
        "action=finish": {"ru": "завершить", "en": "finish"},
        "who": {"ru": "Чей день", "en": "Whose day"},
        "who=appeal_assignee": {"ru": "исполнителя обращения", "en": "the appeal's assignee"},
        "who=operator": {"ru": "выбранного оператора", "en": "a chosen operator"},
        "operator_id": {"ru": "Оператор", "en": "Operator"},
    }

    async def run(self, ctx: RobotContext, params: WorkdayParams) -> ActionOutcome:
        ru, en = WORDS[params.action]
        if ctx.dry_run:
            return dry(ctx, ru, en)
        operator_id = await _whose(ctx, params)
        card = await staff.ensure(operator_id)
        if card.organization_id not in await subtree_ids([ctx.organization_id]):
            raise PermanentFailure("сотрудник вне организации правила")
        try:
            await workday.perform(operator_id, params.action)
        except Conflict:  # already so (a second run of the step, or nothing to do)
            return outcome(ctx, f"{ru}: уже", f"{en}: already")
        return outcome(ctx, ru, en, operator_id=str(operator_id))


async def _whose(ctx: RobotContext, params: WorkdayParams) -> uuid.UUID:
    if params.who == "operator":
        if params.operator_id is None:
            raise PermanentFailure("не выбран оператор")
        return params.operator_id
    if ctx.appeal_id is None:
        raise PermanentFailure("у правила нет обращения")
    row = await current().db.fetch_one_as(
        _Assignee, "SELECT assignee_id FROM appeal_appeal WHERE id = {}", ctx.appeal_id
    )
    if row is None or row.assignee_id is None:
        raise PermanentFailure("у обращения нет исполнителя")
    return row.assignee_id


class _Assignee(msgspec.Struct, frozen=True):
    assignee_id: uuid.UUID | None


ACTIONS = (WorkdayStep(),)
