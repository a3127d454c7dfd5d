"""A thin Bot API client on httpx: one method per call we make, answers as msgspec Structs.

Failures are raised by intent (see :mod:`.errors`). ``base_url`` points at Telegram or at a
local Bot API server (or a test stand-in). Calls that send something to a member are not
idempotent, so a timeout after the request went out raises ``DeliveryUnknown``, not
``NotReady``.
"""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
import msgspec

from unionline import NotReady
from unionline.channel import SentUnreadable
from unionline.channels.telegram.errors import DeliveryUnknown, error_for
from unionline.channels.telegram.types import Envelope, File, Message, Update, User, WebhookInfo

DEFAULT_BASE_URL = "https://api.telegram.org"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # carries setWebhook's secret_token
T = TypeVar("T")
# Errors raised once the request was written: Telegram may have acted on it.
_AFTER_SEND = (httpx.ReadTimeout, httpx.ReadError, httpx.RemoteProtocolError)


class InputFile(msgspec.Struct, frozen=True):
    """A file to upload."""

    file_name: str
    content: bytes
    mime_type: str = "application/octet-stream"


class TelegramClient:
    """Calls the Bot API for one bot token. Pass ``http`` to share a connection pool."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        http: httpx.AsyncClient | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.token = token
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._http = http
        self._own_http = http is None

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self.timeout)
        return self._http

    async def aclose(self) -> None:
        if self._own_http and self._http is not None:
            await self._http.aclose()
            self._http = None

    async def __aenter__(self) -> TelegramClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- the calls ------------------------------------------------------------------------

    async def get_me(self) -> User:
        return await self.call("getMe", {}, User)

    async def get_updates(
        self,
        offset: int | None = None,
        *,
        timeout: int = 0,
        limit: int = 100,
        allowed_updates: list[str] | None = None,
    ) -> list[Update]:
        params = {
            "offset": offset,
            "timeout": timeout,
            "limit": limit,
            "allowed_updates": allowed_updates,
        }
        return await self.call("getUpdates", params, list[Update], read_timeout=timeout + 10)

    async def set_webhook(
        self,
        url: str,
        *,
        secret_token: str | None = None,
        allowed_updates: list[str] | None = None,
        max_connections: int | None = None,
        drop_pending_updates: bool = False,
    ) -> bool:
        params = {
            "url": url,
            "secret_token": secret_token,
            "allowed_updates": allowed_updates,
            "max_connections": max_connections,
            "drop_pending_updates": drop_pending_updates or None,
        }
        return await self.call("setWebhook", params, bool)

    async def delete_webhook(self, *, drop_pending_updates: bool = False) -> bool:
        params = {"drop_pending_updates": drop_pending_updates or None}
        return await self.call("deleteWebhook", params, bool)

    async def get_webhook_info(self) -> WebhookInfo:
        return await self.call("getWebhookInfo", {}, WebhookInfo)

    async def send_message(
        self,
        chat_id: int | str,
        text: str,
        *,
        parse_mode: str | None = "HTML",
        reply_markup: dict[str, Any] | None = None,
        reply_to_message_id: int | None = None,
    ) -> Message:
        params: dict[str, Any] = {
            "chat_id": chat_id,
            "text": text,
            "parse_mode": parse_mode,
            "reply_markup": reply_markup,
            "link_preview_options": {"is_disabled": True},
        }
        if reply_to_message_id is not None:
            params["reply_parameters"] = {
                "message_id": reply_to_message_id,
                "allow_sending_without_reply": True,
            }
        return await self.call("sendMessage", params, Message, sends=True)

    async def send_document(
        self,
        chat_id: int | str,
        document: InputFile,
        *,
        caption: str | None = None,
        parse_mode: str | None = "HTML",
        reply_markup: dict[str, Any] | None = None,
    ) -> Message:
        return await self._send_file(
            "sendDocument", "document", chat_id, document, caption, parse_mode, reply_markup
        )

    async def send_photo(
        self,
        chat_id: int | str,
        photo: InputFile,
        *,
        caption: str | None = None,
        parse_mode: str | None = "HTML",
        reply_markup: dict[str, Any] | None = None,
    ) -> Message:
        return await self._send_file(
            "sendPhoto", "photo", chat_id, photo, caption, parse_mode, reply_markup
        )

    async def send_chat_action(self, chat_id: int | str, action: str = "typing") -> bool:
        """Show ``action`` ("typing", "upload_document", ...) in the chat for 5 seconds or until
        the bot's next message. Nothing reaches the member as a message, so a lost answer is
        ``NotReady``, not ``DeliveryUnknown``."""
        return await self.call("sendChatAction", {"chat_id": chat_id, "action": action}, bool)

    async def answer_callback_query(
        self, callback_query_id: str, *, text: str | None = None, show_alert: bool = False
    ) -> bool:
        """Stop the spinner on the button the member pressed (optionally with a notice)."""
        params = {
            "callback_query_id": callback_query_id,
            "text": text,
            "show_alert": show_alert or None,
        }
        return await self.call("answerCallbackQuery", params, bool)

    async def get_file(self, file_id: str) -> File:
        return await self.call("getFile", {"file_id": file_id}, File)

    async def download(self, file_path: str) -> bytes:
        """The content of a file ``get_file`` described (``/file/bot<token>/<file_path>``)."""
        url = f"{self.base_url}/file/bot{self.token}/{file_path}"
        try:
            answer = await self.http.get(url)
        except httpx.TransportError as exc:
            raise NotReady(f"Telegram file download failed: {type(exc).__name__}") from exc
        if answer.status_code != 200:
            envelope = _envelope(answer)
            raise error_for(answer.status_code, envelope.description if envelope else "")
        return answer.content

    async def _send_file(
        self,
        method: str,
        field: str,
        chat_id: int | str,
        file: InputFile,
        caption: str | None,
        parse_mode: str | None,
        reply_markup: dict[str, Any] | None,
    ) -> Message:
        params = {
            "chat_id": chat_id,
            "caption": caption,
            "parse_mode": parse_mode if caption else None,
            "reply_markup": reply_markup,
        }
        files = {field: (file.file_name, file.content, file.mime_type)}
        return await self.call(method, params, Message, sends=True, files=files)

    # -- the transport --------------------------------------------------------------------

    async def call(
        self,
        method: str,
        params: dict[str, Any],
        result_type: type[T] | Any,
        *,
        sends: bool = False,
        files: dict[str, Any] | None = None,
        read_timeout: float | None = None,
    ) -> T:
        """POST ``method`` and decode its result; raise by intent when it failed."""
        url = f"{self.base_url}/bot{self.token}/{method}"
        present = {k: v for k, v in params.items() if v is not None}
        timeout = httpx.Timeout(self.timeout, read=read_timeout or self.timeout)
        try:
            if files:
                data = {
                    k: v if isinstance(v, str) else msgspec.json.encode(v).decode()
                    for k, v in present.items()
                }
                answer = await self.http.post(url, data=data, files=files, timeout=timeout)
            else:
                answer = await self.http.post(
                    url,
                    content=msgspec.json.encode(present),
                    headers={"Content-Type": "application/json"},
                    timeout=timeout,
                )
        except _AFTER_SEND as exc:
            if sends:
                raise DeliveryUnknown(
                    f"Telegram {method}: no answer after sending ({type(exc).__name__})"
                ) from exc
            raise NotReady(f"Telegram {method}: {type(exc).__name__}") from exc
        except httpx.TransportError as exc:  # not connected, or the request was not written
            raise NotReady(f"Telegram {method}: {type(exc).__name__}") from exc
        return _result(method, answer, result_type, sends)


def _envelope(answer: httpx.Response) -> Envelope | None:
    try:
        return msgspec.json.decode(answer.content, type=Envelope)
    except msgspec.DecodeError:
        return None


def _result(method: str, answer: httpx.Response, result_type: Any, sends: bool) -> Any:
    envelope = _envelope(answer)
    if envelope is None:
        if answer.status_code >= 500 or not sends:
            raise NotReady(f"Telegram {method}: unreadable answer (HTTP {answer.status_code})")
        raise DeliveryUnknown(f"Telegram {method}: unreadable answer (HTTP {answer.status_code})")
    if not envelope.ok:
        retry_after = envelope.parameters.retry_after if envelope.parameters else None
        raise error_for(
            envelope.error_code or answer.status_code, envelope.description, retry_after
        )
    try:
        return msgspec.json.decode(envelope.result, type=result_type)
    except msgspec.ValidationError as exc:
        if not sends:
            raise NotReady(f"Telegram {method}: unexpected answer ({exc})") from exc
        # ok: true — the message is out. Never resent: its id if that much still reads.
        raise SentUnreadable(
            f"Telegram {method}: sent, but the answer did not decode ({exc})",
            external_id=_message_id(envelope.result),
        ) from exc


class _SentId(msgspec.Struct):
    message_id: int


def _message_id(result: msgspec.Raw) -> str | None:
    try:
        return str(msgspec.json.decode(result, type=_SentId).message_id)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
