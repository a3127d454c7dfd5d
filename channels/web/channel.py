"""The ``web`` channel type: a chat widget's visitors write in, operators' replies go back.

Inbound frames (over the visitor socket, or ``POST /widget/{key}/messages``) carry the
visitor's token as ``Authorization: Bearer <token>`` and the page's ``Origin``; ``verify``
checks both, ``decode`` turns a frame into a message (deduplicated by the client's own message
id, so a resend after a reconnect is stored once) or a receipt. ``send`` appends the reply to
the visitor's conversation: sockets of the visitor get it at once, a visitor who is away gets
it when the widget reconnects; the widget's receipts then mark it delivered and read.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Literal

import msgspec

from unionline import (
    Forbidden,
    Invalid,
    NotFound,
    PermanentFailure,
    ServiceError,
    Unauthorized,
    UnsupportedUpdate,
)
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
    take_token,
)
from unionline.channels.web import conversation, tokens, uploads
from unionline.channels.web.sessions import live_visitor
from unionline.channels.web.settings import WidgetSecrets, WidgetSettings

NAME = "web"
Account = ChannelAccount[WidgetSettings, WidgetSecrets]
ClientId = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{1,100}$(?!\n)")]


# A visitor may write 10 messages at once, then one every 2 seconds (shared through Redis
# when it is configured); more is refused with 429 and the widget shows it as not sent.
VISITOR_MESSAGES = RateLimit(per_second=0.5, burst=10)


class TooFast(ServiceError):
    status_code = 429
    code = "rate_limited"


class Envelope(msgspec.Struct):
    type: str


class MessageFrame(msgspec.Struct, forbid_unknown_fields=True):
    """A visitor's message: ``id`` is made by the widget and repeated on every resend."""

    type: Literal["message"]
    id: ClientId
    text: Annotated[str, msgspec.Meta(max_length=4000)] = ""
    files: Annotated[list[uuid.UUID], msgspec.Meta(max_length=10)] = msgspec.field(
        default_factory=list
    )
    name: Annotated[str, msgspec.Meta(max_length=100)] = ""
    page: Annotated[str, msgspec.Meta(max_length=500)] = ""  # where the visitor is


class ReceiptFrame(msgspec.Struct, forbid_unknown_fields=True):
    type: Literal["receipt"]
    message_id: str
    status: Literal["delivered", "read"]


def origin_allowed(config: WidgetSettings, origin: str) -> bool:
    return bool(origin) and origin.rstrip("/").lower() in {
        o.rstrip("/").lower() for o in config.allowed_origins
    }


def bearer(request: InboundRequest) -> str:
    scheme, _, token = request.header("authorization").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def visitor_of(account: Account, request: InboundRequest) -> str | None:
    return await live_visitor(account, bearer(request))


class WebChannel(ChannelType[WidgetSettings, WidgetSecrets]):
    name = NAME
    title = "Чат на сайте"
    contact_kind = "web"
    settings = WidgetSettings
    secrets = WidgetSecrets
    capabilities = Capabilities(
        text=True, files=True, typing=True, read_receipts=True, max_text_length=4000
    )
    rate_limit = RateLimit(per_second=50, burst=100)

    async def verify(self, account: Account, request: InboundRequest) -> None:
        origin = request.header("origin")
        if not origin_allowed(account.config, origin):
            raise Forbidden(
                f"this widget does not run on {origin or 'pages without an Origin'}", field="Origin"
            )
        if not bearer(request):
            raise Unauthorized("the visitor token is missing", field="Authorization")
        if await visitor_of(account, request) is None:
            raise Forbidden(
                "the visitor token is not valid for this widget, or has expired",
                field="Authorization",
            )

    async def decode(
        self, account: Account, request: InboundRequest
    ) -> Sequence[InboundMessage | DeliveryReport]:
        visitor = await visitor_of(account, request)
        assert visitor is not None  # verify() ran
        key = conversation.visitor_key(account.id, visitor)
        kind = request.json(Envelope).type
        if kind == "receipt":
            receipt = request.json(ReceiptFrame)
            if not await conversation.owns_outbound(key, receipt.message_id):
                raise NotFound("no such message in this conversation", field="message_id")
            return [DeliveryReport(external_id=receipt.message_id, status=receipt.status)]
        if kind != "message":
            raise UnsupportedUpdate(f"web widget frame of type {kind!r}")
        frame = request.json(MessageFrame)
        wait = await take_token(f"web-visitor:{key}", VISITOR_MESSAGES)
        if wait:
            raise TooFast(
                f"too many messages: wait {wait:.0f} s", field="id", extra={"retry_after": wait}
            )
        files = await uploads.take(key, frame.files)
        if not frame.text.strip() and not files:
            raise Invalid("write a message or attach a file", field="text")
        row = await conversation.ensure_visitor(account.id, visitor)
        address = tokens.address(visitor)
        return [
            InboundMessage(
                external_id=f"{visitor}:{frame.id}",
                sender=Sender(
                    kind=self.contact_kind,
                    address=address,
                    display_name=frame.name.strip(),
                    verified=row.verified,
                    profile=conversation.identity_claim_profile(row),
                ),
                text=frame.text,
                conversation=address,
                attachments=tuple(files),
                data={"client_id": frame.id, "page": frame.page}
                if frame.page
                else {"client_id": frame.id},
            )
        ]

    async def send(self, account: Account, message: OutboundMessage) -> SendResult:
        visitor = tokens.visitor_from_address(message.recipient)
        row = await conversation.get_visitor(account.id, visitor) if visitor else None
        if row is None:
            raise PermanentFailure(f"{message.recipient!r} is not a visitor of this widget")
        files = [
            conversation.FileRef(
                id=str(a.id), filename=a.filename, content_type=a.content_type, size=a.size
            )
            for a in message.attachments
        ]
        stored, _ = await conversation.append(
            account,
            row.key,
            direction="out",
            dedup=f"out:{message.id}",
            text=message.text,
            files=files,
            appeal_id=message.appeal_id,
            entry_id=message.entry_id,
            status="sent",
        )
        return SendResult(external_id=str(stored["id"]))
