"""HTTP side of the Telegram stand-in: ``/bot<token>/<method>`` and the file download path.

Parameters come as the Bot API accepts them: query string, ``application/json``,
``application/x-www-form-urlencoded`` or ``multipart/form-data``; method names are
case-insensitive. Answers are ``{"ok": true, "result": ...}`` or ``{"ok": false,
"error_code": ..., "description": ..., "parameters": {"retry_after": N}}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from litestar import Litestar, Request, Response, get, route
from litestar.datastructures import UploadFile
from litestar.enums import HttpMethod
from litestar.params import FromPath

from standins.telegram import BLOCKED, ApiCall, SentFile, SentMessage
from standins.telegram_html import EntityParseError, parse_html, utf16_len

if TYPE_CHECKING:
    from standins.telegram import StandinBot, TelegramStandin

MAX_TEXT = 4096
MAX_CAPTION = 1024
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


def answer(result: Any, description: str | None = None) -> Response[bytes]:
    body: dict[str, Any] = {"ok": True, "result": result}
    if description:
        body["description"] = description
    return Response(
        json.dumps(body, ensure_ascii=False).encode(),
        status_code=200,
        media_type="application/json",
    )


def failure(error: ApiError) -> Response[bytes]:
    body: dict[str, Any] = {"ok": False, "error_code": error.code, "description": error.description}
    if error.retry_after is not None:
        body["parameters"] = {"retry_after": error.retry_after}
    return Response(
        json.dumps(body).encode(), status_code=error.code, media_type="application/json"
    )


async def read_params(
    request: Request[Any, Any, Any],
) -> tuple[dict[str, Any], dict[str, UploadFile]]:
    params: dict[str, Any] = dict(request.query_params)
    files: dict[str, UploadFile] = {}
    content_type = request.headers.get("content-type", "")
    if request.method == "POST" and content_type.startswith("application/json"):
        body = await request.body()
        if body:
            params.update(json.loads(body))
    elif request.method == "POST" and content_type.startswith(
        ("multipart/form-data", "application/x-www-form-urlencoded")
    ):
        form = await request.form()
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                files[key] = value
            else:
                params[key] = value
    return params, files


def make_app(standin: TelegramStandin) -> Litestar:
    @route("/{segment:str}/{method:str}", http_method=[HttpMethod.GET, HttpMethod.POST])
    async def api(
        request: Request[Any, Any, Any], segment: FromPath[str], method: FromPath[str]
    ) -> Response[bytes]:
        try:
            bot = _bot(standin, segment)
            params, files = await read_params(request)
            return await call(standin, bot, method.lower(), params, files)
        except ApiError as error:
            return failure(error)

    @get("/file/{segment:str}/{file_path:path}")
    async def download(segment: FromPath[str], file_path: FromPath[str]) -> Response[bytes]:
        try:
            bot = _bot(standin, segment)
        except ApiError as error:
            return failure(error)
        with standin.lock:
            found = [f for f in bot.files.values() if f.file_path == file_path.lstrip("/")]
        if not found:
            return failure(ApiError(404, "Not Found"))
        return Response(found[0].content, status_code=200, media_type=found[0].mime_type)

    return Litestar([api, download], debug=False, openapi_config=None, logging_config=None)


def _bot(standin: TelegramStandin, segment: str) -> StandinBot:
    if not segment.startswith("bot") or ":" not in segment:
        raise ApiError(404, "Not Found")
    with standin.lock:
        bot = standin.bots.get(segment[3:])
    if bot is None:
        raise ApiError(401, "Unauthorized")
    return bot


async def call(
    standin: TelegramStandin,
    bot: StandinBot,
    method: str,
    params: dict[str, Any],
    files: dict[str, UploadFile],
) -> Response[bytes]:
    with standin.lock:
        recorded = {**params, **{k: f"<file {v.filename}>" for k, v in files.items()}}
        bot.calls.append(ApiCall(method, recorded))
    handler = METHODS.get(method)
    if handler is None:
        raise ApiError(404, "Not Found")
    fault = bot.take_fault(method)
    if fault is not None and not fault.hang and not fault.error_code:
        fault = None  # PASS
    if fault is not None and not fault.hang:
        raise ApiError(fault.error_code, fault.description, fault.retry_after)
    if fault is not None and not fault.performed:
        await standin.released.wait()
        raise ApiError(500, "stand-in stopped")
    result = await handler(bot, params, files)
    if fault is not None:
        await standin.released.wait()  # did the call; the answer never comes
        raise ApiError(500, "stand-in stopped")
    return result


# -- methods -----------------------------------------------------------------------------


async def get_me(bot: StandinBot, params: dict, files: dict) -> Response[bytes]:
    return answer(
        {
            "id": bot.id,
            "is_bot": True,
            "first_name": "Union test bot",
            "username": bot.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
    )


async def get_updates(bot: StandinBot, params: dict, files: dict) -> Response[bytes]:
    standin = bot.standin
    with standin.lock:
        if bot.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        _confirm(bot, int(params.get("offset", 0) or 0))
        bot.poll_generation += 1
        generation = bot.poll_generation
    bot.changed.set()  # a poll still waiting is ended by this one, as on Telegram
    limit = max(1, min(100, int(params.get("limit", 100) or 100)))
    deadline = time.monotonic() + min(float(params.get("timeout", 0) or 0), 60.0)
    while True:
        bot.changed.clear()
        with standin.lock:
            if generation != bot.poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure "
                    "that only one bot instance is running",
                )
            batch = list(bot.updates[:limit])
        remaining = deadline - time.monotonic()
        if batch or remaining <= 0 or standin.released.is_set():
            return answer(batch)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(bot.changed.wait(), remaining)


def _confirm(bot: StandinBot, offset: int) -> None:
    if offset > 0:  # confirmed: every update with a smaller id is forgotten
        bot.updates = [u for u in bot.updates if u["update_id"] >= offset]
    elif offset < 0:  # only the last -offset updates are kept
        bot.updates = bot.updates[offset:]


async def set_webhook(bot: StandinBot, params: dict, files: dict) -> Response[bytes]:
    url = str(params.get("url", "") or "")
    if not url:
        return await delete_webhook(bot, params, files)
    if not url.startswith("https://"):
        raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.get("secret_token")
    if secret is not None and not SECRET_TOKEN.match(str(secret)):
        raise ApiError(400, "Bad Request: secret token contains unallowed characters")
    hook: dict[str, Any] = {"url": url, "max_connections": int(params.get("max_connections", 40))}
    if secret:
        hook["secret_token"] = str(secret)
    if params.get("allowed_updates") is not None:
        allowed = params["allowed_updates"]
        hook["allowed_updates"] = json.loads(allowed) if isinstance(allowed, str) else allowed
    with bot.standin.lock:
        if _flag(params.get("drop_pending_updates")):
            bot.updates = []
        bot.webhook = hook
    return answer(True, "Webhook was set")


async def delete_webhook(bot: StandinBot, params: dict, files: dict) -> Response[bytes]:
    with bot.standin.lock:
        had = bool(bot.webhook.get("url"))
        if _flag(params.get("drop_pending_updates")):
            bot.updates = []
        bot.webhook = {"url": ""}
    return answer(True, "Webhook was deleted" if had else "Webhook is already deleted")


async def get_webhook_info(bot: StandinBot, params: dict, files: dict) -> Response[bytes]:
    with bot.standin.lock:
        info = {k: v for k, v in bot.webhook.items() if k != "secret_token"}
        info.update(has_custom_certificate=False, pending_update_count=len(bot.updates))
    return answer(info)


def _flag(value: Any) -> bool:
    return value in (True, "true", "True", "1", 1)


def _chat_id(bot: StandinBot, params: dict) -> int | str:
    raw = params.get("chat_id")
    if raw in (None, ""):
        raise ApiError(400, "Bad Request: chat_id is empty")
    chat_id: int | str = int(raw) if re.fullmatch(r"-?\d+", str(raw)) else str(raw)
    with bot.standin.lock:
        if chat_id in bot.blocked_chats:
            raise ApiError(BLOCKED.error_code, BLOCKED.description)
    return chat_id


def _formatted(text: str, parse_mode: str | None, limit: int, what: str) -> tuple[str, list[dict]]:
    plain, entities = text, []
    if parse_mode and parse_mode.upper() == "HTML":
        try:
            plain, entities = parse_html(text)
        except EntityParseError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from exc
    if not plain.strip() and what == "text":
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_len(plain) > limit:
        kind = "message" if what == "text" else "message caption"
        raise ApiError(400, f"Bad Request: {kind} is too long")
    return plain, entities


MAX_KEYBOARD_BUTTONS = 100  # more: "reply markup is too long"
BUTTON_FIELDS = ("url", "callback_data", "switch_inline_query", "login_url", "web_app", "pay")


def _markup(params: dict) -> Any:
    """``reply_markup`` checked as the Bot API checks an inline keyboard (other markups pass
    as they are); the 400 descriptions are Telegram's."""
    markup = params.get("reply_markup")
    if isinstance(markup, str):
        try:
            markup = json.loads(markup)
        except ValueError:
            unparsed = "Bad Request: can't parse reply keyboard markup JSON object"
            raise ApiError(400, unparsed) from None
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"])
    return markup


def _check_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(
            400,
            'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be'
            " an Array of Arrays",
        )
    if sum(len(row) for row in rows) > MAX_KEYBOARD_BUTTONS:
        raise ApiError(400, "Bad Request: reply markup is too long")
    for button in (b for row in rows for b in row):
        _check_button(button)


def _check_button(button: Any) -> None:
    bad = "Bad Request: can't parse inline keyboard button: "
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise ApiError(400, bad + 'Field "text" must be of type String')
    if not button["text"].strip():
        raise ApiError(400, "Bad Request: BUTTON_TEXT_EMPTY")
    if not any(key in button for key in BUTTON_FIELDS):
        raise ApiError(400, bad + "Text buttons are unallowed in the inline keyboard")
    if "url" in button and not _button_url(button["url"]):
        raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")


def _button_url(url: Any) -> bool:
    """http(s) with a host that has a dot or is an IP address (Telegram refuses localhost and
    other bare names), or tg://."""
    if not isinstance(url, str) or any(c.isspace() for c in url):
        return False
    parts = urlsplit(url)
    if parts.scheme == "tg":
        return True
    host = parts.hostname or ""
    return parts.scheme in ("http", "https") and ("." in host or ":" in host)


def _message(bot: StandinBot, chat_id: int | str, **content: Any) -> dict:
    return {
        "message_id": bot.next_message_id(),
        "date": int(time.time()),
        "from": {
            "id": bot.id,
            "is_bot": True,
            "first_name": "Union test bot",
            "username": bot.username,
        },
        "chat": {"id": chat_id, "type": "private"},
        **content,
    }


async def send_message(bot: StandinBot, params: dict, files: dict) -> Response[bytes]:
    chat_id = _chat_id(bot, params)
    text = str(params.get("text", "") or "")
    parse_mode = params.get("parse_mode")
    plain, entities = _formatted(text, parse_mode, MAX_TEXT, "text")
    markup = _markup(params)
    message = _message(bot, chat_id, text=plain, **({"entities": entities} if entities else {}))
    with bot.standin.lock:
        bot.sent.append(
            SentMessage(
                message["message_id"],
                "sendmessage",
                chat_id,
                text,
                plain,
                parse_mode,
                entities,
                markup,
            )
        )
    return answer(message)


async def _send_file(bot: StandinBot, params: dict, files: dict, field: str) -> Response[bytes]:
    chat_id = _chat_id(bot, params)
    markup = _markup(params)
    upload = files.get(field)
    if upload is None and not params.get(field):
        raise ApiError(400, f"Bad Request: there is no {field} in the request")
    caption = params.get("caption")
    plain = None
    if caption:
        plain, _ = _formatted(str(caption), params.get("parse_mode"), MAX_CAPTION, "caption")
    if upload is not None:
        content = await upload.read()
        sent = SentFile(field, upload.filename or field, upload.content_type or "", content)
    else:
        stored = bot.files.get(str(params[field]))
        if stored is None:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        sent = SentFile(
            field, stored.file_path.rsplit("/", 1)[-1], stored.mime_type, stored.content
        )
    prefix = "BQACAgIAAxkDAAI" if field == "document" else "AgACAgIAAxkDAAI"
    stored = bot.store_file(sent.content, f"{field}s/{sent.file_name}", sent.mime_type, prefix)
    described = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(sent.content),
    }
    media: Any = (
        [{**described, "width": 800, "height": 600}]
        if field == "photo"
        else {**described, "file_name": sent.file_name, "mime_type": sent.mime_type}
    )
    message = _message(bot, chat_id, **{field: media}, **({"caption": plain} if plain else {}))
    with bot.standin.lock:
        bot.sent.append(
            SentMessage(
                message["message_id"],
                f"send{field}",
                chat_id,
                reply_markup=markup,
                caption=plain,
                file=sent,
            )
        )
    return answer(message)


async def send_document(bot: StandinBot, params: dict, files: dict) -> Response[bytes]:
    return await _send_file(bot, params, files, "document")


async def send_photo(bot: StandinBot, params: dict, files: dict) -> Response[bytes]:
    return await _send_file(bot, params, files, "photo")


CHAT_ACTIONS = frozenset(
    (
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    )
)


async def send_chat_action(bot: StandinBot, params: dict, files: dict) -> Response[bytes]:
    """Answers ``true``, as Telegram does; the call itself is in ``bot.calls``."""
    _chat_id(bot, params)  # a chat that blocked the bot answers 403, as on Telegram
    if str(params.get("action", "") or "") not in CHAT_ACTIONS:
        raise ApiError(400, "Bad Request: wrong parameter action in request")
    return answer(True)


QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"


def answer_callback(bot: StandinBot, params: dict) -> bool:
    """``answerCallbackQuery``: each press is answered once; an unknown, already answered or
    expired query id is refused as Telegram refuses it."""
    query_id = str(params.get("callback_query_id", "") or "")
    with bot.standin.lock:
        if query_id not in bot.open_queries:
            raise ApiError(400, QUERY_INVALID)
        bot.open_queries.discard(query_id)
        bot.answered_queries.append({**params, "callback_query_id": query_id})
    return True


async def answer_callback_query(bot: StandinBot, params: dict, files: dict) -> Response[bytes]:
    return answer(answer_callback(bot, params))


def webhook_method(bot: StandinBot, body: bytes) -> None:
    """A method the app put in its answer to a webhook call, performed as Telegram does
    (its result is not reported anywhere; a failure is simply dropped)."""
    try:
        params = json.loads(body)
    except ValueError:
        return
    if not isinstance(params, dict) or not isinstance(params.get("method"), str):
        return
    method = params.pop("method").lower()
    with bot.standin.lock:
        bot.calls.append(ApiCall(method, dict(params), via="webhook"))
    if method == "answercallbackquery":
        with contextlib.suppress(ApiError):
            answer_callback(bot, params)


async def get_file(bot: StandinBot, params: dict, files: dict) -> Response[bytes]:
    with bot.standin.lock:
        stored = bot.files.get(str(params.get("file_id", "")))
    if stored is None:
        raise ApiError(400, "Bad Request: invalid file_id")
    return answer(
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }
    )


METHODS = {
    "getme": get_me,
    "getupdates": get_updates,
    "setwebhook": set_webhook,
    "deletewebhook": delete_webhook,
    "getwebhookinfo": get_webhook_info,
    "sendmessage": send_message,
    "senddocument": send_document,
    "sendphoto": send_photo,
    "getfile": get_file,
    "sendchataction": send_chat_action,
    "answercallbackquery": answer_callback_query,
}
