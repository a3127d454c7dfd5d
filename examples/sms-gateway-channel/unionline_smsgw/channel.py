"""The SMS gateway channel type: signed webhooks in, JSON POSTs out, segment-aware replies.

Built on the public API only (``unionline``, ``unionline.channel``), as any third-party channel.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Sequence
from typing import Annotated, Any, TypeAlias

import msgspec

from unionline import WHITE_SPACE, Forbidden, PermanentFailure, Unauthorized, UnsupportedUpdate
from unionline.channel import (
    Capabilities,
    ChannelAccount,
    ChannelType,
    DeliveryReport,
    InboundMessage,
    InboundRequest,
    OutboundMessage,
    RateLimit,
    Sender,
    SendResult,
)
from unionline_smsgw import segments
from unionline_smsgw.client import GatewayClient
from unionline_smsgw.wire import (
    FAILED_STATUSES,
    SIGNATURE_HEADER,
    Event,
    MessageReceived,
    MessageStatus,
    SendRequest,
    signature,
)

NAME = "smsgw"
DEFAULT_MAX_SEGMENTS = 6
_PHONE = re.compile(r"^\+?[1-9][0-9]{6,14}$")


class GatewayConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """An account's config: one number (or alphanumeric sender name) at the gateway."""

    # The gateway's API root; a local stand-in in tests.
    base_url: Annotated[str, msgspec.Meta(pattern=rf"^https?://[^{WHITE_SPACE}]+$(?!\n)")] = (
        "https://api.smsgw.example"
    )
    # What members see as the sender: the number, or a registered alphanumeric name.
    sender: Annotated[str, msgspec.Meta(pattern=r"^(\+?[0-9]{3,15}|[A-Za-z0-9 ._-]{1,11})$(?!\n)")]
    # Longer replies are refused before sending: each segment is paid for.
    max_segments: Annotated[int, msgspec.Meta(ge=1, le=10)] = DEFAULT_MAX_SEGMENTS
    timeout: Annotated[float, msgspec.Meta(gt=0, le=60)] = 10.0


class GatewaySecrets(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    api_key: Annotated[str, msgspec.Meta(min_length=8)]
    webhook_secret: Annotated[str, msgspec.Meta(min_length=16)]


Account: TypeAlias = ChannelAccount[GatewayConfig, GatewaySecrets]


class SmsGatewayChannel(ChannelType[GatewayConfig, GatewaySecrets]):
    name = NAME
    title = "SMS (шлюз)"
    contact_kind = "phone"  # senders are phone numbers, linked to members' phones
    settings = GatewayConfig
    secrets = GatewaySecrets
    # Any text fits in this many characters at the default segment limit (Cyrillic is UCS-2:
    # 67 per segment); a Latin-only text may be longer (153 per segment).
    capabilities = Capabilities(
        text=True,
        read_receipts=True,  # delivery receipts; SMS has no "read"
        max_text_length=segments.max_length(DEFAULT_MAX_SEGMENTS, "ucs2"),
    )
    rate_limit = RateLimit(per_second=10, burst=10)

    async def verify(self, account: Account, request: InboundRequest) -> None:
        given = request.header(SIGNATURE_HEADER)
        if not given:
            raise Unauthorized(f"{SIGNATURE_HEADER} header is missing", field=SIGNATURE_HEADER)
        expected = signature(account.secrets.webhook_secret, request.body)
        if not hmac.compare_digest(given.encode(), expected.encode()):  # constant time
            raise Forbidden("signature does not match", field=SIGNATURE_HEADER)

    async def decode(
        self, account: Account, request: InboundRequest
    ) -> Sequence[InboundMessage | DeliveryReport]:
        event = request.json(Event)
        if event.event == "message.received":
            return [_message(request.json(MessageReceived))]
        if event.event == "message.status":
            return _receipt(request.json(MessageStatus))
        raise UnsupportedUpdate(f"SMS gateway event {event.event!r}")

    async def send(self, account: Account, message: OutboundMessage) -> SendResult:
        config = account.config
        if message.attachments:
            raise PermanentFailure("SMS передаёт только текст; файл отправьте другим каналом")
        need = segments.count(message.text)
        if need.count == 0:
            raise PermanentFailure("пустое SMS не отправляется")
        if need.count > config.max_segments:
            raise PermanentFailure(
                f"текст занимает {need.count} SMS-сегментов ({need.encoding}), а этот номер"
                f" отправляет не больше {config.max_segments}; сократите ответ"
            )
        client = GatewayClient(config.base_url, account.secrets.api_key, timeout=config.timeout)
        request = SendRequest(
            sender=config.sender, to=message.recipient, text=message.text, reference=str(message.id)
        )
        # The delivery id is the same on every retry: the gateway sends a repeated key once.
        accepted = await client.send(request, idempotency_key=str(message.id))
        return SendResult(external_id=accepted.id)


def _message(update: MessageReceived) -> InboundMessage:
    if not _PHONE.match(update.sender):
        # Alphanumeric senders (a bank, an operator's service message) are not members.
        raise UnsupportedUpdate(f"SMS {update.id} from {update.sender!r}: not a phone number")
    if not update.text.strip():
        raise UnsupportedUpdate(f"SMS {update.id} has no text")
    phone = update.sender if update.sender.startswith("+") else f"+{update.sender}"
    data: dict[str, Any] = {"to": update.to, "segments": segments.count(update.text).count}
    return InboundMessage(
        external_id=update.id,
        sender=Sender(kind="phone", address=phone),
        text=update.text,
        conversation=phone,
        sent_at=update.received_at,
        data=data,
    )


def _receipt(update: MessageStatus) -> list[DeliveryReport]:
    if update.status == "delivered":
        return [DeliveryReport(external_id=update.message_id, status="delivered")]
    if update.status in FAILED_STATUSES:
        error = f"SMS не доставлено: {update.status} {update.error_code}".rstrip()
        return [DeliveryReport(external_id=update.message_id, status="failed", error=error)]
    return []  # accepted, sent: still on the way, nothing to show
