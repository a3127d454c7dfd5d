"""The channel SDK's types: what a channel receives, decodes, sends, and the base class it extends.

A channel plugin subclasses :class:`ChannelType`, declares its ``settings``/``secrets`` Structs
and :class:`Capabilities`, implements ``verify``/``decode`` (inbound) and ``send`` (outbound)
(optionally ``typing``), and registers an instance with the ``register_channels`` hook.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar
from urllib.parse import urlsplit

import msgspec

from unionline.appeals.delivery_statuses import DeliveryStatus as DeliveryStatus  # SDK name
from unionline.errors import PermanentFailure

if TYPE_CHECKING:
    from unionline.channel.inbound import IngestResult
    from unionline.registry import FieldLabel

AccountStatus = Literal["active", "needs_reauth", "disabled"]


class Capabilities(msgspec.Struct, frozen=True, kw_only=True):
    """What a channel can carry; the console and robots adapt to it."""

    text: bool = True
    # A broadcast's text is spoken (a phone line's robot call), whatever ``text`` says of replies.
    spoken: bool = False
    files: bool = False
    buttons: bool = False
    typing: bool = False
    read_receipts: bool = False  # the provider reports delivered/read
    max_text_length: int | None = None  # longer texts are the channel's to split or refuse
    # With ``buttons``: how many link buttons one message carries natively; a message with
    # more gets all of them written into the text by the SDK, in their order (as a channel
    # without ``buttons`` does).
    max_buttons: int = 10
    # An SMS channel: the most parts a text may take. The console counts parts as SMS are
    # sent — GSM 7-bit 160 characters, 153 a part of a longer text; UCS-2 (any Cyrillic
    # letter) 70, then 67 — rather than characters against ``max_text_length``.
    sms_segments: int | None = None


class RateLimit(msgspec.Struct, frozen=True, kw_only=True):
    """Outbound sends per account: ``per_second`` on average, bursts up to ``burst``."""

    per_second: float = 20.0
    burst: int = 20


class NoSettings(msgspec.Struct, forbid_unknown_fields=True):
    """Settings of a channel that has none."""


class NoSecrets(msgspec.Struct, forbid_unknown_fields=True):
    """Secrets of a channel that has none."""


C = TypeVar("C", bound=msgspec.Struct)
S = TypeVar("S", bound=msgspec.Struct)


class ChannelAccount(msgspec.Struct, Generic[C, S], frozen=True, kw_only=True):
    """One bot, community, mailbox or widget of an organization, with decrypted secrets.

    Handed to the channel's methods; never serialized to clients (secrets are write-only).
    """

    id: uuid.UUID
    organization_id: uuid.UUID
    channel: str
    name: str
    public_key: str
    status: AccountStatus
    config: C
    secrets: S


class Sender(msgspec.Struct, frozen=True, kw_only=True):
    """Who wrote: a contact point (``kind``, ``address``) plus what the provider tells of them."""

    kind: str  # contact kind: telegram, vk, email, phone, web
    address: str  # the provider's id for the person (normalized by identity resolution)
    display_name: str = ""
    verified: bool = False  # the channel proved the address (a signed widget identity, ...)
    profile: dict[str, Any] = msgspec.field(default_factory=dict)


class Attachment(msgspec.Struct, frozen=True, kw_only=True):
    """A file on an inbound message: its bytes, or a provider reference fetched later.

    ``remote_ref`` keeps the webhook fast: the SDK stores a pending attachment and a job
    fetches it through :meth:`ChannelType.fetch_attachment`.
    """

    filename: str
    content_type: str = "application/octet-stream"
    data: bytes | None = None
    remote_ref: str | None = None
    size: int | None = None  # as announced by the provider (checked against limits early)


class DeliveryReport(msgspec.Struct, frozen=True, kw_only=True):
    """A provider's news about a message we sent (``decode`` may return these too)."""

    external_id: str  # the id ``send()`` returned in ``SendResult.external_id``
    status: Literal["delivered", "read", "failed"]
    error: str = ""
    note: str = ""  # shown beside the delivery status (an SMS's cost: «2 SMS · 3,40 ₽»)


class Origin(msgspec.Struct, frozen=True, kw_only=True):
    """Who wrote a message the member forwarded or quoted. Never becomes a contact point:
    it describes someone else (or a chat or channel), not the member."""

    kind: Literal["user", "hidden_user", "chat", "channel", "unknown"] = "unknown"
    name: str = ""  # as the provider shows it («Иван Петров», a channel's title)
    address: str = ""  # the provider's id of that user/chat, "" when hidden or unknown


class Quoted(msgspec.Struct, frozen=True, kw_only=True):
    """A message the member's message carries inside it: a reply's quoted original or a
    forwarded message (VK nests them; Telegram quotes one). Texts are shown, not stored as
    the member's words."""

    origin: Origin = msgspec.field(default_factory=Origin)
    external_id: str = ""  # the provider's id of the quoted message, when known
    text: str = ""
    sent_at: float | None = None
    attachments: tuple[str, ...] = ()  # readable descriptions: «Фото», «Документ report.pdf»
    quoted: tuple[Quoted, ...] = ()  # forwards inside forwards (VK)


class Location(msgspec.Struct, frozen=True, kw_only=True):
    """A shared point on the map (a Telegram location or venue, a VK geo attachment)."""

    latitude: float
    longitude: float
    title: str = ""  # a venue's name
    address: str = ""


class InboundMessage(msgspec.Struct, frozen=True, kw_only=True):
    """One message a member sent, decoded from a provider's update.

    Content beyond text and files has fields of its own so every channel shows it alike:
    ``forward_origin`` (the message's own content was forwarded from someone else),
    ``forwarded`` (messages carried inside, VK's ``fwd_messages``), ``reply_to`` (the message
    it answers), ``location``, ``edit_of`` (a new revision of an earlier message of this
    member — stored as a revision of that timeline entry, never as a new message) and
    ``part_of`` (one album sent as several updates: the parts join one timeline entry) and
    ``warnings`` (what was wrong with the message as received, e.g. mail header defects,
    shown to the operator as a small flag).
    """

    external_id: str  # unique per account: the provider's update/message id (dedup key)
    sender: Sender
    text: str = ""
    attachments: tuple[Attachment, ...] = ()
    conversation: str | None = None  # where replies go (chat/peer id); default sender.address
    sent_at: float | None = None  # unix time, as the provider says
    data: dict[str, Any] = msgspec.field(default_factory=dict)  # channel extras for the timeline
    # Channels that thread conversations themselves (e-mail): the subject of a new appeal,
    # the appeal this message answers (used only when it is the sender's own), and whether
    # to start a new appeal rather than continue the sender's active one.
    subject: str | None = None
    continue_appeal: uuid.UUID | None = None
    new_appeal: bool = False
    forward_origin: Origin | None = None
    forwarded: tuple[Quoted, ...] = ()
    reply_to: Quoted | None = None
    location: Location | None = None
    edit_of: str | None = None  # external_id of the earlier message this one revises
    part_of: str | None = None  # provider's group id (a Telegram album): parts join one entry
    warnings: tuple[str, ...] = ()


class SentElsewhere(msgspec.Struct, frozen=True, kw_only=True):
    """A message the account sent to a member outside Unionline (an admin answering in the
    provider's own interface), as the provider echoes it: ``decode`` may return these so the
    operators see it on the member's appeal as an outgoing message. Echoes of Unionline's own
    sends must not be returned (recognise them, e.g. by the idempotency key the send used)."""

    external_id: str  # unique per account, in the same space as InboundMessage.external_id
    recipient: Sender  # the member it was sent to (their contact point on this channel)
    text: str
    sent_at: float | None = None
    data: dict[str, Any] = msgspec.field(default_factory=dict)


class OutboundAttachment(msgspec.Struct, frozen=True, kw_only=True):
    """A stored file to send; read its bytes with ``unionline.channel.read_attachment``."""

    id: uuid.UUID
    filename: str
    content_type: str
    size: int
    sha256: str


MAX_BUTTON_LABEL = 64
MAX_BUTTON_URL = 2048


class Button(msgspec.Struct, frozen=True, kw_only=True):
    """A link button under an outgoing message: ``label`` (1-64 characters) opens ``url``
    (http or https). Refused when built or decoded otherwise (``ValueError``, a
    ``msgspec.ValidationError`` when decoded). Channels with ``capabilities.buttons`` show it
    natively (a Telegram inline keyboard, a VK ``open_link`` button); for the others the SDK
    writes «label: url» lines at the end of the text."""

    label: str
    url: str

    def __post_init__(self) -> None:
        if not self.label.strip() or len(self.label) > MAX_BUTTON_LABEL:
            raise ValueError(f"a button's label is 1 to {MAX_BUTTON_LABEL} characters")
        if any(c in self.label for c in "\r\n"):
            raise ValueError("a button's label is one line")
        if not _web_url(self.url):
            raise ValueError(
                f"a button's url is an http(s) address of at most {MAX_BUTTON_URL} characters"
            )


def _web_url(url: str) -> bool:
    if len(url) > MAX_BUTTON_URL or any(c.isspace() or ord(c) < 32 for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


class OutboundMessage(msgspec.Struct, frozen=True, kw_only=True):
    """What ``send()`` delivers. ``id`` names this delivery and is stable across retries, so a
    provider that accepts an idempotency key (VK ``random_id``) can be given one derived from it."""

    id: uuid.UUID
    entry_id: int  # the appeal timeline entry (message_out)
    appeal_id: uuid.UUID
    organization_id: uuid.UUID
    member_id: uuid.UUID | None
    recipient: str  # the conversation/address on this channel
    text: str
    attachments: tuple[OutboundAttachment, ...] = ()
    reply_to: str | None = None  # external id of the member's last message, when known
    attempt: int = 1
    # Link buttons under the message; send them through ``unionline.channel.send_message``
    # (or the SDK's delivery), which fits them to the channel's capabilities.
    buttons: tuple[Button, ...] = ()
    # A broadcast (a campaign's message) rather than a reply: no appeal timeline entry stands
    # behind it (``entry_id`` 0; ``appeal_id`` names the campaign), it has its own ``subject``,
    # an optional ``html`` alternative and list ``headers`` (List-Unsubscribe) for channels
    # that carry them. Replies leave these empty.
    broadcast: bool = False
    subject: str = ""
    html: str = ""
    headers: tuple[tuple[str, str], ...] = ()


class SendResult(msgspec.Struct, frozen=True, kw_only=True):
    """What the provider answered: its message id (for receipts) and the status reached."""

    external_id: str | None = None
    status: Literal["sent", "delivered", "read"] = "sent"
    # Shown beside the delivery status on the timeline: what the provider told of the send
    # that an operator may want (an SMS's parts and cost: «2 SMS · 3,40 ₽»).
    note: str = ""


class InboundRequest(msgspec.Struct, frozen=True, kw_only=True):
    """An HTTP request from a provider, as ``verify`` and ``decode`` see it."""

    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    query: dict[str, str]
    body: bytes

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    def json(self, kind: Any = Any) -> Any:
        """The body decoded as JSON (into ``kind``); ``unionline.Invalid`` when it is not."""
        from unionline.errors import Invalid

        try:
            return msgspec.json.decode(self.body, type=kind)
        except msgspec.DecodeError as exc:
            raise Invalid(f"bad update: {exc}", field="body") from None
        except RecursionError:  # msgspec's own bound on nesting (~1,000 arrays or objects deep)
            raise Invalid("bad update: nested too deep", field="body") from None


class WebhookReply(msgspec.Struct, frozen=True, kw_only=True):
    """The answer to a provider's webhook call (VK wants a literal ``ok``, Telegram any 200)."""

    status_code: int = 200
    body: bytes = b'{"ok":true}'
    media_type: str = "application/json"


class CheckResult(msgspec.Struct, frozen=True, kw_only=True):
    """What ``check(account)`` found: whether the provider accepts the account's credentials,
    who the account is there (a bot's @name, a community's title, a mailbox) and, when it
    failed, why — in words an administrator can act on (Russian first)."""

    ok: bool
    identity: str = ""  # who the provider says the account is (@union_bot, «Профком завода»)
    detail: str = ""  # what went wrong, or a note


class SetupStep(msgspec.Struct, frozen=True, kw_only=True):
    """One step an administrator takes to finish connecting an account."""

    ru: str
    en: str = ""
    value: str = ""  # something to copy: a URL, a code (shown beside the step)


class SetupInfo(msgspec.Struct, frozen=True, kw_only=True):
    """Where the provider must send updates, and the steps left to the administrator.
    ``connects``: the channel's ``connect(account, url)`` does the provider side itself
    (Telegram's setWebhook), so the console offers a button for it."""

    webhook_url: str = ""
    steps: tuple[SetupStep, ...] = ()
    connects: bool = False


class ChannelType(Generic[C, S]):
    """Base of every channel type. Subclass it, then ``register(MyChannel())`` in
    ``register_channels``.

    Inbound: a route of the channel calls :func:`unionline.channel.handle_webhook`, which runs
    ``verify`` then ``decode`` and stores the messages (a poller calls ``store_inbound`` with
    what it decoded). Outbound: the SDK calls ``send`` from the ``channel.deliver`` job.
    """

    name: ClassVar[str]
    title: ClassVar[str] = ""
    contact_kind: ClassVar[str]  # the contact kind of this channel's senders
    settings: ClassVar[type[msgspec.Struct]] = NoSettings  # per-account configuration
    secrets: ClassVar[type[msgspec.Struct]] = NoSecrets  # per-account, encrypted at rest
    capabilities: ClassVar[Capabilities] = Capabilities()
    rate_limit: ClassVar[RateLimit] = RateLimit()
    # Labels and help of the fields of ``settings`` and ``secrets`` in the admin console's
    # account form (Russian first); a field without one shows its Meta title/description.
    labels: ClassVar[Mapping[str, FieldLabel]] = {}
    # Offered on the admin console's Каналы page (False: a channel for development and tests,
    # shown there only once an account of it exists).
    listed: ClassVar[bool] = True

    async def verify(self, account: ChannelAccount[C, S], request: InboundRequest) -> None:
        """Check the provider's signature or secret. Raise ``unionline.errors.Unauthorized``
        (401) or ``Forbidden`` (403) when it is wrong; nothing is stored then."""
        raise NotImplementedError(f"channel {self.name!r} does not receive webhooks")

    async def decode(
        self, account: ChannelAccount[C, S], request: InboundRequest
    ) -> Sequence[InboundMessage | DeliveryReport | SentElsewhere]:
        """Turn a verified update into messages (delivery reports, echoes of messages sent
        outside Unionline). Raise
        ``unionline.UnsupportedUpdate`` (or return nothing) for updates the channel does not
        handle: they are answered 200, logged and not stored."""
        raise NotImplementedError(f"channel {self.name!r} does not receive webhooks")

    def acknowledge(
        self, account: ChannelAccount[C, S], request: InboundRequest, result: IngestResult
    ) -> WebhookReply:
        """The answer once the update is stored (or was a duplicate, or unsupported)."""
        return WebhookReply()

    async def send(self, account: ChannelAccount[C, S], message: OutboundMessage) -> SendResult:
        """Deliver ``message``; report failures by raising errors by intent (see
        ``unionline.channel.errors``)."""
        raise PermanentFailure(f"channel {self.name!r} cannot send messages")

    async def fetch_attachment(self, account: ChannelAccount[C, S], ref: str) -> bytes:
        """Download a file announced as ``Attachment(remote_ref=ref)``."""
        raise PermanentFailure(f"channel {self.name!r} cannot fetch attachments")

    async def typing(self, account: ChannelAccount[C, S], recipient: str) -> None:
        """Show the member "typing…" in the conversation ``recipient`` (what
        ``OutboundMessage.recipient`` would be). Optional, for a channel that declares
        ``capabilities.typing``: the SDK calls it when an operator types a reply, at most every
        few seconds per appeal, in the background under a timeout. Best effort: what it raises
        is logged at debug and dropped. The default does nothing (and is never called)."""
        return None

    async def check(self, account: ChannelAccount[C, S]) -> CheckResult:
        """Optional: ask the provider whether the account's credentials work (Telegram getMe,
        VK groups.getById, an SMTP/IMAP login), for the console's «Проверить подключение».
        Return ``CheckResult(ok=False, detail=...)`` for a refusal; what it raises is shown as
        a failed check. The default says the channel cannot check."""
        raise NotImplementedError

    def broadcast_refusal(self, account: ChannelAccount[C, S]) -> str:
        """Optional: why this account cannot carry a broadcast (a campaign's message) although
        its type can — e.g. a phone line whose provider places no robot calls; a sentence for
        the operator, Russian first. A campaign choosing the account is refused at once, naming
        it, instead of every recipient failing. The default: "" (it can)."""
        return ""

    def message_refusal(self, account: ChannelAccount[C, S], message: OutboundMessage) -> str:
        """Optional: why ``send()`` on this account would refuse ``message`` for what it holds
        — e.g. an SMS over the account's part limit —, asked before the message is queued
        (through :func:`unionline.channel.send_refusal`, which fits the buttons first: they
        are the lines they become); a sentence for the operator, Russian first. ``send()``
        refuses what this refuses. The default: "" (it takes it)."""
        return ""

    def account_capabilities(self, account: ChannelAccount[C, S]) -> Capabilities:
        """Optional: what this account carries where its settings narrow the type's
        ``capabilities`` — e.g. an SMS account's part limit («Не больше SMS в одном ответе»):
        ``sms_segments`` and ``max_text_length``. The console's reply counter follows it (the
        appeal's ``reply``), and ``message_refusal`` should refuse past it. The default: the
        type's ``capabilities``."""
        return self.capabilities

    def setup(self, account: ChannelAccount[C, S], base_url: str) -> SetupInfo:
        """Optional: the webhook URL (``base_url`` is the server's public URL) and the steps
        left to connect the account, shown in the console beside the account."""
        return SetupInfo()

    async def connect(self, account: ChannelAccount[C, S], base_url: str) -> CheckResult:
        """Optional (with ``SetupInfo.connects``): do the provider side of ``setup`` for the
        administrator — e.g. register the webhook at ``base_url``."""
        raise NotImplementedError
