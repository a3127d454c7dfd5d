"""The menu's ``operator``: the caller waits while the operators' SIP phones ring — one after
another (their extensions in «Добавочные операторов», each for ``sip_queue_seconds``), or all at
once with ``sip_queue_ring = "all"`` (parallel forking: the first to answer gets the call, the
others get a CANCEL); the one who answers is bridged with the caller (RTP relayed). Each phone
that rings pops the member's card on its operator's console (a ``ringing`` event with the
extension), the answer makes the call answered by that operator. Nobody answers: voicemail.
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
        if agent.config.sip_queue_ring == "all":
            return await _ring_all(agent, state, caller, hold)
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


class Leg:
    """One operator's phone rung for the caller: its INVITE, its RTP, whether it hung up."""

    def __init__(self, agent: SipAgent, extension: str, phone: RtpSession) -> None:
        self.extension, self.phone = extension, phone
        self.call = dial(agent, extension, phone)
        self.gone = agent.legs.setdefault(self.call.call_id, asyncio.Event())

    @classmethod
    async def ring(cls, agent: SipAgent, state: CallState, extension: str) -> Leg:
        leg = cls(agent, extension, await RtpSession.open(agent.listen[0], agent.rtp_ports))
        agent.emit(state, "ringing", extension=extension)
        return leg

    def close(self, agent: SipAgent) -> None:
        self.phone.close()
        agent.stats["rtp_sent"] += self.phone.sent
        agent.legs.pop(self.call.call_id, None)
        agent.outgoing.pop(self.call.call_id, None)


async def _try(
    agent: SipAgent,
    state: CallState,
    caller: RtpSession,
    extension: str,
    hold: asyncio.Future[None],
) -> bool:
    leg = await Leg.ring(agent, state, extension)
    try:
        if await answered_or_not(agent, leg.call, agent.config.sip_queue_seconds) is not None:
            return False
        await _talk(agent, state, caller, leg, hold)
        return True
    finally:
        if not leg.gone.is_set():
            leg.call.hangup(agent.uac)
        leg.close(agent)


async def _ring_all(
    agent: SipAgent, state: CallState, caller: RtpSession, hold: asyncio.Future[None]
) -> bool:
    """Every operator's phone rings at once; the first to answer gets the caller, the others
    get a CANCEL (a phone that answered in the same moment gets a BYE)."""
    legs = [await Leg.ring(agent, state, e) for e in extensions(agent.config)]
    seconds = agent.config.sip_queue_seconds
    waits = {asyncio.ensure_future(answered_or_not(agent, leg.call, seconds)): leg for leg in legs}
    stopped: set[int] = set()

    def stop_ringing() -> None:
        """CANCEL every phone still ringing (also when the caller hung up meanwhile)."""
        for task, leg in waits.items():
            if not task.done() and id(leg) not in stopped:
                stopped.add(id(leg))
                task.cancel()
                leg.call.cancel(agent.uac)

    winner: Leg | None = None
    try:
        pending = set(waits)
        while pending and winner is None:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if task.result() is not None:
                    continue  # busy, refused or rang out: answered_or_not has settled it
                if winner is None:
                    winner = waits[task]
                else:
                    waits[task].call.hangup(agent.uac)
        stop_ringing()
        if winner is None:
            return False
        await _talk(agent, state, caller, winner, hold)
        return True
    finally:
        stop_ringing()
        if winner is not None and not winner.gone.is_set():
            winner.call.hangup(agent.uac)
        for leg in legs:
            leg.close(agent)


async def _talk(
    agent: SipAgent,
    state: CallState,
    caller: RtpSession,
    leg: Leg,
    hold: asyncio.Future[None],
) -> None:
    """Bridge the caller with the operator who answered until one of them hangs up."""
    hold.cancel()
    call, phone = leg.call, leg.phone
    phone.remote = call.sdp_answer.rtp_address if call.sdp_answer is not None else None
    caller.relay, phone.relay = phone, caller
    agent.emit(state, "answered", extension=leg.extension)
    started = time.time()
    try:
        await leg.gone.wait()  # the operator put the phone down (a caller's BYE cancels this)
        agent.emit(state, "left", extension=leg.extension, duration=int(time.time() - started))
    finally:
        caller.relay = None
