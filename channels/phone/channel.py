"""The phone channel type: one line (cloud PBX account) per channel account.

Calls are not messages: a provider's webhooks go to this plugin's own route, which verifies and
decodes them with the line's adapter and stores them as calls (:mod:`.store`) — each call one
entry of the member's appeal. The type declares no text (an operator answers a call by calling:
a reply on a phone appeal fails visibly, the console offers another channel or click-to-call)
but speaks broadcasts (``spoken``: a campaign's message is a robot call, :mod:`.broadcast`),
and fetches recordings for the SDK's attachment job.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

from unionline import PermanentFailure
from unionline.channel import (
    Capabilities,
    ChannelAccount,
    ChannelType,
    CheckResult,
    InboundMessage,
    InboundRequest,
    OutboundMessage,
    RateLimit,
    SendResult,
    SetupInfo,
)
from unionline.channels.phone import setup as phone_setup
from unionline.channels.phone.adapters import adapter_for
from unionline.channels.phone.settings import LineConfig, LineSecrets

Line: TypeAlias = ChannelAccount[LineConfig, LineSecrets]


class PhoneChannel(ChannelType[LineConfig, LineSecrets]):
    name = "phone"
    title = "Телефон (облачная АТС)"
    contact_kind = "phone"
    settings = LineConfig
    secrets = LineSecrets
    capabilities = Capabilities(text=False, spoken=True, files=False)
    rate_limit = RateLimit(per_second=5, burst=5)
    labels = phone_setup.LABELS

    async def check(self, account: Line) -> CheckResult:
        return await phone_setup.check(account)

    def setup(self, account: Line, base_url: str) -> SetupInfo:
        return phone_setup.setup(account, base_url)

    async def verify(self, account: Line, request: InboundRequest) -> None:
        await adapter_for(account.config.provider).verify(account, request)

    async def decode(self, account: Line, request: InboundRequest) -> Sequence[Any]:
        return list[InboundMessage]()  # calls take the plugin's own route (routes.py)

    async def send(self, account: Line, message: OutboundMessage) -> SendResult:
        if message.broadcast:  # a campaign's robot call (broadcast.py)
            from unionline.channels.phone.broadcast import say

            return await say(account, message)
        raise PermanentFailure(
            "Телефонная линия не передаёт текст: перезвоните или ответьте в другом канале"
        )

    def broadcast_refusal(self, account: Line) -> str:
        """A line whose provider places no robot calls (Mango Office, Zadarma: their APIs
        connect two numbers or play a file uploaded to the PBX, but speak no text) is refused
        for a campaign's robot calls at once, instead of failing each recipient."""
        from unionline.channels.phone.broadcast import refusal

        return refusal(account)

    async def fetch_attachment(self, account: Line, ref: str) -> bytes:
        return await adapter_for(account.config.provider).fetch_recording(account, ref)
