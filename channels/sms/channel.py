"""An HTTP SMS gateway as a channel type: :class:`SmsChannel` around an adapter of the registry
(:mod:`.gateways`). The adapter speaks the gateway's API; this adds what every SMS channel
does (:mod:`.common`) and remembers what was sent for status polling (:mod:`.statuses`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, TypeAlias

import msgspec

from unionline.channel import (
    Capabilities,
    ChannelAccount,
    ChannelType,
    CheckResult,
    DeliveryReport,
    InboundMessage,
    InboundRequest,
    IngestResult,
    OutboundMessage,
    RateLimit,
    SendResult,
    SentElsewhere,
    SetupInfo,
    WebhookReply,
)
from unionline.channels.sms import common, segments, statuses
from unionline.channels.sms.gateways import SmsGateway

Account: TypeAlias = ChannelAccount[Any, Any]


class SmsChannel(ChannelType[Any, Any]):
    """Base of the channel type made for each gateway (:func:`channel_for`)."""

    contact_kind = "phone"  # senders are phone numbers, linked to members' phones
    # Any text fits in this many characters at the default part limit (Cyrillic is UCS-2:
    # 67 per part); a Latin-only text may be longer (153 per part).
    capabilities = Capabilities(
        text=True,
        read_receipts=True,  # delivery receipts; SMS has no "read"
        max_text_length=segments.max_length(common.DEFAULT_MAX_SEGMENTS, "ucs2"),
        sms_segments=common.DEFAULT_MAX_SEGMENTS,
    )
    rate_limit = RateLimit(per_second=10, burst=10)
    gateway: ClassVar[SmsGateway]

    def account_capabilities(self, account: Account) -> Capabilities:
        """The parts and characters at the account's «Не больше SMS в одном ответе»."""
        return common.account_capabilities(self.capabilities, account)

    async def verify(self, account: Account, request: InboundRequest) -> None:
        await self.gateway.verify(account, request)

    async def decode(
        self, account: Account, request: InboundRequest
    ) -> Sequence[InboundMessage | DeliveryReport | SentElsewhere]:
        items = list(await self.gateway.decode(account, request))
        out: list[InboundMessage | DeliveryReport | SentElsewhere] = []
        for item in items:
            if isinstance(item, InboundMessage):
                out.append(await common.apply_words(account, item))
            else:
                out.append(item)
        await statuses.settled(account.id, [r for r in items if isinstance(r, DeliveryReport)])
        return out

    def acknowledge(
        self, account: Account, request: InboundRequest, result: IngestResult
    ) -> WebhookReply:
        answer = getattr(self.gateway, "answer", None)
        return answer(account, request) if answer else WebhookReply()

    def message_refusal(self, account: Account, message: OutboundMessage) -> str:
        """Files, an empty text or more parts than the account's limit — link buttons
        included, as the lines they become — are refused before the message is queued."""
        return common.content_refusal(account, message)

    async def send(self, account: Account, message: OutboundMessage) -> SendResult:
        need = await common.refuse_before_sending(account, message)
        result = await self.gateway.send(account, message)
        if result.external_id:
            await statuses.remember(account.id, result.external_id, message.recipient)
        note = common.note(need.count)
        return msgspec.structs.replace(
            result, note=f"{note} · {result.note}" if result.note else note
        )

    async def check(self, account: Account) -> CheckResult:
        check = getattr(self.gateway, "check", None)
        if check is None:
            raise NotImplementedError
        result: CheckResult = await check(account)
        return result

    def setup(self, account: Account, base_url: str) -> SetupInfo:
        from unionline.channels.sms.setup import gateway_setup

        return gateway_setup(self.gateway, account, base_url)


def channel_for(gateway: SmsGateway) -> SmsChannel:
    """The channel type of ``gateway``: its name, title, settings and labels."""
    attrs: dict[str, Any] = {
        "name": gateway.name,
        "title": gateway.title,
        "settings": gateway.settings,
        "secrets": gateway.secrets,
        "labels": gateway.labels,
        "gateway": gateway,
    }
    limit = getattr(gateway, "rate_limit", None)
    if isinstance(limit, RateLimit):
        attrs["rate_limit"] = limit
    kind = type(f"{type(gateway).__name__}Channel", (SmsChannel,), attrs)
    return kind()
