"""A Telegram Bot API stand-in: a loopback server that answers as the Bot API documents.

``TelegramStandin`` hosts bots by token at ``/bot<token>/<method>`` and files at
``/file/bot<token>/<file_path>``. Each ``StandinBot`` keeps an update queue with ``getUpdates``
offset semantics, the webhook set with ``setWebhook``, the files it knows, a record of every call
and of every message the bot sent, and faults injected on demand (``bot.inject(...)``).
``deliver_webhook()`` plays Telegram's webhook pusher: it POSTs each pending update with the
``X-Telegram-Bot-Api-Secret-Token`` header and retries the same update on a non-2xx answer;
it can also redeliver updates, some concurrently.

Usage::

    with TelegramStandin() as tg:
        client = TelegramClient(tg.bot.token, base_url=tg.base_url)
        tg.bot.message("привет", user=tg.user(111))
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import os
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from standins.server import ThreadedServer

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class Fault:
    """An answer the stand-in gives instead of doing the call (``hang`` never answers;
    ``performed`` does the call first, as when a reply is lost after Telegram acted)."""

    error_code: int = 0
    description: str = ""
    retry_after: int | None = None
    hang: bool = False
    performed: bool = False


def too_many_requests(retry_after: int = 1) -> Fault:
    return Fault(429, f"Too Many Requests: retry after {retry_after}", retry_after)


BLOCKED = Fault(403, "Forbidden: bot was blocked by the user")
UNAUTHORIZED = Fault(401, "Unauthorized")
MESSAGE_TOO_LONG = Fault(400, "Bad Request: message is too long")
BAD_GATEWAY = Fault(502, "Bad Gateway")
HANG_AFTER_SEND = Fault(hang=True, performed=True)
HANG_BEFORE_SEND = Fault(hang=True, performed=False)
PASS = Fault()  # answered normally: lets a later injected fault hit the second call


@dataclass
class SentFile:
    field: str  # "document" or "photo"
    file_name: str
    mime_type: str
    content: bytes


@dataclass
class SentMessage:
    """A message the bot sent, as the stand-in received it."""

    message_id: int
    method: str
    chat_id: int | str
    text: str | None = None  # as sent (markup included)
    plain_text: str | None = None  # after parse_mode was applied
    parse_mode: str | None = None
    entities: list[dict] = field(default_factory=list)
    reply_markup: Any = None
    caption: str | None = None
    file: SentFile | None = None


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)  # when it arrived
    via: str = "http"  # or "webhook": a method in the answer to a webhook call


@dataclass
class Attempt:
    """One webhook POST and its outcome: the HTTP status, or the error when none came."""

    update_id: int
    status: int | None
    error: str | None = None


@dataclass
class WebhookReport:
    attempts: list[Attempt] = field(default_factory=list)
    delivered: list[int] = field(default_factory=list)  # update ids confirmed by a 2xx
    failed: list[int] = field(default_factory=list)  # update ids given up on

    def statuses(self) -> list[int | None]:
        return [attempt.status for attempt in self.attempts]


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    mime_type: str


def _file_ids(prefix: str) -> tuple[str, str]:
    raw = base64.urlsafe_b64encode(os.urandom(45)).decode().rstrip("=")
    return prefix + raw, "AgAD" + raw[:12]


class StandinBot:
    """One bot's state on the stand-in; every method is safe to call from any thread."""

    def __init__(self, standin: TelegramStandin, token: str, username: str) -> None:
        self.standin = standin
        self.token = token
        self.id = int(token.split(":", 1)[0])
        self.username = username
        self.updates: list[dict] = []  # the queue: not yet confirmed
        self.webhook: dict[str, Any] = {"url": ""}
        self.calls: list[ApiCall] = []
        self.sent: list[SentMessage] = []
        self.files: dict[str, StoredFile] = {}
        self.blocked_chats: set[int] = set()
        # Button presses not answered yet (answerCallbackQuery), and those answered.
        self.open_queries: set[str] = set()
        self.answered_queries: list[dict[str, Any]] = []
        self.faults: dict[str, list[Fault]] = {}
        self.poll_generation = 0
        self._update_ids = itertools.count(700_000_001)
        self._message_ids = itertools.count(1)
        self._query_ids = itertools.count(4_382_000_000_000_000_001)
        self.changed: asyncio.Event = asyncio.Event()  # used on the server's loop only

    # -- faults --------------------------------------------------------------------------

    def inject(self, method: str, fault: Fault, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` get ``fault`` instead of an answer."""
        with self.standin.lock:
            self.faults.setdefault(method.lower(), []).extend([fault] * times)

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: every send to ``chat_id`` answers 403 from now on."""
        with self.standin.lock:
            self.blocked_chats.add(int(chat_id))

    def take_fault(self, method: str) -> Fault | None:
        with self.standin.lock:
            queue = self.faults.get(method.lower())
            return queue.pop(0) if queue else None

    # -- records -------------------------------------------------------------------------

    def sent_texts(self) -> list[str]:
        with self.standin.lock:
            return [m.plain_text or "" for m in self.sent if m.method == "sendmessage"]

    def calls_of(self, method: str) -> list[ApiCall]:
        with self.standin.lock:
            return [call for call in self.calls if call.method == method.lower()]

    # -- updates -------------------------------------------------------------------------

    def add_update(self, update: dict) -> dict:
        """Queue an update (an ``update_id`` is assigned unless it has one)."""
        with self.standin.lock:
            if "update_id" not in update:
                update = {"update_id": next(self._update_ids), **update}
            self.updates.append(update)
        self.standin.server.call(self.changed.set)
        return update

    def next_message_id(self) -> int:
        with self.standin.lock:
            return next(self._message_ids)

    def _message(self, user: dict, **content: Any) -> dict:
        chat = {k: v for k, v in user.items() if k not in ("is_bot", "language_code")}
        return {
            "message_id": self.next_message_id(),
            "from": user,
            "chat": {**chat, "type": "private"},
            "date": int(time.time()),
            **content,
        }

    def message(
        self,
        text: str,
        *,
        user: dict | None = None,
        entities: list[dict] | None = None,
        update_id: int | None = None,
    ) -> dict:
        """A user writes ``text`` to the bot."""
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        return self._queue(self._message(user or self.standin.user(), **content), update_id)

    def edited(self, original: dict, text: str, *, update_id: int | None = None) -> dict:
        """The user edits a message sent earlier (``original`` is its update)."""
        message = {**original["message"], "text": text, "edit_date": int(time.time())}
        update = {"edited_message": message}
        if update_id is not None:
            update["update_id"] = update_id
        return self.add_update(update)

    def document(
        self,
        content: bytes,
        file_name: str,
        mime_type: str,
        *,
        user: dict | None = None,
        caption: str | None = None,
    ) -> dict:
        stored = self.store_file(content, f"documents/{file_name}", mime_type, "BQACAgIAAxkBAAI")
        document = {
            "file_name": file_name,
            "mime_type": mime_type,
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(content),
        }
        extra = {"caption": caption} if caption else {}
        return self._queue(self._message(user or self.standin.user(), document=document, **extra))

    def photo(
        self, content: bytes, *, user: dict | None = None, caption: str | None = None
    ) -> dict:
        sizes = []
        for width in (90, 320, 800):  # Telegram sends several sizes; the last is the largest
            stored = self.store_file(
                content, f"photos/file_{len(self.files)}.jpg", "image/jpeg", "AgACAgIAAxkBAAI"
            )
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_size": len(content),
                    "width": width,
                    "height": width * 3 // 4,
                }
            )
        extra = {"caption": caption} if caption else {}
        return self._queue(self._message(user or self.standin.user(), photo=sizes, **extra))

    def voice(self, content: bytes, duration: int = 3, *, user: dict | None = None) -> dict:
        stored = self.store_file(
            content, f"voice/file_{len(self.files)}.oga", "audio/ogg", "AwACAgIAAxkBAAI"
        )
        voice = {
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(content),
        }
        return self._queue(self._message(user or self.standin.user(), voice=voice))

    def contact(self, phone_number: str, *, user: dict | None = None, own: bool = True) -> dict:
        """The user shares a contact; ``own`` shares their own (``user_id`` is their id)."""
        user = user or self.standin.user()
        contact = {"phone_number": phone_number, "first_name": user.get("first_name", "")}
        if own:
            contact["user_id"] = user["id"]
        return self._queue(self._message(user, contact=contact))

    def send(self, content: dict, *, user: dict | None = None, **extra: Any) -> dict:
        """A user sends a message with any ``content`` (``{"location": {...}}``, a
        ``forward_origin``, ``reply_to_message``, ...) as the Bot API documents it."""
        return self._queue(self._message(user or self.standin.user(), **content, **extra))

    def media_file(self, content: bytes, path: str, mime_type: str, prefix: str) -> dict:
        """A file the bot can download (``getFile``), described as updates carry one."""
        stored = self.store_file(content, path, mime_type, prefix)
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(content),
        }

    def album(
        self, contents: list[bytes], *, user: dict | None = None, caption: str | None = None
    ) -> list[dict]:
        """A media group: one update per photo, sharing a ``media_group_id``; the caption
        rides on the first (as Telegram's clients send it)."""
        user = user or self.standin.user()
        group = str(13_000_000_000_000_000 + self.next_message_id())
        updates = []
        for index, content in enumerate(contents):
            described = self.media_file(
                content, f"photos/file_{len(self.files)}.jpg", "image/jpeg", "AgACAgIAAxkBAAI"
            )
            extra = {"caption": caption} if caption and index == 0 else {}
            photo = [{**described, "width": 1280, "height": 960}]
            message = self._message(user, photo=photo, media_group_id=group, **extra)
            updates.append(self._queue(message))
        return updates

    def press(self, under: SentMessage | dict, data: str, *, user: dict | None = None) -> dict:
        """The user presses the inline button with ``callback_data`` ``data`` under a message
        the bot sent (``under``: a ``SentMessage`` or the message dict)."""
        message = under if isinstance(under, dict) else self.sent_message_dict(under)
        chat = message["chat"]
        user = user or self.standin.user(int(chat["id"]))
        with self.standin.lock:
            query_id = str(next(self._query_ids))
            self.open_queries.add(query_id)
        query = {
            "id": query_id,
            "from": user,
            "message": message,
            "chat_instance": "-4391284738392847",
            "data": data,
        }
        return self.add_update({"callback_query": query})

    def sent_message_dict(self, sent: SentMessage) -> dict:
        """A message the bot sent, as a callback query carries it."""
        message: dict[str, Any] = {
            "message_id": sent.message_id,
            "from": {"id": self.id, "is_bot": True, "first_name": "Union test bot",
                     "username": self.username},
            "chat": {"id": sent.chat_id, "type": "private"},
            "date": int(time.time()),
            "text": sent.plain_text or sent.caption or "",
        }  # fmt: skip
        if sent.reply_markup:
            message["reply_markup"] = sent.reply_markup
        return message

    def _queue(self, message: dict, update_id: int | None = None) -> dict:
        update: dict[str, Any] = {"message": message}
        if update_id is not None:
            update["update_id"] = update_id
        return self.add_update(update)

    def register_file(
        self, file_id: str, file_unique_id: str, content: bytes, file_path: str, mime_type: str
    ) -> None:
        """Make a file named in a recorded update downloadable (``getFile``)."""
        with self.standin.lock:
            self.files[file_id] = StoredFile(file_id, file_unique_id, file_path, content, mime_type)

    def store_file(self, content: bytes, file_path: str, mime_type: str, prefix: str) -> StoredFile:
        file_id, unique = _file_ids(prefix)
        stored = StoredFile(file_id, unique, file_path, content, mime_type)
        with self.standin.lock:
            self.files[file_id] = stored
        return stored

    def pending(self) -> list[dict]:
        with self.standin.lock:
            return list(self.updates)

    def confirm(self, update_ids: set[int]) -> None:
        with self.standin.lock:
            self.updates = [u for u in self.updates if u["update_id"] not in update_ids]

    # -- the webhook pusher (runs on the caller's loop) ------------------------------------

    async def deliver_webhook(
        self,
        client: httpx.AsyncClient | None = None,
        *,
        max_attempts: int = 5,
        concurrency: int = 1,
        duplicates: float = 0.0,
        concurrent_duplicates: float = 0.0,
        secret_token: str | None = None,
        retry_delay: float = 0.0,
        seed: int = 0,
    ) -> WebhookReport:
        """POST every pending update to the webhook as Telegram does, in queue order with up to
        ``concurrency`` in flight; a non-2xx answer retries the SAME update (``max_attempts``).
        A ``duplicates`` share of updates is delivered again after its 2xx (a lost answer),
        a ``concurrent_duplicates`` share twice at the same time. ``client`` (e.g. an app's
        ASGI client) receives the URL's path; without it a real connection is made.
        """
        from standins.telegram_push import deliver

        return await deliver(
            self,
            client,
            max_attempts=max_attempts,
            concurrency=concurrency,
            duplicates=duplicates,
            concurrent_duplicates=concurrent_duplicates,
            secret_token=secret_token,
            retry_delay=retry_delay,
            rng=random.Random(seed),
        )


class TelegramStandin:
    """The stand-in server; ``bot`` is the bot it starts with, ``add_bot()`` adds more."""

    def __init__(
        self,
        token: str = "123456789:AAHstandin-test-token_0123456789abcd",
        username: str = "union_test_bot",
    ) -> None:
        from standins.telegram_http import make_app

        self.lock = threading.RLock()
        self.bots: dict[str, StandinBot] = {}
        self.released = asyncio.Event()  # set on stop: hung requests give up
        self.server = ThreadedServer(make_app(self), on_stop=self.released.set)
        self.bot = self.add_bot(token, username)
        self._user_ids = itertools.count(10_001)
        self.base_url = ""

    def add_bot(self, token: str, username: str = "another_test_bot") -> StandinBot:
        bot = StandinBot(self, token, username)
        with self.lock:
            self.bots[token] = bot
        return bot

    def user(
        self,
        user_id: int | None = None,
        first_name: str = "Иван",
        last_name: str | None = "Петров",
        username: str | None = None,
        language_code: str = "ru",
    ) -> dict:
        """A Telegram user as updates carry it."""
        user: dict[str, Any] = {
            "id": user_id or next(self._user_ids),
            "is_bot": False,
            "first_name": first_name,
        }
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        user["language_code"] = language_code
        return user

    def start(self) -> str:
        self.base_url = self.server.start()
        return self.base_url

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> TelegramStandin:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def webhook_target(url: str) -> str:
    """The path and query of a webhook URL, for a client bound to the app."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
