"""The robot action «Позвонить члену профсоюза и сказать…» (``phone.robot_call``).

The robot calls the member's phone through a SIP line's agent, speaks the text (Russian
text-to-speech, :mod:`.tts`) and, when asked, takes a one-digit answer («нажмите 1, чтобы
подтвердить») — or, on a cloud PBX line whose adapter can (UIS: ``start.informer_call``), has
the PBX call and speak, and waits for the call's notifications (the step is asked again until
the call has ended). The outcome — answered, heard to the end, the digit, no answer, busy — is the
step's summary and data in the rules log, and the call's entry on the member's appeal of the
line. Idempotent per ``ctx.idempotency_key``: the call is known by it, a retried step reports
the call already made instead of calling again.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, ClassVar

import msgspec

from unionline import NotReady, PermanentFailure, current
from unionline.channels.phone.model import Call
from unionline.robots.sdk import (
    ActionOutcome,
    LocalizedText,
    RobotAction,
    RobotContext,
    appeal_row,
    dry,
    outcome,
    render,
    values_for,
)

WAIT = 10.0  # seconds between looks at a robot call a cloud PBX is making
SAID = {
    "answered": ("ответил", "answered"),
    "busy": ("занято", "busy"),
    "no_answer": ("не ответил", "no answer"),
    "cancelled": ("сброшен", "cancelled"),
    "failed": ("звонок не состоялся", "the call failed"),
}


class RobotCallParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    text: LocalizedText  # what the robot says, with placeholders such as {appeal.number}
    ask_digit: bool = False  # take a one-digit answer («нажмите 1, чтобы подтвердить»)
    line_id: uuid.UUID | None = None  # a SIP or UIS line; None: the first of the organization


class RobotCall(RobotAction[RobotCallParams]):
    name = "phone.robot_call"
    params = RobotCallParams
    title: ClassVar[dict[str, str]] = {
        "ru": "Позвонить члену профсоюза и сказать…",
        "en": "Call the member and say…",
    }
    labels: ClassVar[dict[str, dict[str, str]]] = {
        "text": {"ru": "Что сказать", "en": "What to say"},
        "ask_digit": {"ru": "Ждать нажатия цифры", "en": "Wait for a digit"},
        "line_id": {"ru": "Линия (SIP или UIS)", "en": "Line (SIP or UIS)"},
    }

    async def run(self, ctx: RobotContext, params: RobotCallParams) -> ActionOutcome:
        row = await appeal_row(ctx) if ctx.appeal_id else None
        member_id = row.member_id if row is not None else ctx.member_id
        text = render(params.text.pick(ctx.locale), await values_for(row, ctx.variables))
        number = await _phone_of(member_id)
        line = await _line(ctx, params.line_id)
        if ctx.dry_run:
            return dry(ctx, f"звонок на {number}: «{text}»", f"a call to {number}: “{text}”")
        ref = ctx.idempotency_key
        earlier = await _earlier(line.id, ref)
        if earlier is not None:
            return _told(
                ctx, number, earlier.disposition or "failed", earlier.heard, earlier.digits
            )
        if line.config.provider != "sip":
            await _through_the_pbx(line, number, text, ref, params.ask_digit)
        from unionline.channels.phone.sip import runtime, tts
        from unionline.channels.phone.sip.outbound import call_and_say

        agent = runtime.agent_for(line.id)
        if agent is None:  # the step runs again, in the process holding the line's lease
            raise await runtime.not_here(line.id)
        audio = await tts.speak(line.config.sip_tts, text)
        done = await call_and_say(agent, number, audio, ref=ref, want_digit=params.ask_digit)
        return _told(ctx, number, done.disposition, done.heard, done.digit)


def _told(
    ctx: RobotContext, number: str, disposition: str, heard: bool | None, digit: str
) -> ActionOutcome:
    ru, en = SAID.get(disposition, SAID["failed"])
    if disposition == "answered":
        ru += ", прослушал до конца" if heard else ", не дослушал"
        en += ", heard it to the end" if heard else ", did not hear it to the end"
        if digit:
            ru, en = f"{ru}, нажал {digit}", f"{en}, pressed {digit}"
    return outcome(
        ctx,
        f"робот-звонок на {number}: {ru}",
        f"robot call to {number}: {en}",
        disposition=disposition,
        heard=bool(heard),
        digit=digit,
    )


async def _phone_of(member_id: uuid.UUID | None) -> str:
    if member_id is None:
        raise PermanentFailure("у срабатывания правила нет члена профсоюза")
    row = await current().db.fetchone(
        "SELECT address FROM member_contact_point WHERE member_id = {} AND kind = 'phone'"
        " AND NOT blocked ORDER BY verified DESC LIMIT 1",
        member_id,
    )
    if row is None:
        raise PermanentFailure("у члена профсоюза нет телефона")
    return str(row["address"])


async def _line(ctx: RobotContext, line_id: uuid.UUID | None) -> Any:
    """The line given, or the first of the rule's organizations that can place robot calls: a
    SIP line (its agent) or a cloud PBX whose adapter has an informer call (UIS)."""
    from unionline.channel import channel_accounts
    from unionline.channels.phone.adapters import adapter_for
    from unionline.robots.sdk import subtree

    allowed = await subtree(ctx)
    for line in await channel_accounts("phone"):
        provider = line.config.provider
        if line.organization_id not in allowed:
            continue
        if provider != "sip" and not getattr(adapter_for(provider), "robot_calls", False):
            continue
        if line_id is None or line.id == line_id:
            return line
    raise PermanentFailure("нет линии для робот-звонков (SIP или UIS) в организации правила")


async def _through_the_pbx(line: Any, number: str, text: str, ref: str, ask_digit: bool) -> None:
    """Have the cloud PBX make the call (``informer_call``) and wait for its notifications: the
    call is kept under the step's key before it is placed, so a retried step waits for that
    call (:func:`_earlier`) instead of placing another. Always raises: NotReady while the call
    goes on (the step's job asks again), or why it could not be placed."""
    from unionline.channels.phone.adapters import ROBOT, adapter_for
    from unionline.channels.phone.numbers import e164

    db = current().db
    key, moment = f"{line.id}:{ref}", time.time()
    waiting = Call(call=ref, direction="out", member=number, command=f"{ROBOT}{ref}")
    await db.execute(
        "INSERT INTO phone_call (id, key, account_id, call, direction, number, state, shown,"
        " external_id, created_at, updated_at) VALUES ({}, {}, {}, {}, 'out', {}, {}, {}, '',"
        " {}, {}) ON CONFLICT (key) DO NOTHING",
        uuid.uuid4(),
        key,
        line.id,
        ref,
        e164(number) or "",
        msgspec.json.encode(waiting).decode(),
        False,
        moment,
        moment,
    )
    try:
        await adapter_for(line.config.provider).informer_call(
            line, number, text, ask_digit=ask_digit, command=f"{ROBOT}{ref}"
        )
    except Exception:
        await db.execute("DELETE FROM phone_call WHERE key = {} AND NOT shown", key)
        raise
    raise NotReady("робот-звонок идёт: исход придёт с уведомлениями АТС", retry_after=WAIT)


async def _earlier(line_id: uuid.UUID, ref: str) -> Call | None:
    """The call an earlier run of this step made: ended (its outcome), or still going (the
    step is retried later: NotReady), or none."""
    row = await current().db.fetchone(
        "SELECT state FROM phone_call WHERE key = {}", f"{line_id}:{ref}"
    )
    if row is None or row["state"] in ("", "{}"):
        return None
    call = msgspec.json.decode(row["state"], type=Call)
    if call.state != "ended":
        raise NotReady("the robot call of this step is still going")
    return call
