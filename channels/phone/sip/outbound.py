"""Calls the SIP agent makes: a message played to the callee, a one-digit answer taken.

:func:`call_and_say` sends an INVITE (PCMA + telephone-event) through ``sip_outbound`` (else
the registrar), with digest auth when challenged; rings up to ``ring_seconds`` (then CANCEL:
no answer); a 486/600/603 is busy. Answered, it plays the audio and, when a digit is wanted,
listens for one while it plays and ``digit_seconds`` after — the first digit ends the call.
The outcome (answered, heard to the end, digit, no answer, busy) is the call's ``ended`` event
and :class:`Outcome`.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import msgspec
from aiosipua import OutgoingCall, build_sdp

from unionline.channels.phone.model import Disposition
from unionline.channels.phone.numbers import digits_of
from unionline.channels.phone.sip.agent import SESSION_SECONDS
from unionline.channels.phone.sip.rtp import RtpSession

if TYPE_CHECKING:
    from unionline.channels.phone.sip.agent import CallState, SipAgent

BUSY = (486, 600, 603)
NO_ANSWER = (408, 480, 487)


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    """What became of a call the agent made."""

    call: str  # the call's id in the call model
    disposition: Disposition
    heard: bool = False  # the message was played to its end
    digit: str = ""  # the one digit pressed, if any
    duration: int = 0  # talk seconds
    status: int = 0  # the SIP final status of a call not answered


async def call_and_say(
    agent: SipAgent,
    number: str,
    audio: bytes,
    *,
    ref: str,
    want_digit: bool = False,
    ring_seconds: float = 30.0,
    digit_seconds: float = 5.0,
) -> Outcome:
    """Call ``number`` (E.164 or digits) and play ``audio`` (8 kHz A-law) to whoever answers."""
    rtp = await RtpSession.open(agent.listen[0], agent.rtp_ports)
    try:
        call = dial(agent, digits_of(number), rtp)
    except ValueError:
        rtp.close()
        raise
    state = agent.track(call.call_id, ref)
    agent.emit(state, "started", direction="out", member=number)
    call.on_ringing = lambda _: agent.emit(state, "ringing")
    try:
        return await _follow(
            agent, call, state, rtp, audio, want_digit, ring_seconds, digit_seconds
        )
    finally:
        rtp.close()
        agent.stats["rtp_sent"] += rtp.sent
        agent.stats["rtp_received"] += rtp.received
        agent.outgoing.pop(call.call_id, None)
        await agent.finish(call.call_id, state)


async def _follow(
    agent: SipAgent,
    call: OutgoingCall,
    state: CallState,
    rtp: RtpSession,
    audio: bytes,
    want_digit: bool,
    ring_seconds: float,
    digit_seconds: float,
) -> Outcome:
    refused = await answered_or_not(agent, call, ring_seconds)
    if refused is not None:
        return _unanswered(agent, state, refused[0], refused[1])
    answered = time.time()
    agent.emit(state, "answered")
    remote = call.sdp_answer.rtp_address if call.sdp_answer is not None else None
    rtp.remote = remote
    heard, digit = await _say(state, rtp, audio, want_digit, digit_seconds)
    if not state.hung_up.is_set():
        call.hangup(agent.uac)
    duration = int(time.time() - answered)
    state.digits += digit
    agent.emit(state, "ended", disposition="answered", duration=duration, digits=digit, heard=heard)
    return Outcome(
        call=state.ref, disposition="answered", heard=heard, digit=digit, duration=duration
    )


async def _say(
    state: CallState, rtp: RtpSession, audio: bytes, want_digit: bool, digit_seconds: float
) -> tuple[bool, str]:
    """Play until the end, a digit or the callee hanging up: (heard to the end, digit)."""
    playing = asyncio.ensure_future(rtp.play(audio))
    hung_up = asyncio.ensure_future(state.hung_up.wait())
    pressed = asyncio.ensure_future(rtp.digits.get()) if want_digit else None
    tasks = [t for t in (playing, hung_up, pressed) if t is not None]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        heard = playing.done() and not playing.cancelled()
        if heard and pressed is not None and not pressed.done():
            await asyncio.wait({pressed, hung_up}, timeout=digit_seconds)
        got = pressed is not None and pressed.done() and not pressed.cancelled()
        return heard, pressed.result() if got and pressed is not None else ""
    finally:
        for task in tasks:
            task.cancel()


def dial(agent: SipAgent, user: str, rtp: RtpSession) -> OutgoingCall:
    """Send an INVITE for ``sip:<user>@<domain>`` offering PCMA + telephone-event on ``rtp``."""
    if agent.outbound is None:
        raise ValueError("the line has no SIP trunk (sip_outbound / sip_registrar)")
    offer = build_sdp(agent.listen[0], rtp.port, 8, "PCMA", advertised_ip=agent.public[0])
    own = agent.config.sip_user or "unionline"
    call = agent.uac.send_invite(
        f"sip:{own}@{agent.domain}",
        f"sip:{user}@{agent.domain}",
        agent.outbound,
        offer,
        user_agent="Unionline",
        auth=agent.auth(),
        session_expires=SESSION_SECONDS,
        # aiosipua 0.7.1 stamps these after the INVITE went out: the first one had none
        extra_headers={"Supported": "100rel, timer", "Session-Expires": str(SESSION_SECONDS)},
    )
    call.on_session_expired = lambda _: agent._on_gone(call.call_id)
    agent.outgoing[call.call_id] = call
    return call


async def answered_or_not(
    agent: SipAgent, call: OutgoingCall, ring_seconds: float
) -> tuple[Disposition, int] | None:
    """None once ``call`` is answered; else why not (busy, no answer, failed) and the status."""
    try:
        await call.wait_answered(timeout=ring_seconds)
    except TimeoutError:
        call.cancel(agent.uac)
        return "no_answer", 0
    except RuntimeError:
        status = call._reject_code
        if status in BUSY:
            return "busy", status
        return ("no_answer" if status in NO_ANSWER else "failed"), status
    remote = call.sdp_answer.rtp_address if call.sdp_answer is not None else None
    if remote is None:
        call.hangup(agent.uac)
        return "failed", 488
    return None


def _unanswered(agent: SipAgent, state: CallState, kind: Disposition, status: int) -> Outcome:
    agent.emit(state, "ended", disposition=kind)
    return Outcome(call=state.ref, disposition=kind, status=status)
