"""Click-to-call through the SIP agent: the operator's SIP phone rings first, then the member,
and the agent bridges the two legs (RTP relayed packet by packet, both G.711 A-law).

One call in the call model (direction out, the member's number, the operator's extension and
the click-to-call's command): ``ringing`` while the operator's phone rings, ``answered`` when
the member answers, ``ended`` when either hangs up — or busy / no answer / failed when the
operator's phone or the member's does not answer (then the other leg is hung up). Its end
settles the callback it was made for, as a cloud PBX's click-to-call does.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from aiosipua import OutgoingCall

from unionline.channels.phone.numbers import digits_of
from unionline.channels.phone.sip.outbound import answered_or_not, dial
from unionline.channels.phone.sip.rtp import RtpSession

if TYPE_CHECKING:
    from unionline.channels.phone.sip.agent import CallState, SipAgent

RING_SECONDS = 30.0


async def click_to_call(agent: SipAgent, extension: str, number: str, command: str) -> None:
    """Ring ``extension``, then ``number``; the call's events tell the rest."""
    ref = f"c2c-{command}"
    state = agent.track(ref, ref)
    agent.emit(state, "started", direction="out", member=number, command=command)
    legs: list[tuple[OutgoingCall, RtpSession, asyncio.Event]] = []
    try:
        await _connect(agent, state, legs, extension, number)
    finally:
        for call, rtp, hung_up in legs:
            if not hung_up.is_set():
                call.hangup(agent.uac)
            rtp.close()
            agent.stats["rtp_sent"] += rtp.sent
            agent.legs.pop(call.call_id, None)
            agent.outgoing.pop(call.call_id, None)
        await agent.finish(ref, state)


async def _leg(
    agent: SipAgent, user: str, legs: list[tuple[OutgoingCall, RtpSession, asyncio.Event]]
) -> tuple[OutgoingCall, RtpSession, asyncio.Event]:
    rtp = await RtpSession.open(agent.listen[0], agent.rtp_ports)
    call = dial(agent, user, rtp)
    hung_up = agent.legs.setdefault(call.call_id, asyncio.Event())
    legs.append((call, rtp, hung_up))
    return call, rtp, hung_up


async def _connect(
    agent: SipAgent,
    state: CallState,
    legs: list[tuple[OutgoingCall, RtpSession, asyncio.Event]],
    extension: str,
    number: str,
) -> None:
    operator, operator_rtp, operator_gone = await _leg(agent, extension, legs)
    operator.on_ringing = lambda _: agent.emit(state, "ringing", extension=extension)
    refused = await answered_or_not(agent, operator, RING_SECONDS)
    if refused is not None:
        agent.emit(state, "ended", disposition=refused[0], extension=extension)
        return
    _aim(operator, operator_rtp)
    member, member_rtp, member_gone = await _leg(agent, digits_of(number), legs)
    ringing = asyncio.ensure_future(answered_or_not(agent, member, RING_SECONDS))
    gone = asyncio.ensure_future(operator_gone.wait())
    try:
        await asyncio.wait({ringing, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
        if not ringing.done():
            ringing.cancel()
    if ringing.cancelled():  # the operator put the phone down first
        member.cancel(agent.uac)
        agent.emit(state, "ended", disposition="cancelled", extension=extension)
        return
    refused = ringing.result()
    if refused is not None:
        agent.emit(state, "ended", disposition=refused[0], extension=extension)
        return
    _aim(member, member_rtp)
    operator_rtp.relay, member_rtp.relay = member_rtp, operator_rtp
    answered = time.time()
    agent.emit(state, "answered", extension=extension)
    either = [asyncio.ensure_future(e.wait()) for e in (operator_gone, member_gone)]
    try:
        await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiting in either:
            waiting.cancel()
    duration = int(time.time() - answered)
    agent.emit(state, "ended", disposition="answered", duration=duration, extension=extension)


def _aim(call: OutgoingCall, rtp: RtpSession) -> None:
    rtp.remote = call.sdp_answer.rtp_address if call.sdp_answer is not None else None
