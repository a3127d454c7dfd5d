"""The reference channel ("reference"): a complete channel on a loopback, in-memory provider.

It shows every part of the SDK a real channel uses, and every channel's tests compare against
it (``ChannelContract``). Wire format of its "provider":

``POST /channels/reference/{account id or public key}/inbound`` with
``X-Reference-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed by signing_secret>``
and a JSON body, one of::

    {"update_id": "u1", "type": "message", "from": {"id": "42", "name": "Анна"},
     "chat": "42", "text": "Здравствуйте", "date": 1700000000.0,
     "files": [{"name": "a.png", "type": "image/png", "data": "<base64>"},
               {"name": "big.pdf", "type": "application/pdf", "ref": "file-7", "size": 1000}]}
    {"update_id": "u2", "type": "receipt", "message_id": "ref-1", "status": "read"}

A message may also carry what members send beyond text and files (each optional)::

    "forward_from": {"kind": "user", "name": "Иван Петров", "id": "77"},
    "forwarded": [{"from": {"kind": "user", "name": "Иван"}, "message_id": "m9",
                   "text": "…", "date": 1700000000.0, "files": ["Фото"], "forwarded": []}],
    "reply_to": {"from": {"kind": "user", "name": "Анна"}, "message_id": "u1", "text": "…"},
    "location": {"lat": 55.7558, "lon": 37.6173, "title": "Профком", "address": "ул. …"},
    "edit_of": "u1",            # this update edits the message of update u1
    "album": "g1",              # parts of one album share it

and the sender's name as raw bytes in a declared charset, ``"from": {"id": "42",
"name_bytes": "<base64>", "charset": "utf-8"}``: bytes that are not valid there are shown
replaced (U+FFFD) and the message carries a warning, as a channel should treat undecodable
header bytes.

Any other ``type`` is an unsupported update (answered 200, nothing stored). Outbound messages
land in :class:`ReferenceProvider` (one per account, in this process): tests read ``sent`` and
switch failure modes with ``fail_next``.
"""

from __future__ import annotations

import base64
import codecs
import hashlib
import hmac
import itertools
import re
import uuid
from collections import deque
from collections.abc import Sequence
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, Response, post
from litestar.params import FromPath

from unionline.channel.attachments import read_attachment
from unionline.channel.errors import DeliveryUnknown, RecipientBlocked
from unionline.channel.inbound import handle_webhook
from unionline.channel.types import (
    Attachment,
    Capabilities,
    ChannelAccount,
    ChannelType,
    DeliveryReport,
    InboundMessage,
    InboundRequest,
    Location,
    Origin,
    OutboundMessage,
    Quoted,
    RateLimit,
    Sender,
    SendResult,
)
from unionline.errors import (
    AuthFailed,
    Forbidden,
    Invalid,
    NotReady,
    PermanentFailure,
    Unauthorized,
    UnsupportedUpdate,
)

NAME = "reference"
SIGNATURE_HEADER = "X-Reference-Signature"
FailureMode = Literal["transient", "rate_limited", "permanent", "auth", "unknown", "blocked"]
_SENDER_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")  # the whole id (fullmatch: no "\n" after)


class ReferenceSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    prefix: Annotated[str, msgspec.Meta(max_length=50)] = ""  # put before every outgoing text


class ReferenceSecrets(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    signing_secret: Annotated[str, msgspec.Meta(min_length=16)]


class _From(msgspec.Struct):
    id: str
    name: str = ""
    name_bytes: str | None = None  # base64 of the name in ``charset`` (may be undecodable)
    charset: str = "utf-8"


class _Origin(msgspec.Struct):
    kind: Literal["user", "hidden_user", "chat", "channel", "unknown"] = "unknown"
    name: str = ""
    id: str = ""


class _Quoted(msgspec.Struct):
    origin: _Origin = msgspec.field(name="from", default_factory=_Origin)
    message_id: str = ""
    text: str = ""
    date: float | None = None
    files: list[str] = msgspec.field(default_factory=list)
    forwarded: list[_Quoted] = msgspec.field(default_factory=list)


class _Location(msgspec.Struct):
    lat: Annotated[float, msgspec.Meta(ge=-90, le=90)]
    lon: Annotated[float, msgspec.Meta(ge=-180, le=180)]
    title: str = ""
    address: str = ""


class _File(msgspec.Struct):
    name: str
    type: str = "application/octet-stream"
    data: str | None = None  # base64
    ref: str | None = None
    size: int | None = None


class _Envelope(msgspec.Struct):
    update_id: str
    type: str


class _MessageUpdate(msgspec.Struct):
    update_id: str
    text: str = ""
    chat: str | None = None
    date: float | None = None
    files: list[_File] = msgspec.field(default_factory=list)
    # "from" is a Python keyword; it is the sender in the wire format.
    sender: _From = msgspec.field(name="from", default_factory=lambda: _From(id=""))
    forward_from: _Origin | None = None
    forwarded: list[_Quoted] = msgspec.field(default_factory=list)
    reply_to: _Quoted | None = None
    location: _Location | None = None
    edit_of: str | None = None
    album: str | None = None


class _ReceiptUpdate(msgspec.Struct):
    message_id: str
    status: Literal["delivered", "read", "failed"]
    error: str = ""


class SentMessage(msgspec.Struct, kw_only=True):
    """What the stand-in provider received from ``send()``."""

    external_id: str
    delivery_id: uuid.UUID
    recipient: str
    text: str
    files: list[tuple[str, bytes]]


class ReferenceProvider:
    """The in-memory provider of one account: what was sent, failures to come, hosted files."""

    def __init__(self) -> None:
        self.sent: list[SentMessage] = []
        self.failures: deque[FailureMode] = deque()
        self.files: dict[str, bytes] = {}
        self._ids = itertools.count(1)

    def fail_next(self, mode: FailureMode, times: int = 1) -> None:
        self.failures.extend([mode] * times)

    def record(
        self, message: OutboundMessage, text: str, files: list[tuple[str, bytes]]
    ) -> SentMessage:
        sent = SentMessage(
            external_id=f"ref-{next(self._ids)}",
            delivery_id=message.id,
            recipient=message.recipient,
            text=text,
            files=files,
        )
        self.sent.append(sent)
        return sent


_PROVIDERS: dict[uuid.UUID, ReferenceProvider] = {}


def provider(account_id: uuid.UUID) -> ReferenceProvider:
    """The stand-in provider of ``account_id`` (created on first use)."""
    return _PROVIDERS.setdefault(account_id, ReferenceProvider())


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed(secret: str, payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """A body and headers as the provider would send them (for tests and demos)."""
    body = msgspec.json.encode(payload)
    return body, {SIGNATURE_HEADER: signature(secret, body), "Content-Type": "application/json"}


class ReferenceChannel(ChannelType[ReferenceSettings, ReferenceSecrets]):
    name = NAME
    title = "Reference (loopback)"
    listed = False  # for development and tests: not offered to a federation's admin
    contact_kind = "web"  # senders are opaque ids, like web visitors ("ref-<id>")
    settings = ReferenceSettings
    secrets = ReferenceSecrets
    capabilities = Capabilities(text=True, files=True, read_receipts=True, max_text_length=4096)
    rate_limit = RateLimit(per_second=50, burst=50)

    async def verify(
        self, account: ChannelAccount[ReferenceSettings, ReferenceSecrets], request: InboundRequest
    ) -> None:
        given = request.header(SIGNATURE_HEADER)
        if not given:
            raise Unauthorized(f"{SIGNATURE_HEADER} header is missing", field=SIGNATURE_HEADER)
        expected = signature(account.secrets.signing_secret, request.body)
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise Forbidden("signature does not match", field=SIGNATURE_HEADER)

    async def decode(
        self, account: ChannelAccount[ReferenceSettings, ReferenceSecrets], request: InboundRequest
    ) -> Sequence[InboundMessage | DeliveryReport]:
        kind = request.json(_Envelope).type
        if kind == "receipt":
            receipt = request.json(_ReceiptUpdate)
            return [
                DeliveryReport(
                    external_id=receipt.message_id, status=receipt.status, error=receipt.error
                )
            ]
        if kind != "message":
            raise UnsupportedUpdate(f"reference update of type {kind!r}")
        update = request.json(_MessageUpdate)
        if not _SENDER_ID.fullmatch(update.sender.id):
            raise Invalid("from.id must be 1-100 characters of A-Z a-z 0-9 _ -", field="from.id")
        address = f"ref-{update.sender.id}"
        name, warnings = _sender_name(update.sender)
        return [
            InboundMessage(
                external_id=update.update_id,
                sender=Sender(kind=self.contact_kind, address=address, display_name=name),
                text=update.text,
                conversation=f"ref-{update.chat}" if update.chat else address,
                sent_at=update.date,
                attachments=tuple(_attachment(f) for f in update.files),
                forward_origin=_origin(update.forward_from) if update.forward_from else None,
                forwarded=tuple(_quoted(q) for q in update.forwarded),
                reply_to=_quoted(update.reply_to) if update.reply_to else None,
                location=_location(update.location) if update.location else None,
                edit_of=update.edit_of,
                part_of=update.album,
                warnings=warnings,
            )
        ]

    async def send(
        self, account: ChannelAccount[ReferenceSettings, ReferenceSecrets], message: OutboundMessage
    ) -> SendResult:
        stand_in = provider(account.id)
        mode = stand_in.failures.popleft() if stand_in.failures else None
        if mode == "transient":
            raise NotReady("reference provider is busy", retry_after=0.01)
        if mode == "rate_limited":  # like Telegram's 429 with parameters.retry_after
            raise NotReady("too many requests", retry_after=30)
        if mode == "permanent":
            raise PermanentFailure("reference provider refused the message")
        if mode == "auth":
            raise AuthFailed("reference provider refused the credentials")
        if mode == "blocked":
            raise RecipientBlocked("the member blocked this account")
        files = [(a.filename, await read_attachment(a)) for a in message.attachments]
        sent = stand_in.record(message, account.config.prefix + message.text, files)
        if mode == "unknown":
            raise DeliveryUnknown("no answer after the message was sent")
        return SendResult(external_id=sent.external_id)

    async def fetch_attachment(
        self, account: ChannelAccount[ReferenceSettings, ReferenceSecrets], ref: str
    ) -> bytes:
        data = provider(account.id).files.get(ref)
        if data is None:
            raise PermanentFailure(f"file {ref!r} is no longer available at the provider")
        return data


def _sender_name(sender: _From) -> tuple[str, tuple[str, ...]]:
    """The sender's name and, when its bytes were not valid in their charset, a warning."""
    if sender.name_bytes is None:
        return sender.name, ()
    try:
        raw = base64.b64decode(sender.name_bytes, validate=True)
    except ValueError:
        raise Invalid("from.name_bytes must be base64", field="from.name_bytes") from None
    try:
        return raw.decode(sender.charset), ()
    except (UnicodeDecodeError, LookupError):
        charset = sender.charset if _known(sender.charset) else "utf-8"
        warning = (
            f"Имя отправителя не читается в кодировке {sender.charset}: нечитаемые байты заменены"
        )
        return raw.decode(charset, "replace"), (warning,)


def _known(charset: str) -> bool:
    try:
        codecs.lookup(charset)
    except LookupError:
        return False
    return True


def _origin(origin: _Origin) -> Origin:
    return Origin(kind=origin.kind, name=origin.name, address=origin.id)


def _quoted(item: _Quoted) -> Quoted:
    return Quoted(
        origin=_origin(item.origin),
        external_id=item.message_id,
        text=item.text,
        sent_at=item.date,
        attachments=tuple(item.files),
        quoted=tuple(_quoted(q) for q in item.forwarded),
    )


def _location(item: _Location) -> Location:
    return Location(latitude=item.lat, longitude=item.lon, title=item.title, address=item.address)


def _attachment(item: _File) -> Attachment:
    data = None
    if item.data is not None:
        try:
            data = base64.b64decode(item.data, validate=True)
        except ValueError:
            raise Invalid("file data must be base64", field="files.data") from None
    return Attachment(
        filename=item.name, content_type=item.type, data=data, remote_ref=item.ref, size=item.size
    )


@post(
    "/channels/reference/{account_key:str}/inbound",
    status_code=200,
    exclude_from_csrf=True,
    tags=["channels"],
    include_in_schema=True,
)
async def reference_inbound(
    request: Request[Any, Any, Any], account_key: FromPath[str]
) -> Response[bytes]:
    """Webhook of the reference channel (signed with ``X-Reference-Signature``)."""
    return await handle_webhook(request, NAME, account_key)
