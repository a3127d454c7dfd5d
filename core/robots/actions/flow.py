"""Flow control: wait before the rule's next action, or stop the rule here."""

from __future__ import annotations

from typing import Annotated, ClassVar

import msgspec

from unionline.robots.actions.base import say
from unionline.robots.sdk import ActionOutcome, NoParams, RobotAction, RobotContext

MAX_WAIT = 90 * 24 * 3600  # a rule that waits longer than a quarter is better a schedule


class WaitParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    minutes: Annotated[float, msgspec.Meta(ge=0)] = 0
    hours: Annotated[float, msgspec.Meta(ge=0)] = 0
    days: Annotated[float, msgspec.Meta(ge=0)] = 0

    def __post_init__(self) -> None:
        total = self.seconds
        if total <= 0:
            raise ValueError("wait for a positive time: minutes, hours or days")
        if total > MAX_WAIT:
            raise ValueError("wait at most 90 days; use a scheduled rule for longer")

    @property
    def seconds(self) -> float:
        return self.minutes * 60 + self.hours * 3600 + self.days * 86400


class Wait(RobotAction[WaitParams]):
    """The engine resumes the remaining actions after the delay (a delayed job: durable)."""

    name = "flow.wait"
    params = WaitParams
    title: ClassVar[dict[str, str]] = {"ru": "Подождать", "en": "Wait"}

    labels: ClassVar[dict[str, dict[str, str]]] = {
        "minutes": {"ru": "Минут", "en": "Minutes"},
        "hours": {"ru": "Часов", "en": "Hours"},
        "days": {"ru": "Дней", "en": "Days"},
    }

    async def run(self, ctx: RobotContext, params: WaitParams) -> ActionOutcome:
        seconds = params.seconds
        return ActionOutcome(
            summary=say(ctx, f"ожидание {_human(seconds, 'ru')}", f"wait {_human(seconds, 'en')}"),
            wait_seconds=seconds,
            data={"seconds": seconds, "dry_run": ctx.dry_run},
        )


def _human(seconds: float, locale: str) -> str:
    for size, ru, en in ((86400, "дн.", "d"), (3600, "ч", "h"), (60, "мин", "min")):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)} {ru if locale == 'ru' else en}"
    return f"{seconds:g} {'с' if locale == 'ru' else 's'}"


class Stop(RobotAction[NoParams]):
    name = "flow.stop"
    params = NoParams
    title: ClassVar[dict[str, str]] = {"ru": "Остановить правило", "en": "Stop the rule"}

    async def run(self, ctx: RobotContext, params: NoParams) -> ActionOutcome:
        return ActionOutcome(summary=say(ctx, "правило остановлено", "rule stopped"), stop=True)
