"""The robot action ``hello.greet``: automation rules can greet, like an operator can.

A rule such as "on ``appeal.created``, run ``hello.greet``" stores a greeting for the appeal's
number ("Привет, PPO-2026-1!"), with its event and its delivery job. Like every action it
describes instead of acting on a dry run, and it is idempotent: the greeting carries the step's
``ctx.idempotency_key`` in a unique column, so a step the job system retries greets once.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

import msgspec

from unionline.robots.sdk import ActionOutcome, RobotAction, RobotContext
from unionline_hello.services import greeting_text, store_greeting
from unionline_hello.tables import Greeting


class GreetParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    # Whom to greet; empty: the number of the appeal the rule fired for.
    name: Annotated[str, msgspec.Meta(max_length=100)] = ""


class Greet(RobotAction[GreetParams]):
    name = "hello.greet"
    params = GreetParams
    title: ClassVar[dict[str, str]] = {"ru": "Поприветствовать", "en": "Greet"}

    async def run(self, ctx: RobotContext, params: GreetParams) -> ActionOutcome:
        appeal = ctx.event.get("appeal") or {}
        name = params.name.strip() or str(appeal.get("number") or "") or "коллеги"
        text = greeting_text(name)
        if ctx.dry_run:
            return ActionOutcome(summary=f"приветствие «{text}» (проверка)")
        done = (
            await Greeting.select(Greeting.id)
            .where(Greeting.robot_key == ctx.idempotency_key)
            .first()
        )
        if done is not None:
            return ActionOutcome(summary=f"приветствие «{text}» уже есть", data=done)
        greeting = await store_greeting(name, robot_key=ctx.idempotency_key)
        return ActionOutcome(summary=f"приветствие «{text}»", data={"greeting_id": greeting.id})
