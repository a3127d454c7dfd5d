"""HTTP side of the VK stand-in: ``/method/<name>``, the long poll server, uploads and files."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from litestar import Litestar, Request, Response, get, route
from litestar.datastructures import UploadFile
from litestar.enums import HttpMethod
from litestar.params import FromPath

from standins.vk import ERRORS, ApiCall, SentMessage, Upload

if TYPE_CHECKING:
    from standins.vk import StandinCommunity, VkStandin

MAX_TEXT = 4096


class VkError(Exception):
    def __init__(self, code: int, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.message = ERRORS.get(code, "Unknown error") + (f": {detail}" if detail else "")


def as_json(body: Any) -> Response[bytes]:
    return Response(
        json.dumps(body, ensure_ascii=False).encode(),
        status_code=200,
        media_type="application/json",
    )


async def read_params(
    request: Request[Any, Any, Any],
) -> tuple[dict[str, str], dict[str, UploadFile]]:
    params = {k: str(v) for k, v in request.query_params.items()}
    files: dict[str, UploadFile] = {}
    if request.method == "POST":
        form = await request.form()
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                files[key] = value
            else:
                params[key] = str(value)
    return params, files


def make_app(standin: VkStandin) -> Litestar:
    @route("/method/{name:str}", http_method=[HttpMethod.GET, HttpMethod.POST])
    async def method(request: Request[Any, Any, Any], name: FromPath[str]) -> Response[bytes]:
        params, _ = await read_params(request)
        try:
            return as_json({"response": await call(standin, request, name, params)})
        except VkError as error:
            request_params = [
                {"key": k, "value": v} for k, v in params.items() if k != "access_token"
            ]
            return as_json(
                {
                    "error": {
                        "error_code": error.code,
                        "error_msg": error.message,
                        "request_params": request_params,
                    }
                }
            )

    @route("/lp/{group_id:int}", http_method=[HttpMethod.GET, HttpMethod.POST])
    async def long_poll(
        request: Request[Any, Any, Any], group_id: FromPath[int]
    ) -> Response[bytes]:
        params, _ = await read_params(request)
        return as_json(await a_check(standin, group_id, params))

    @route("/upload/{ticket:str}", http_method=[HttpMethod.POST])
    async def upload(request: Request[Any, Any, Any], ticket: FromPath[str]) -> Response[bytes]:
        _, files = await read_params(request)
        return as_json(await receive_upload(standin, ticket, files))

    @get("/files/{name:str}")
    async def download(name: FromPath[str]) -> Response[bytes]:
        with standin.lock:
            content = standin.files.get(name)
        if content is None:
            return Response(b"not found", status_code=404)
        return Response(content, status_code=200, media_type="application/octet-stream")

    return Litestar(
        [method, long_poll, upload, download], debug=False, openapi_config=None, logging_config=None
    )


def _community(
    standin: VkStandin, request: Request[Any, Any, Any], params: dict[str, str]
) -> tuple[str, StandinCommunity]:
    token = params.get("access_token") or request.headers.get("authorization", "")
    token = token.removeprefix("Bearer ").strip()
    with standin.lock:
        community = standin.communities.get(token)
    if community is None:
        raise VkError(5)
    return token, community


async def call(
    standin: VkStandin, request: Request[Any, Any, Any], name: str, params: dict[str, str]
) -> Any:
    token, community = _community(standin, request, params)
    with standin.lock:
        community.calls.append(
            ApiCall(name, {k: v for k, v in params.items() if k != "access_token"}, token)
        )
    if not params.get("v"):
        raise VkError(8)
    handler = METHODS.get(name)
    if handler is None:
        raise VkError(3)
    if standin.over_rate_limit(token):
        raise VkError(6)
    fault = community.take_fault(name)
    if fault is not None and not fault.hang:
        raise VkError(fault.error_code)
    if fault is not None and not fault.performed:
        await standin.released.wait()
        raise VkError(10)
    result = handler(community, params)
    if fault is not None:
        await standin.released.wait()  # done, but the answer never comes
        raise VkError(10)
    return result


def _int(params: dict[str, str], name: str, required: bool = True) -> int:
    value = params.get(name, "")
    try:
        return int(value)
    except ValueError:
        if required:
            raise VkError(100, f"{name} is a required parameter") from None
        return 0


def messages_send(community: StandinCommunity, params: dict[str, str]) -> int:
    peer_id = _int(params, "peer_id", False) or _int(params, "user_id", False)
    if not peer_id:
        raise VkError(100, "peer_id is a required parameter")
    random_id = _int(params, "random_id")
    text, attachment = params.get("message", ""), params.get("attachment", "")
    if not text and not attachment:
        raise VkError(100, "message is empty or invalid")
    if len(text) > MAX_TEXT:
        raise VkError(914)
    keyboard = params.get("keyboard")
    if keyboard is not None and not community.bot_features:
        raise VkError(912)
    if keyboard is not None:
        check_keyboard(keyboard)
    now = time.monotonic()
    with community.standin.lock:
        if peer_id in community.denied:
            raise VkError(community.denied[peer_id])
        earlier = community.random_ids.get(random_id) if random_id else None
        if earlier is not None and now - earlier[1] < community.dedup_window:
            return earlier[0]  # the same random_id: the message is not sent twice
        message_id = community.next_id()
        community.random_ids[random_id] = (message_id, now)
        community.sent.append(
            SentMessage(message_id, peer_id, random_id, text, attachment, params.get("keyboard"))
        )
    if community.echo_replies:
        community.message_reply(text, peer_id=peer_id, random_id=random_id, message_id=message_id)
    return message_id


# messages.send's keyboard as VK checks it: an inline keyboard has at most 6 rows and 10
# buttons (a regular one 10 rows, 40 buttons), a row at most 5; a label 1-40 characters; an
# open_link button a http(s) link. Anything else: error 911.
KEYBOARD_LIMITS = {True: (6, 10), False: (10, 40)}
MAX_ROW = 5
MAX_LABEL = 40


def check_keyboard(raw: str) -> None:
    try:
        keyboard = json.loads(raw)
    except ValueError:
        raise VkError(911, "keyboard is not JSON") from None
    rows = keyboard.get("buttons") if isinstance(keyboard, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise VkError(911, "buttons must be an array of arrays")
    max_rows, max_buttons = KEYBOARD_LIMITS[bool(keyboard.get("inline"))]
    if len(rows) > max_rows or sum(map(len, rows)) > max_buttons:
        raise VkError(911, f"at most {max_rows} rows and {max_buttons} buttons")
    if any(len(row) > MAX_ROW for row in rows):
        raise VkError(911, f"at most {MAX_ROW} buttons in a row")
    for button in (b for row in rows for b in row):
        _check_button(button)


def _check_button(button: Any) -> None:
    action = button.get("action") if isinstance(button, dict) else None
    if not isinstance(action, dict) or not isinstance(action.get("type"), str):
        raise VkError(911, "button.action.type is required")
    label = action.get("label")
    if action["type"] in ("text", "open_link", "callback") and (
        not isinstance(label, str) or not label.strip() or len(label) > MAX_LABEL
    ):
        raise VkError(911, f"button.action.label is 1 to {MAX_LABEL} characters")
    if action["type"] == "open_link":
        link = action.get("link")
        parts = urlsplit(link) if isinstance(link, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise VkError(911, "button.action.link must be a http(s) link")


ACTIVITIES = frozenset(("typing", "audiomessage", "photo", "video", "file"))


def messages_set_activity(community: StandinCommunity, params: dict[str, str]) -> int:
    """Answers ``1``, as VK does; the call itself is in ``community.calls``."""
    peer_id = _int(params, "peer_id", False) or _int(params, "user_id", False)
    if not peer_id:
        raise VkError(100, "peer_id is a required parameter")
    if params.get("type", "") not in ACTIVITIES:
        raise VkError(100, "type is invalid")
    if "group_id" in params and _int(params, "group_id") != community.group_id:
        raise VkError(100, "group_id is invalid")
    with community.standin.lock:
        if peer_id in community.denied:
            raise VkError(community.denied[peer_id])
    return 1


def get_long_poll_server(community: StandinCommunity, params: dict[str, str]) -> dict:
    if _int(params, "group_id") != community.group_id:
        raise VkError(100, "group_id is invalid")
    with community.standin.lock:
        community.lp_failure = None
        ts = community.first_ts + len(community.events)
        return {
            "key": community.lp_key,
            "server": f"{community.standin.base_url}/lp/{community.group_id}",
            "ts": str(ts),
        }


MAX_USER_IDS = 1000  # users.get: "user_ids", at most 1000 (VK's method reference)
MAX_GROUP_IDS = 500  # groups.getById: "group_ids", at most 500


def _ids(params: dict[str, str], name: str) -> list[str]:
    return [part.strip() for part in params.get(name, "").split(",") if part.strip()]


def users_get(community: StandinCommunity, params: dict[str, str]) -> list[dict]:
    """Profiles by id or ``id<N>``: ids VK does not know are left out; only unknown ones is
    error 113, more than 1000 is error 100. A community token has no "current user"."""
    wanted = _ids(params, "user_ids")
    if not wanted:
        raise VkError(100, "user_ids is undefined")
    if len(wanted) > MAX_USER_IDS:
        raise VkError(100, f"user_ids is too long (at most {MAX_USER_IDS})")
    with community.standin.lock:
        people = dict(community.standin.people)
    found = []
    for item in wanted:
        digits = item.removeprefix("id")
        person = people.get(int(digits)) if digits.isdigit() else None
        if person is not None:
            found.append(person.as_vk())
    if not found:
        raise VkError(113)
    return found


def get_by_id(community: StandinCommunity, params: dict[str, str]) -> dict:
    """The community itself (``group_id``, or none given) and those in ``group_ids``."""
    wanted = _ids(params, "group_ids") or _ids(params, "group_id") or [str(community.group_id)]
    if len(wanted) > MAX_GROUP_IDS:
        raise VkError(100, f"group_ids is too long (at most {MAX_GROUP_IDS})")
    with community.standin.lock:
        names = {**community.standin.groups, community.group_id: "Профсоюз (тест)"}
    groups = [
        {"id": int(g), "name": names[int(g)], "screen_name": f"club{g}", "is_closed": 0}
        for g in (w.removeprefix("club") for w in wanted)
        if g.isdigit() and int(g) in names
    ]
    if not groups:
        raise VkError(100, "group_ids is undefined")
    return {"groups": [{**g, "type": "group"} for g in groups], "profiles": []}


def get_confirmation_code(community: StandinCommunity, params: dict[str, str]) -> dict:
    with community.standin.lock:
        return {"code": community.callback["code"]}


def _upload_server(community: StandinCommunity, kind: str, params: dict[str, str]) -> dict:
    ticket = secrets.token_hex(8)
    with community.standin.lock:
        community.uploads[ticket] = Upload(kind, _int(params, "peer_id", False))
    url = f"{community.standin.base_url}/upload/{ticket}"
    if kind == "photo":
        return {"upload_url": url, "album_id": -3, "group_id": community.group_id}
    return {"upload_url": url}


def docs_upload_server(community: StandinCommunity, params: dict[str, str]) -> dict:
    return _upload_server(community, "doc", params)


def photos_upload_server(community: StandinCommunity, params: dict[str, str]) -> dict:
    return _upload_server(community, "photo", params)


async def receive_upload(standin: VkStandin, ticket: str, files: dict[str, UploadFile]) -> dict:
    with standin.lock:
        found = [(c, c.uploads.get(ticket)) for c in standin.communities.values()]
    community, upload = next(((c, u) for c, u in found if u is not None), (None, None))
    field = "photo" if upload is not None and upload.kind == "photo" else "file"
    if community is None or upload is None or field not in files:
        return {"error": "ERR_UPLOAD_BAD_REQUEST: no file"}
    upload.file_name = files[field].filename or field
    upload.content = await files[field].read()
    if upload.kind == "photo":
        return {"server": 1, "photo": json.dumps([{"ticket": ticket}]), "hash": ticket[::-1]}
    return {"file": ticket}


def _saved(community: StandinCommunity, ticket: str, kind: str) -> tuple[int, Upload]:
    with community.standin.lock:
        upload = community.uploads.pop(ticket, None)
        if upload is None or upload.kind != kind or not upload.content:
            raise VkError(100, "file is invalid")
        media_id = community.next_id()
        community.saved[f"{kind}{-community.group_id}_{media_id}"] = upload
    return media_id, upload


def docs_save(community: StandinCommunity, params: dict[str, str]) -> dict:
    media_id, upload = _saved(community, params.get("file", ""), "doc")
    title = params.get("title") or upload.file_name
    return {
        "type": "doc",
        "doc": {
            "id": media_id,
            "owner_id": -community.group_id,
            "title": title,
            "size": len(upload.content),
            "ext": title.rsplit(".", 1)[-1],
            "date": int(time.time()),
            "type": 8,
            "url": "",
        },
    }


def photos_save(community: StandinCommunity, params: dict[str, str]) -> list[dict]:
    try:
        ticket = json.loads(params.get("photo", ""))[0]["ticket"]
    except (ValueError, LookupError, TypeError):
        raise VkError(100, "photo is invalid") from None
    if params.get("hash") != ticket[::-1]:
        raise VkError(100, "hash is invalid")
    media_id, _ = _saved(community, ticket, "photo")
    return [
        {
            "id": media_id,
            "owner_id": -community.group_id,
            "album_id": -3,
            "date": int(time.time()),
            "access_key": secrets.token_hex(9),
            "sizes": [],
            "text": "",
            "has_tags": False,
        }
    ]


METHODS = {
    "messages.send": messages_send,
    "messages.setActivity": messages_set_activity,
    "groups.getLongPollServer": get_long_poll_server,
    "groups.getById": get_by_id,
    "users.get": users_get,
    "groups.getCallbackConfirmationCode": get_confirmation_code,
    "docs.getMessagesUploadServer": docs_upload_server,
    "docs.save": docs_save,
    "photos.getMessagesUploadServer": photos_upload_server,
    "photos.saveMessagesPhoto": photos_save,
}


# -- Bots Long Poll ----------------------------------------------------------------------


async def a_check(standin: VkStandin, group_id: int, params: dict[str, str]) -> dict:
    with standin.lock:
        community = next((c for c in standin.communities.values() if c.group_id == group_id), None)
    if community is None or params.get("act") != "a_check":
        return {"failed": 2}
    try:
        ts = int(params.get("ts", ""))
        wait = min(float(params.get("wait", 25) or 25), 90.0)
    except ValueError:
        return {"failed": 1, "ts": str(community.first_ts + len(community.events))}
    deadline = time.monotonic() + wait
    while True:
        community.changed.clear()
        with standin.lock:
            answer = _check(community, params.get("key", ""), ts)
        remaining = deadline - time.monotonic()
        if answer is not None or remaining <= 0 or standin.released.is_set():
            if answer is None:
                return {"ts": str(ts), "updates": []}
            return answer
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(community.changed.wait(), remaining)


def _check(community: StandinCommunity, key: str, ts: int) -> dict | None:
    current = community.first_ts + len(community.events)
    if community.lp_failure == 1:
        community.lp_failure = None
        return {"failed": 1, "ts": str(current)}
    if community.lp_failure == 3 and key != community.lp_key:
        return {"failed": 3}
    if key != community.lp_key:
        return {"failed": 2}
    if ts < community.first_ts:
        return {"failed": 1, "ts": str(current)}
    if ts >= current:
        return None
    updates = community.events[ts - community.first_ts :]
    return {"ts": str(current), "updates": updates}
