"""The VK channel type: Callback API verification and answers, decoding, sending, fetching."""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any, NamedTuple, TypeAlias
from urllib.parse import urlsplit

from unionline import Forbidden, PermanentFailure, Unauthorized
from unionline.channel import (
    Button,
    Capabilities,
    ChannelAccount,
    ChannelType,
    CheckResult,
    DeliveryReport,
    InboundMessage,
    InboundRequest,
    IngestResult,
    OutboundAttachment,
    OutboundMessage,
    RateLimit,
    SendResult,
    SentElsewhere,
    SentUnreadable,
    SetupInfo,
    WebhookReply,
    buttons_text,
    read_attachment,
    split_text,
)
from unionline.channels.vk import permissions
from unionline.channels.vk import setup as vk_setup
from unionline.channels.vk.client import InputFile, VkClient, random_id_for
from unionline.channels.vk.decode import CONTACT_KIND
from unionline.channels.vk.errors import MessagesDenied, VkRefused
from unionline.channels.vk.inbound import decode_one, names_of
from unionline.channels.vk.sent import remember, tried
from unionline.channels.vk.settings import CommunityConfig, CommunitySecrets, vk_settings
from unionline.channels.vk.types import Event

Account: TypeAlias = ChannelAccount[CommunityConfig, CommunitySecrets]
MAX_TEXT = 4096
MAX_ATTACHMENTS = 10  # per message
PHOTO_TYPES = ("image/jpeg", "image/png", "image/gif")
# An inline keyboard has at most 6 rows; an open_link button fills a row (one a row here), and
# its label is at most 40 characters (longer ones are shortened with «…»).
MAX_BUTTONS = 6
MAX_LABEL = 40
BOT_FEATURES_OFF = 912  # "This is a chat bot feature, change this status in settings"


# The event of the request being handled: verify, decode and acknowledge run one after another
# in the task that handles it, and each would decode the body again.
_event: ContextVar[tuple[bytes, Event] | None] = ContextVar("vk_event", default=None)


def event_of(request: InboundRequest) -> Event:
    """The request's event, decoded once for the channel's steps on it (what is read of its
    message is kept on it too: :func:`.decode.reading`)."""
    kept = _event.get()
    if kept is not None and kept[0] is request.body:  # this very body, not an equal one
        return kept[1]
    event = request.json(Event)
    _event.set((request.body, event))
    return event


def client_for(account: Account) -> VkClient:
    settings = vk_settings()
    return VkClient(
        account.secrets.access_token,
        group_id=account.config.group_id,
        base_url=settings.api_url,
        timeout=settings.request_timeout,
    )


class VkChannel(ChannelType[CommunityConfig, CommunitySecrets]):
    name = "vk"
    title = "ВКонтакте"
    contact_kind = CONTACT_KIND
    settings = CommunityConfig
    secrets = CommunitySecrets
    capabilities = Capabilities(
        text=True,
        files=True,
        buttons=True,
        max_buttons=MAX_BUTTONS,
        typing=True,
        max_text_length=MAX_TEXT,
    )
    # VK allows 20 API calls a second per community token; a file costs three calls, and the
    # client paces the calls themselves.
    rate_limit = RateLimit(per_second=15, burst=15)
    labels = vk_setup.LABELS

    async def check(self, account: Account) -> CheckResult:
        return await vk_setup.check(account)

    def setup(self, account: Account, base_url: str) -> SetupInfo:
        return vk_setup.setup(account, base_url)

    async def verify(self, account: Account, request: InboundRequest) -> None:
        event = event_of(request)
        if event.group_id != account.config.group_id:
            raise Forbidden("the event is for another community", field="group_id")
        if event.type == "confirmation":  # VK asks for the code before it knows the secret
            return
        expected = account.secrets.secret
        if not event.secret:
            raise Unauthorized("the event carries no secret", field="secret")
        if not expected or not hmac.compare_digest(event.secret.encode(), expected.encode()):
            raise Forbidden("the secret does not match", field="secret")

    async def decode(
        self, account: Account, request: InboundRequest
    ) -> Sequence[InboundMessage | DeliveryReport | SentElsewhere]:
        event = event_of(request)
        return await decode_one(account, event, await names_of(account, [event]))

    def acknowledge(
        self, account: Account, request: InboundRequest, result: IngestResult
    ) -> WebhookReply:
        """The confirmation code for a confirmation request, else the literal ``ok``."""
        if event_of(request).type == "confirmation":
            code = account.secrets.confirmation_code.encode()
            return WebhookReply(body=code, media_type="text/plain")
        return WebhookReply(body=b"ok", media_type="text/plain")

    async def send(self, account: Account, message: OutboundMessage) -> SendResult:
        peer_id = int(message.recipient)
        if await permissions.denied(account.id, peer_id):
            raise MessagesDenied(permissions.reason(account.name))
        async with client_for(account) as client:
            files = [await _upload(client, peer_id, a) for a in message.attachments]
            messages = _plan(message.text, files)
            if not messages:
                raise PermanentFailure("the message has neither text nor files")
            sender = _Sender(client, account.id, peer_id)
            keyboard, at = _keyboard(message), _keyboard_index(messages)
            for n, (text, attached) in enumerate(messages):
                # random_id is fixed per part: a retried delivery cannot double-send a part.
                part = _Part(text, attached, random_id_for(message.id, n))
                if n == at and keyboard is not None:
                    await _send_with_keyboard(sender, part, keyboard, message)
                else:
                    await sender.send(part)
        return SendResult(external_id=str(sender.ids[0]))

    async def typing(self, account: Account, recipient: str) -> None:
        """``messages.setActivity type=typing``, in a free slot of the client's pacer only (a
        typing notice never delays a message; see docs/channels/vk.md)."""
        async with client_for(account) as client:
            await client.set_activity(int(recipient), "typing")

    async def fetch_attachment(self, account: Account, ref: str) -> bytes:
        host = (urlsplit(ref).hostname or "").lower()
        allowed = vk_settings().file_hosts
        if not any(host == h or host.endswith(f".{h}") for h in allowed):
            raise PermanentFailure(f"not fetched: {host!r} is not one of VK's file hosts")
        async with client_for(account) as client:
            return await client.download(ref)


class _Part(NamedTuple):
    text: str
    attached: list[str]
    random_id: int


class _Sender:
    """Sends a delivery's messages to one peer, collecting their ids in ``ids``."""

    def __init__(self, client: VkClient, account_id: uuid.UUID, peer_id: int) -> None:
        self.client, self.account_id, self.peer_id = client, account_id, peer_id
        self.ids: list[int] = []

    async def send(self, part: _Part, keyboard: dict[str, Any] | None = None) -> None:
        """Send one message. One VK confirmed whose answer did not decode is never resent:
        with its id it counts as sent and the rest still go; without one the delivery stops
        there, ``sent`` under the first message's id."""
        await remember(self.account_id, part.random_id)  # before VK can echo it back
        try:
            self.ids.append(
                await self.client.send_message(
                    self.peer_id,
                    part.text,
                    random_id=part.random_id,
                    attachment=part.attached,
                    keyboard=keyboard,
                )
            )
        except SentUnreadable as exc:
            if exc.external_id is None:
                first = str(self.ids[0]) if self.ids else None
                raise SentUnreadable(str(exc), external_id=first) from exc
            self.ids.append(int(exc.external_id))


async def _send_with_keyboard(
    sender: _Sender, part: _Part, keyboard: dict[str, Any], message: OutboundMessage
) -> None:
    """The part under which the keyboard goes. A community with the bot features off refuses
    any keyboard (error 912) and nothing is sent: the part goes as :func:`_fallback`'s
    messages instead, its buttons as «label: url» lines. A retry of a delivery whose fallback
    began (its first message was tried) goes on with the fallback whatever the community's
    setting is now: the keyboard message would repeat the text those messages carried."""
    fallback = _fallback(part, message.buttons, message.id)
    if len(fallback) == 1 or not await tried(sender.account_id, fallback[0].random_id):
        # One message keeps the part's random_id: a retry finds it sent either way.
        try:
            await sender.send(part, keyboard)
            return
        except VkRefused as exc:
            if exc.error_code != BOT_FEATURES_OFF:
                raise
    for piece in fallback:
        await sender.send(piece)


def _fallback(part: _Part, buttons: tuple[Button, ...], message_id: uuid.UUID) -> list[_Part]:
    """``part`` with its buttons as lines at the end of its text, split as any long text is
    (4,096 characters), its files on the last message. The last message keeps the part's
    random_id, the others get their own (parts -1, -2, …): a retry sends each once, and one
    that finds the part's random_id taken (VK answers with the first message's id) finds the
    whole fallback sent, as that message goes last. ``buttons`` are all the message's (the SDK
    leaves a message buttons only when the keyboard shows them all), so the lines are every
    button in its order."""
    lines = buttons_text(buttons)
    texts = split_text(f"{part.text}\n\n{lines}" if part.text else lines, MAX_TEXT, measure=len)
    head = [_Part(text, [], random_id_for(message_id, -1 - k)) for k, text in enumerate(texts)]
    return [*head[:-1], _Part(texts[-1], part.attached, part.random_id)]


def _keyboard(message: OutboundMessage) -> dict[str, Any] | None:
    """The inline keyboard of ``message.buttons``: ``open_link`` buttons, one a row."""
    if not message.buttons:
        return None
    rows = [
        [{"action": {"type": "open_link", "link": b.url, "label": _label(b.label)}}]
        for b in message.buttons[:MAX_BUTTONS]
    ]
    return {"inline": True, "buttons": rows}


def _label(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def _keyboard_index(messages: list[tuple[str, list[str]]]) -> int:
    """The message under which the keyboard goes: the text's last part, else the last."""
    texts = [n for n, (text, _) in enumerate(messages) if text]
    return texts[-1] if texts else len(messages) - 1


def _plan(text: str, files: list[str]) -> list[tuple[str, list[str]]]:
    """The messages to send: the text in parts, the files with the last part (ten at most
    per message, the rest in messages of their own)."""
    messages: list[tuple[str, list[str]]] = [
        (part, []) for part in split_text(text, MAX_TEXT, measure=len)
    ]
    groups = [files[i : i + MAX_ATTACHMENTS] for i in range(0, len(files), MAX_ATTACHMENTS)]
    if groups and messages:
        messages[-1] = (messages[-1][0], groups.pop(0))
    return messages + [("", group) for group in groups]


async def _upload(client: VkClient, peer_id: int, attachment: OutboundAttachment) -> str:
    file = InputFile(
        attachment.filename, await read_attachment(attachment), attachment.content_type
    )
    if attachment.content_type in PHOTO_TYPES:
        return await client.upload_photo(peer_id, file)
    return await client.upload_document(peer_id, file)
