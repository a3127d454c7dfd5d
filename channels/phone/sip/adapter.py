"""The SIP agent as a line's adapter (``provider = "sip"``): its calls come from the agent
(:mod:`.agent`), not from webhooks, and its recordings are attached by the agent itself."""

from __future__ import annotations

from typing import ClassVar

from unionline import PermanentFailure, Unauthorized
from unionline.channel import InboundRequest
from unionline.channels.phone.adapters import Line, PbxAdapter, Placed
from unionline.channels.phone.model import CallEvent


class SipAdapter(PbxAdapter):
    name = "sip"
    title = "SIP-агент (своя АТС или SIP-транк)"
    agent_bound: ClassVar[bool] = True  # the console's click-to-call goes by sip/handoff.py

    async def verify(self, line: Line, request: InboundRequest) -> None:
        raise Unauthorized("a SIP line takes no webhooks: its agent reports its calls")

    def decode(self, line: Line, request: InboundRequest) -> list[CallEvent]:
        return []

    async def click_to_call(self, line: Line, extension: str, number: str, command: str) -> Placed:
        """The agent rings the operator's SIP phone, then the member, and bridges them (in the
        background: the call's events tell how it went)."""
        from unionline.channels.phone.sip import runtime
        from unionline.channels.phone.sip.bridge import click_to_call

        agent = runtime.agent_for(line.id)
        if agent is None:
            raise PermanentFailure("SIP-агент линии не запущен: перезапустите приложение")
        if agent.outbound is None:
            raise PermanentFailure("У линии не указан регистратор или адрес для исходящих")
        agent.spawn(click_to_call(agent, extension, number, command))
        return Placed(reference=f"c2c-{command}")

    async def fetch_recording(self, line: Line, reference: str) -> bytes:
        raise PermanentFailure("the SIP agent attaches its recordings itself")
