"""A broadcast through a phone line is one robot call saying its text (a campaign's «Робот-звонок»).

:func:`say` is the phone channel's ``send()`` for a broadcast ``OutboundMessage``: through the
line's SIP agent (:func:`~unionline.channels.phone.sip.outbound.call_and_say`: the text spoken by
the line's text-to-speech, the outcome awaited) or a cloud PBX's informer call (UIS: the PBX
speaks; the outcome comes later with its notifications, as a delivery receipt). The message
asks for a digit with the header ``Ask-Digit: 1`` («нажмите 1, чтобы подтвердить»).

The call is kept in ``phone_call`` under ``bc-<message id>`` **before** it is dialed, so the same
message sent again — a retry, another worker once the lease ran out, a worker started again after
``kill -9`` — never dials the member twice. Sent again, the message answers:

- the call ended: its outcome again;
- the call is still being made by this process: ``NotReady`` (asked again later);
- otherwise (the process making it died, or the cloud PBX has not reported the end yet):
  ``SentUnreadable`` — «sent, outcome unknown», never dialed again; a cloud PBX's receipt still
  settles it when its notifications come.

A process without the line's agent (another holds the line's lease, ``sip/runtime.py``) forgets
the kept call before dialing anything and answers ``NotReady``: the message is sent again later,
by whichever process then takes it.

Outcomes: answered → ``delivered`` (``read`` when heard to the end); busy, no answer, failed →
``PermanentFailure`` naming it (SIP, awaited) or a ``failed`` receipt with the reason (cloud PBX).
A cloud PBX's receipt that nobody takes yet (the PBX ended the call before the sender recorded
the send) is offered again by a job (:data:`RECEIPT_JOB`). The digit the callee pressed is the
receipt's ``answer``; a SIP call's answer has no place in ``send()``'s result, so a SIP call
with a digit also offers its receipt, once (the campaign records the digit at once; the status
is the send's own answer, so it is not offered again).

A line whose provider places no robot calls — Mango Office, Zadarma: their APIs connect numbers
and play files uploaded to the PBX but speak no text — says so in :func:`refusal`, which the
channel's ``broadcast_refusal`` answers: a campaign refuses the line before it starts.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Literal

import httpx
import msgspec

from unionline import NotReady, PermanentFailure, current, enqueue
from unionline.channel import OutboundMessage, SendResult, SentUnreadable, report_delivery
from unionline.channels.phone.model import Call

PREFIX = "bc-"  # the call id of a broadcast's robot call, before the message id
ASK_DIGIT = "Ask-Digit"  # the message header asking for a one-digit answer ("1")
REASONS = {
    "busy": "занято",
    "no_answer": "не ответил",
    "cancelled": "сброшен",
    "failed": "звонок не состоялся",
}
AGAIN = 60.0  # seconds before a receipt nobody took is offered again
SPOKEN_MAX = 600  # characters a robot call says at most (about a minute of speech)
_DIALING: set[str] = set()  # keys of the calls this process is making right now


RECEIPT_JOB = "phone.broadcast_receipt"


class Receipt(msgspec.Struct, frozen=True, kw_only=True):
    """A cloud PBX's robot call that ended: the delivery receipt of its broadcast."""

    external_id: str
    status: str  # delivered, read, failed
    error: str = ""
    note: str = ""
    answer: str = ""  # the digit the callee pressed ("" when none)


class ReceiptAgain(msgspec.Struct, frozen=True, kw_only=True):
    """A receipt nobody took yet (the sender had not recorded the send when the call ended)."""

    account_id: uuid.UUID
    receipt: Receipt


async def report(account_id: uuid.UUID, receipt: Receipt) -> None:
    """Hand the receipt to whoever sent the message; when nobody takes it yet — the PBX ended
    the call before the sender recorded the send's answer — it is offered again by a job
    (every minute, ten times)."""
    if await _offer(account_id, receipt):
        return
    await enqueue(
        RECEIPT_JOB,
        ReceiptAgain(account_id=account_id, receipt=receipt),
        key=f"{RECEIPT_JOB}:{account_id}:{receipt.external_id}",
        delay=AGAIN,
        max_attempts=10,
    )


async def report_again(ctx: Any, job: ReceiptAgain) -> None:
    """Job: offer the receipt again; not taken: asked again later, until attempts run out."""
    if not await _offer(job.account_id, job.receipt):
        raise NotReady("nobody took the robot call's receipt yet", retry_after=AGAIN)


async def _offer(account_id: uuid.UUID, receipt: Receipt) -> bool:
    taken = await report_delivery(
        account_id,
        receipt.external_id,
        receipt.status,
        error=receipt.error,
        note=receipt.note,
        answer=receipt.answer,
    )
    return taken > 0


def refusal(line: Any) -> str:
    """Why ``line`` cannot make a campaign's robot calls ("" when it can: a SIP line, or a
    provider whose adapter places informer calls)."""
    from unionline.channels.phone.adapters import adapter_for

    if line.config.provider == "sip":
        return ""
    adapter = adapter_for(line.config.provider)
    if adapter.robot_calls:
        return ""
    return (
        f"{adapter.title or adapter.name}: робот-звонки через API этой АТС невозможны —"
        " она соединяет номера и проигрывает загруженные в неё записи, но не произносит текст."
        " Для робот-звонков выберите SIP-линию (встроенный SIP-агент, подключённый к этой АТС"
        " как SIP-учётная запись) или линию UIS."
    )


def call_ref(message: OutboundMessage) -> str:
    return f"{PREFIX}{message.id}"


def outcome_note(call: Call) -> str:
    """What the timeline and the campaign show beside the status."""
    if call.disposition != "answered":
        return REASONS.get(call.disposition or "failed", REASONS["failed"])
    note = "ответил, прослушал до конца" if call.heard else "ответил, не дослушал"
    return f"{note}, нажал {call.digits[:1]}" if call.digits else note


def receipt_of(call: Call) -> Receipt | None:
    """The receipt of an ended broadcast call (None for any other call)."""
    if not call.call.startswith(PREFIX) or call.state != "ended":
        return None
    if call.disposition == "answered":
        status = "read" if call.heard else "delivered"
        note = outcome_note(call)
        return Receipt(external_id=call.call, status=status, note=note, answer=call.digits[:1])
    return Receipt(external_id=call.call, status="failed", error=outcome_note(call))


async def say(line: Any, message: OutboundMessage) -> SendResult:
    """Place the one robot call of ``message`` (see the module's docstring)."""
    if len(message.text) > SPOKEN_MAX:
        raise PermanentFailure(f"текст робот-звонка длиннее {SPOKEN_MAX} символов")
    ref = call_ref(message)
    key = f"{line.id}:{ref}"
    if key in _DIALING:
        raise NotReady("робот-звонок этого сообщения ещё идёт", retry_after=30.0)
    _DIALING.add(key)
    try:
        if not await _claim(line, ref, message.recipient):
            return await _again(key, ref)
        if line.config.provider == "sip":
            return await _through_the_agent(line, message, ref)
        return await _through_the_pbx(line, message, ref)
    finally:
        _DIALING.discard(key)


async def _claim(line: Any, ref: str, number: str) -> bool:
    """Keep the call under its key before it is dialed: False when it was kept before."""
    from unionline.channels.phone.adapters import ROBOT
    from unionline.channels.phone.numbers import e164

    moment = time.time()
    waiting = Call(call=ref, direction="out", member=number, command=f"{ROBOT}{ref}")
    kept = await current().db.fetchone(
        "INSERT INTO phone_call (id, key, account_id, call, direction, number, state, shown,"
        " external_id, created_at, updated_at) VALUES ({}, {}, {}, {}, 'out', {}, {}, {}, '',"
        " {}, {}) ON CONFLICT (key) DO NOTHING RETURNING id",
        uuid.uuid4(), f"{line.id}:{ref}", line.id, ref, e164(number) or "",
        msgspec.json.encode(waiting).decode(), False, moment, moment,
    )  # fmt: skip
    return kept is not None


async def _again(key: str, ref: str) -> SendResult:
    """The message was sent before: the call's outcome, never a second call."""
    row = await current().db.fetchone("SELECT state FROM phone_call WHERE key = {}", key)
    call = msgspec.json.decode(row["state"], type=Call) if row and row["state"] else None
    if call is None or call.state != "ended":
        raise SentUnreadable(
            "робот-звонок уже набирался, его исход неизвестен: повторно не звоним",
            external_id=ref,
        )
    return _result(call)


def _result(call: Call) -> SendResult:
    if call.disposition != "answered":
        raise PermanentFailure(f"робот-звонок: {outcome_note(call)}")
    status: Literal["delivered", "read"] = "read" if call.heard else "delivered"
    return SendResult(external_id=call.call, status=status, note=outcome_note(call))


async def _through_the_agent(line: Any, message: OutboundMessage, ref: str) -> SendResult:
    from unionline.channels.phone.sip import runtime, tts
    from unionline.channels.phone.sip.outbound import call_and_say

    agent = runtime.agent_for(line.id)
    if agent is None or agent.outbound is None:
        await _forget(line, ref)  # nothing was dialed: the message may be sent again
        if agent is None:  # sent again, by the process holding the line's lease
            raise await runtime.not_here(line.id)
        raise PermanentFailure("У линии не указан регистратор или адрес для исходящих")
    try:
        audio = await tts.speak(line.config.sip_tts, message.text)
    except Exception:
        await _forget(line, ref)  # nothing was dialed: the message may be sent again
        raise
    want_digit = dict(message.headers).get(ASK_DIGIT) == "1"
    done = await call_and_say(agent, message.recipient, audio, ref=ref, want_digit=want_digit)
    call = Call(
        call=ref, state="ended", disposition=done.disposition, heard=done.heard, digits=done.digit
    )
    answered = receipt_of(call)
    if answered is not None and answered.answer:
        # The send's answer has no place for the digit: it goes as the message's receipt, as a
        # cloud PBX's outcome does — offered once (the sender records the digit while the send
        # is still its own; the status is this send's own answer, nothing to offer again).
        await _offer(line.id, answered)
    return _result(call)


async def _through_the_pbx(line: Any, message: OutboundMessage, ref: str) -> SendResult:
    """The cloud PBX calls and speaks; its notifications end the call and report the outcome
    as the message's receipt (:func:`receipt_of`, from the store)."""
    from unionline.channels.phone.adapters import ROBOT, adapter_for

    adapter = adapter_for(line.config.provider)
    if not adapter.robot_calls:  # a campaign refuses such a line at its start (refusal())
        await _forget(line, ref)
        raise PermanentFailure(refusal(line))
    want_digit = dict(message.headers).get(ASK_DIGIT) == "1"
    try:
        await adapter.informer_call(
            line, message.recipient, message.text, ask_digit=want_digit, command=f"{ROBOT}{ref}"
        )
    except Exception as exc:
        if _maybe_placed(exc):  # the request went out, its answer did not come back
            raise SentUnreadable(
                f"АТС не ответила, звонок мог состояться: повторно не звоним ({exc})",
                external_id=ref,
            ) from exc
        await _forget(line, ref)  # refused before it was placed: it may be sent again
        raise
    return SendResult(external_id=ref, status="sent")


def _maybe_placed(exc: BaseException) -> bool:
    """Whether the PBX may have taken a request that failed: its answer was lost (a read
    timeout, a broken connection) — not a refusal, not a connection never made."""
    cause = exc.__cause__
    if not isinstance(cause, httpx.TransportError):
        return False
    return not isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout)


async def _forget(line: Any, ref: str) -> None:
    await current().db.execute(
        "DELETE FROM phone_call WHERE key = {} AND NOT shown", f"{line.id}:{ref}"
    )
