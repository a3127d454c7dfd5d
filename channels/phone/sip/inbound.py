"""An incoming call at the SIP agent: ring, answer with the greeting, follow the menu's digit.

While it rings (``sip_ring_seconds``) the call may be cancelled: a call missed while ringing.
Answered, the agent speaks the line's greeting and listens for a digit (RFC 2833) — the menu
says what it does: ``voicemail`` (a beep, then what the caller says is recorded until they hang
up or ``sip_voicemail_seconds`` pass; the recording is attached to the call's entry as WAV),
``callback`` (the union will call back: a missed call in the menu owes one anyway), ``hangup``
or ``operator`` (the operators' SIP phones ring, the first to answer talks with the caller:
:mod:`.queue`; nobody answers: voicemail).
No digit: voicemail. Beyond ``sip_max_calls`` at once a call gets 486 Busy Here (a missed call).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from aiosipua import IncomingCall, negotiate_sdp, parse_uri

from unionline.channels.phone.settings import menu
from unionline.channels.phone.sip import g711, queue, tts
from unionline.channels.phone.sip.rtp import RtpSession

if TYPE_CHECKING:
    from unionline.channels.phone.sip.agent import CallState, SipAgent

log = logging.getLogger("unionline.channels.phone.sip")
DIGIT_WAIT = 5.0  # seconds after the greeting
BEEP = g711.tone()
VOICEMAIL_PROMPT = "Оставьте сообщение после сигнала."
CALLBACK_PROMPT = "Спасибо, мы вам перезвоним. До свидания."


async def prepare(agent: SipAgent) -> None:
    """Speak what an incoming call may hear before the first call comes: synthesis takes a
    moment — seconds on a busy machine — which a caller would hear as silence, and a caller who
    pressed 1 would talk before the beep."""
    texts = (agent.config.sip_greeting, VOICEMAIL_PROMPT, CALLBACK_PROMPT, queue.HOLD_PROMPT)
    for text in filter(None, texts):
        try:
            await tts.speak(agent.config.sip_tts, text)
        except Exception as exc:  # the call speaks it then, or says what is wrong
            log.warning("line %s: %r not spoken ahead: %s", agent.line.id, text[:40], exc)


def user_of(uri: str) -> str:
    with contextlib.suppress(Exception):
        return parse_uri(uri.strip("<>")).user or ""
    return ""


async def answer(agent: SipAgent, call: IncomingCall) -> None:
    sip_id = call.call_id
    state = agent.track(sip_id, sip_id)
    known = {"direction": "in", "member": user_of(call.caller), "line": user_of(call.callee)}
    agent.emit(state, "started", **known)
    recorded = b""
    try:
        if len(agent.calls) > agent.config.sip_max_calls:
            call.reject(486, "Busy Here")
            agent.stats["busy"] += 1
            agent.emit(state, "ended", disposition="busy")
            return
        call.ringing()
        if await _waits(state.cancelled, agent.config.sip_ring_seconds):
            agent.emit(state, "ended", disposition="cancelled")  # missed while ringing
            return
        recorded = await _answered(agent, call, state)
    finally:
        await agent.finish(sip_id, state)
    if recorded:
        await _attach(agent, state, recorded)


async def _answered(agent: SipAgent, call: IncomingCall, state: CallState) -> bytes:
    """The answered call's menu; what the caller left on voicemail, if anything."""
    offer = call.sdp_offer
    remote = offer.rtp_address if offer is not None else None
    if offer is None or remote is None:
        call.reject(488, "Not Acceptable Here")
        agent.emit(state, "ended", disposition="failed")
        return b""
    rtp = await RtpSession.open(agent.listen[0], agent.rtp_ports)
    try:
        sdp, _ = negotiate_sdp(
            offer, agent.listen[0], rtp.port, supported_codecs=[8], advertised_ip=agent.public[0]
        )
    except Exception:
        rtp.close()
        call.reject(488, "Not Acceptable Here")
        agent.emit(state, "ended", disposition="failed")
        return b""
    rtp.remote = remote
    call.accept(sdp)
    agent.stats["answered"] += 1
    agent.emit(state, "started", location="ivr")  # the menu has the call
    recorded = b""
    flow = asyncio.ensure_future(_menu(agent, state, rtp))
    hung_up = asyncio.ensure_future(state.hung_up.wait())
    try:
        await asyncio.wait({flow, hung_up}, return_when=asyncio.FIRST_COMPLETED)
        for task in (flow, hung_up):
            task.cancel()
        await asyncio.gather(flow, hung_up, return_exceptions=True)
        location = state.location
        recorded = bytes(rtp.recorded)
    finally:
        flow.cancel()
        hung_up.cancel()
        rtp.close()
        agent.stats["rtp_sent"] += rtp.sent
        agent.stats["rtp_received"] += rtp.received
    if not state.hung_up.is_set():
        call.hangup()
    agent.emit(state, "ended", location=location, disposition="cancelled", digits=state.digits)
    return recorded


async def _menu(agent: SipAgent, state: CallState, rtp: RtpSession) -> None:
    engine = agent.config.sip_tts
    greeting = await tts.speak(engine, agent.config.sip_greeting)
    digit = await _play_for_digit(rtp, greeting)
    if digit is None:
        digit = await rtp.digit(DIGIT_WAIT)
    if digit is not None:
        state.digits += digit
    action = menu(agent.config).get(digit or "", "voicemail")
    if action == "operator" and await queue.connect(agent, state, rtp):
        return  # talked with an operator
    if action == "callback":
        await rtp.play(await tts.speak(engine, CALLBACK_PROMPT))
    elif action in ("voicemail", "operator"):  # nobody answered: a message
        await rtp.play(await tts.speak(engine, VOICEMAIL_PROMPT) + BEEP)
        state.location = "voicemail"
        agent.emit(state, "started", location="voicemail")
        rtp.limit = agent.config.sip_voicemail_seconds * g711.RATE
        rtp.recording = True
        await asyncio.sleep(agent.config.sip_voicemail_seconds)


async def _play_for_digit(rtp: RtpSession, audio: bytes) -> str | None:
    """Play ``audio``; a digit pressed meanwhile stops it and is the answer."""
    playing = asyncio.ensure_future(rtp.play(audio))
    pressed = asyncio.ensure_future(rtp.digits.get())
    try:
        await asyncio.wait({playing, pressed}, return_when=asyncio.FIRST_COMPLETED)
        return pressed.result() if pressed.done() else None
    finally:  # also when the caller hangs up meanwhile (this task cancelled)
        playing.cancel()
        pressed.cancel()


async def _waits(event: asyncio.Event, seconds: float) -> bool:
    """Whether ``event`` is set within ``seconds``."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)
    return event.is_set()


async def _attach(agent: SipAgent, state: CallState, alaw: bytes) -> None:
    """The voicemail as the call's recording (a WAV the console plays)."""
    from unionline import current
    from unionline.channel import Attachment
    from unionline.channels.phone.fetch import attach

    if agent.config.recording_days <= 0:
        return
    row = await current().db.fetchone(
        "SELECT id, number FROM phone_call WHERE key = {}", f"{agent.line.id}:{state.ref}"
    )
    if row is None:
        log.warning("line %s: voicemail of an unknown call %s", agent.line.id, state.ref)
        return
    name = f"golosovoe-soobshchenie-{str(row['number']).lstrip('+') or 'skryt'}.wav"
    file = Attachment(filename=name, content_type="audio/wav", data=g711.alaw_to_wav(alaw))
    await attach(agent.line, row["id"], file)
