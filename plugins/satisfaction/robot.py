"""``satisfaction.survey``: ask the member to rate the answer, on the channel they wrote from.

Registered by this plugin with ``register_robots``, like any plugin's action. Run it from a
rule on ``appeal.status_changed`` with the condition "status is resolved": the ready template
``satisfaction_survey`` (:data:`SURVEY_TEMPLATE`, offered with the action) does exactly that.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

import msgspec

from unionline import current
from unionline.robots.sdk import (
    ActionOutcome,
    LocalizedText,
    RobotAction,
    RobotContext,
    RuleTemplate,
    appeal_row,
    dry,
    outcome,
    refused,
    render,
    send_to_member,
    values_for,
)

QUESTION_RU = (
    "Оцените, пожалуйста, ответ по обращению {appeal.number} от 1 до 5 "
    "(5 — отлично): просто пришлите цифру."
)
QUESTION_EN = "Please rate our answer to appeal {appeal.number} from 1 to 5 (5 is excellent)."


class SurveyParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    question: LocalizedText = msgspec.field(
        default_factory=lambda: LocalizedText(ru=QUESTION_RU, en=QUESTION_EN)
    )
    # A rating counts for this long after the question; later it is an ordinary message.
    expires_hours: Annotated[float, msgspec.Meta(gt=0, le=24 * 30)] = 72


def _survey_rule(hours: float) -> dict[str, Any]:
    not_manual = {"kind": "not", "condition": {"kind": "channel", "values": ["manual"]}}
    return {
        "trigger": {"kind": "event", "event_type": "appeal.status_changed"},
        "conditions": {
            "kind": "all",
            "conditions": [not_manual, {"kind": "status", "values": ["resolved"]}],
        },
        "actions": [{"action": "satisfaction.survey", "params": {"expires_hours": hours}}],
    }


SURVEY_TEMPLATE = RuleTemplate(
    "satisfaction_survey",
    {"ru": "Опрос удовлетворённости при решении", "en": "Satisfaction survey on resolve"},
    {
        "ru": "Решённое обращение: попросить оценку от 1 до 5 в том же канале; "
        "оценка не открывает обращение заново.",
        "en": "A resolved appeal: ask for a 1–5 rating on the same channel; the rating "
        "does not reopen the appeal.",
    },
    _survey_rule,
    {"hours": 72},
)


class Survey(RobotAction[SurveyParams]):
    name = "satisfaction.survey"
    params = SurveyParams
    title: ClassVar[dict[str, str]] = {
        "ru": "Опрос удовлетворённости (оценка 1–5)",
        "en": "Satisfaction survey (rating 1–5)",
    }
    templates = (SURVEY_TEMPLATE,)

    async def run(self, ctx: RobotContext, params: SurveyParams) -> ActionOutcome:
        from unionline.plugins.satisfaction import services

        row = await appeal_row(ctx)
        if row.status != "resolved":
            return outcome(
                ctx,
                f"обращение {row.number} не решено: опрос не отправлен",
                f"appeal {row.number} is not resolved: no survey",
            )
        text = render(params.question.pick(ctx.locale), await values_for(row, ctx.variables))
        if ctx.dry_run:
            return dry(ctx, f"опрос: {text}", f"survey: {text}", text=text)
        async with current().db.transaction(), refused():
            # The appeal's row lock first: two firings for one resolution (two status events
            # handled at once) then ask one after the other, and the second sees the first.
            row = await appeal_row(ctx, lock=True)
            if row.status != "resolved":  # reopened in the meantime
                return outcome(
                    ctx,
                    f"обращение {row.number} не решено: опрос не отправлен",
                    f"appeal {row.number} is not resolved: no survey",
                )
            survey = await services.survey_of(row.id, lock=True)
            if survey is not None and survey.member_rating is not None:
                return outcome(
                    ctx,
                    f"уже оценено: {survey.member_rating}",
                    f"already rated: {survey.member_rating}",
                )
            if (
                survey is not None
                and survey.question_key != ctx.idempotency_key
                and survey.asked_at is not None
                and row.resolved_at is not None
                and survey.asked_at >= row.resolved_at
            ):
                # Another firing (an earlier status event handled after the resolve) asked
                # already: one question per resolution.
                return outcome(ctx, "опрос уже отправлен", "survey already sent")
            entry_id = await send_to_member(ctx, text)
            if survey is None or survey.question_key != ctx.idempotency_key:
                await services.mark_asked(
                    row,
                    key=ctx.idempotency_key,
                    entry_id=entry_id,
                    hours=params.expires_hours,
                )
        return outcome(ctx, f"опрос: {text}", f"survey: {text}", entry_id=entry_id)
