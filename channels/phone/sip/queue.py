"""The menu's ``operator``: the caller waits while the operators' SIP phones ring, one after
another (their extensions in «Добавочные операторов», each for ``sip_queue_seconds``); the first
to answer is bridged with the caller (RTP relayed). Each phone that rings pops the member's card
on its operator's console (a ``ringing`` event with the extension), the answer makes the call
answered by that operator. Nobody answers: voicemail.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from unionline.channels.phone.settings import extensions
from unionline.channels.phone.sip import g711, tts
from unionline.channels.phone.sip.outbound import answered_or_not, dial
from unionline.channels.phone.sip.rtp import RtpSession

if TYPE_CHECKING:
    from unionline.channels.phone.sip.agent import CallState, SipAgent

HOLD_PROMPT = "Соединяю с сотрудником профсоюза."
# The Russian ringback: 425 Hz, one second on, four off.
RINGBACK = g711.tone(425, 1.0, 4000) + g711.SILENCE * (4 * g711.RATE)


async def connect(agent: SipAgent, state: CallState, caller: RtpSession) -> bool:
    """Whether an operator answered (and the talk is over: either side hung up)."""
    if agent.outbound is None or not extensions(agent.config):
        return False
    state.location = "queue"
    agent.emit(state, "started", location="queue")
    hold = asyncio.ensure_future(_hold(agent, caller))
    try:
        for extension in extensions(agent.config):
            if await _try(agent, state, caller, extension, hold):
                return True
    finally:
        hold.cancel()
    return False


async def _hold(agent: SipAgent, caller: RtpSession) -> None:
    await caller.play(await tts.speak(agent.config.sip_tts, HOLD_PROMPT))
    while True:
        await caller.play(RINGBACK)


async def _try(
    agent: SipAgent,
    state: CallState,
    caller: RtpSession,
    extension: str,
    hold: asyncio.Future[None],
) -> bool:
    phone = await RtpSession.open(agent.listen[0], agent.rtp_ports)
    leg = dial(agent, extension, phone)
    gone = agent.legs.setdefault(leg.call_id, asyncio.Event())
    agent.emit(state, "ringing", extension=extension)
    try:
        if await answered_or_not(agent, leg, agent.config.sip_queue_seconds) is not None:
            return False
        hold.cancel()
        phone.remote = leg.sdp_answer.rtp_address if leg.sdp_answer is not None else None
        caller.relay, phone.relay = phone, caller
        agent.emit(state, "answered", extension=extension)
        started = time.time()
        await gone.wait()  # the operator put the phone down (a caller's BYE cancels this task)
        agent.emit(state, "left", extension=extension, duration=int(time.time() - started))
        return True
    finally:
        caller.relay = None
        if not gone.is_set():
            leg.hangup(agent.uac)
        phone.close()
        agent.stats["rtp_sent"] += phone.sent
        agent.legs.pop(leg.call_id, None)
        agent.outgoing.pop(leg.call_id, None)
