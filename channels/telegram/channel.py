"""The Telegram channel type: webhook verification, decoding, sending, attachment fetching."""

from __future__ import annotations

import hmac
import time
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from unionline import Forbidden, PermanentFailure, Unauthorized, current
from unionline.channel import (
    Button,
    Capabilities,
    ChannelAccount,
    ChannelType,
    CheckResult,
    DeliveryReport,
    InboundMessage,
    InboundRequest,
    OutboundAttachment,
    OutboundMessage,
    RateLimit,
    SendResult,
    SentUnreadable,
    SetupInfo,
    WebhookReply,
    buttons_text,
    read_attachment,
)
from unionline.channels.telegram import setup as tg_setup
from unionline.channels.telegram.client import SECRET_HEADER, InputFile, TelegramClient
from unionline.channels.telegram.decode import CONTACT_KIND
from unionline.channels.telegram.errors import TelegramRefused
from unionline.channels.telegram.settings import BotConfig, BotSecrets, telegram_settings
from unionline.channels.telegram.tables import SentPart
from unionline.channels.telegram.text import escape_html, split_text
from unionline.channels.telegram.types import Message, Update
from unionline.channels.telegram.updates import decode_with_side_effects, webhook_answer

if TYPE_CHECKING:
    from unionline.channel import IngestResult

Account: TypeAlias = ChannelAccount[BotConfig, BotSecrets]
PHOTO_TYPES = ("image/jpeg", "image/png")
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # sendPhoto's limit; bigger images go as documents


def client_for(account: Account) -> TelegramClient:
    settings = telegram_settings()
    return TelegramClient(
        account.secrets.bot_token, base_url=settings.api_url, timeout=settings.request_timeout
    )


class TelegramChannel(ChannelType[BotConfig, BotSecrets]):
    name = "telegram"
    title = "Telegram"
    contact_kind = CONTACT_KIND
    settings = BotConfig
    secrets = BotSecrets
    # Link buttons as an inline keyboard, one a row; Telegram refuses a keyboard of over 100.
    capabilities = Capabilities(
        text=True, files=True, buttons=True, max_buttons=100, typing=True, max_text_length=4096
    )
    # Telegram allows a bot about 30 messages a second overall.
    rate_limit = RateLimit(per_second=25, burst=30)
    labels = tg_setup.LABELS

    async def check(self, account: Account) -> CheckResult:
        return await tg_setup.check(account)

    def setup(self, account: Account, base_url: str) -> SetupInfo:
        return tg_setup.setup(account, base_url)

    async def connect(self, account: Account, base_url: str) -> CheckResult:
        return await tg_setup.connect(account, base_url)

    async def verify(self, account: Account, request: InboundRequest) -> None:
        given = request.header(SECRET_HEADER)
        if not given:
            raise Unauthorized(f"{SECRET_HEADER} header is missing", field=SECRET_HEADER)
        expected = account.secrets.webhook_secret
        # Constant time: how long the comparison takes must not tell how much of a guess was
        # right.
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            raise Forbidden("secret token does not match", field=SECRET_HEADER)

    async def decode(
        self, account: Account, request: InboundRequest
    ) -> Sequence[InboundMessage | DeliveryReport]:
        update = request.json(Update)
        return await decode_with_side_effects(update, account.config)

    def acknowledge(
        self, account: Account, request: InboundRequest, result: IngestResult
    ) -> WebhookReply:
        return webhook_answer(request)

    async def send(self, account: Account, message: OutboundMessage) -> SendResult:
        steps = _plan(message)
        if not steps:
            raise PermanentFailure("the message has neither text nor files")
        done = await _sent_parts(message.id)
        first: int | None = None
        at = _keyboard_index(steps)
        async with client_for(account) as client:
            for index, step in enumerate(steps):
                message_id = done.get(index)
                if message_id is None:
                    if index == at and message.buttons:
                        message_id = await _send_with_keyboard(client, message, step, first, done)
                    else:
                        message_id = await _send_part(client, message.recipient, step, first, ())
                    await _record_part(message.id, index, message_id)
                first = first if first is not None else message_id
        return SendResult(external_id=f"{message.recipient}:{first}")

    async def typing(self, account: Account, recipient: str) -> None:
        """``sendChatAction typing``: "typing…" for 5 s (the SDK repeats it every ~4 s while
        the operator types). Not paced by the send rate limit: see docs/channels/telegram.md."""
        async with client_for(account) as client:
            await client.send_chat_action(recipient, "typing")

    async def fetch_attachment(self, account: Account, ref: str) -> bytes:
        async with client_for(account) as client:
            file = await client.get_file(ref)
            if not file.file_path:
                raise PermanentFailure("Telegram does not let bots download files over 20 MB")
            return await client.download(file.file_path)


Step = tuple[str, str | OutboundAttachment]  # ("text", plain text) or ("photo"/"document", file)
Markup = dict[str, Any]
Buttons = tuple[Button, ...]
Sent = dict[int, int]  # a delivery's parts sent so far: index → Telegram's message id


def _keyboard(buttons: tuple[Button, ...]) -> Markup | None:
    """The inline keyboard of link buttons (one button a row), or None."""
    if not buttons:
        return None
    return {"inline_keyboard": [[{"text": b.label, "url": b.url}] for b in buttons]}


def _url_refused(exc: TelegramRefused) -> bool:
    """Telegram refused a button's link (it takes no host without a dot, e.g. localhost)."""
    text = exc.description.lower()
    return exc.error_code == 400 and ("button_url_invalid" in text or "button url" in text)


def _keyboard_index(steps: list[Step]) -> int:
    """Which part carries the keyboard: the text's last part (it sits under the words it
    belongs to), or the last file when there is no text."""
    texts = [i for i, (kind, _) in enumerate(steps) if kind == "text"]
    return texts[-1] if texts else len(steps) - 1


def _plan(message: OutboundMessage) -> list[Step]:
    steps: list[Step] = [("text", part) for part in split_text(message.text)]
    for attachment in message.attachments:
        photo = attachment.content_type in PHOTO_TYPES and attachment.size <= MAX_PHOTO_BYTES
        steps.append(("photo" if photo else "document", attachment))
    return steps


def _fallback(step: Step, buttons: Buttons) -> list[Step]:
    """The keyboard's part as it goes when Telegram refuses a link in it (and with it the
    whole message): without a keyboard, the buttons as «label: url» lines after it, split as
    any text is. A text part takes the lines at its end (one message when they fit, more when
    not); a file is followed by the lines as text messages."""
    lines = buttons_text(buttons)
    if isinstance(step[1], str):
        return [("text", part) for part in split_text(f"{step[1]}\n\n{lines}")]
    return [step, *(("text", part) for part in split_text(lines))]


async def _send_with_keyboard(
    client: TelegramClient, message: OutboundMessage, step: Step, first: int | None, done: Sent
) -> int:
    """The part that carries the keyboard; its (first) message id. When Telegram refuses a
    link, nothing was sent: the part goes as :func:`_fallback`'s messages, each recorded under
    a key of its own (-1, -2, …) before the caller records the part. A retry that finds any of
    them goes on with the fallback (the keyboard is not tried again) and sends only the
    missing ones: nothing lost, nothing twice."""
    chat_id = message.recipient
    if not any(key < 0 for key in done):
        try:
            return await _send_part(client, chat_id, step, first, message.buttons)
        except TelegramRefused as exc:
            if not _url_refused(exc):
                raise
    ids: list[int] = []
    for n, part in enumerate(_fallback(step, message.buttons)):
        message_id = done.get(-1 - n)
        if message_id is None:
            earlier = first if first is not None else next(iter(ids), None)
            message_id = await _send_part(client, chat_id, part, earlier, ())
            await _record_part(message.id, -1 - n, message_id)
        ids.append(message_id)
    return ids[0]


async def _send_part(
    client: TelegramClient, chat_id: str, step: Step, first: int | None, buttons: Buttons
) -> int:
    """Send one part; its message id. A part Telegram confirmed whose answer did not decode is
    not resent: with its id it counts as sent, without one the delivery stops there, ``sent``
    (the parts after it are not sent rather than the member getting this one twice)."""
    try:
        return (await _send_step(client, chat_id, step, buttons)).message_id
    except SentUnreadable as exc:
        if exc.external_id is not None:
            return int(exc.external_id)
        raise SentUnreadable(
            str(exc), external_id=f"{chat_id}:{first}" if first is not None else None
        ) from exc


async def _send_step(client: TelegramClient, chat_id: str, step: Step, buttons: Buttons) -> Message:
    kind, payload = step
    markup = _keyboard(buttons)
    if isinstance(payload, str):
        return await client.send_message(chat_id, escape_html(payload), reply_markup=markup)
    file = InputFile(payload.filename, await read_attachment(payload), payload.content_type)
    if kind == "photo":
        return await client.send_photo(chat_id, file, reply_markup=markup)
    return await client.send_document(chat_id, file, reply_markup=markup)


async def _sent_parts(delivery_id: uuid.UUID) -> Sent:
    """The parts of a delivery sent so far: index → message id (negative indexes are the
    messages of a refused keyboard's fallback)."""
    rows = await SentPart.select(SentPart.key, SentPart.message_id).where(
        SentPart.delivery_id == delivery_id
    )
    return {int(row["key"].rsplit(":", 1)[1]): int(row["message_id"]) for row in rows}


async def _record_part(delivery_id: uuid.UUID, index: int, message_id: int) -> None:
    await current().db.execute(
        "INSERT INTO telegram_sent_part (id, delivery_id, key, message_id, sent_at)"
        " VALUES ({}, {}, {}, {}, {}) ON CONFLICT (key) DO NOTHING",
        uuid.uuid4(),
        delivery_id,
        f"{delivery_id}:{index}",
        message_id,
        time.time(),
    )
