"""The widget's HTTP and websocket routes, and the script itself.

* ``GET /widget/chat.js`` — the widget (``widgets/chat/chat.js``, shipped as package data);
* ``WS /widget/{key}/ws`` — a visitor's connection (``visitor_socket``);
* ``POST /widget/{key}/files`` — a visitor's file (multipart ``file`` and ``token``);
* ``GET /widget/{key}/files/{id}?token=`` — a file an operator sent to this visitor;
* ``POST /widget/{key}/messages`` — a message or receipt over plain HTTP (no websocket).

Cross-origin: the pages embedding the widget are on the union's site, not ours. Every route
checks ``Origin`` against the widget's ``allowed_origins`` (browsers always send it on these
requests) and answers allowed origins with ``Access-Control-Allow-Origin``; the upload is a
"simple" multipart request, so no preflight is involved.
"""

from __future__ import annotations

import functools
import importlib.resources
import uuid
from typing import Any
from urllib.parse import quote

import msgspec
from litestar import Request, Response, WebSocket, get, post, websocket
from litestar.params import FromPath, FromQuery

from unionline import Forbidden, Invalid, NotFound, ServiceError, Unauthorized
from unionline.channel import find_account, stored_attachment, to_request
from unionline.channels.web import conversation, uploads
from unionline.channels.web.channel import NAME, origin_allowed
from unionline.channels.web.intake import take_in
from unionline.channels.web.sessions import live_visitor
from unionline.channels.web.visitor_socket import serve_visitor
from unionline.web import service_error

UPLOAD_BODY_LIMIT = 64 * 1024 * 1024  # the widget's own limit applies on top of this


@functools.cache
def _script() -> bytes:
    return importlib.resources.files("unionline.widgets.chat").joinpath("chat.js").read_bytes()


@get("/widget/chat.js", tags=["widget"], include_in_schema=False)
async def chat_script() -> Response[bytes]:
    """The chat widget; a site embeds it with one script tag (see docs/channels/web.md)."""
    return Response(
        content=_script(),
        media_type="text/javascript; charset=utf-8",
        headers={
            "Cache-Control": "public, max-age=300",
            "X-Content-Type-Options": "nosniff",
            "Cross-Origin-Resource-Policy": "cross-origin",
        },
    )


@websocket("/widget/{key:str}/ws")
async def widget_socket(socket: WebSocket[Any, Any, Any], key: FromPath[str]) -> None:
    """A visitor's realtime connection (frames: docs/channels/web.md)."""
    await serve_visitor(socket, key)


def _cors(response: Response[Any], origin: str) -> Response[Any]:
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Vary"] = "Origin"
    return response


async def _widget(key: str, origin: str) -> Any:
    account = await find_account(NAME, key)
    if account is None or account.status != "active":
        raise NotFound(f"no widget {key!r}", field="key")
    if not origin_allowed(account.config, origin):
        raise Forbidden(
            f"this widget does not run on {origin or 'pages without an Origin'}", field="Origin"
        )
    return account


async def _answer(request: Request[Any, Any, Any], origin: str, work: Any) -> Response[Any]:
    try:
        return _cors(await work(), origin)
    except ServiceError as exc:
        response = service_error(request, exc)
        return _cors(response, origin) if exc.field != "Origin" else response


async def _visitor_key(account: Any, token: str) -> str:
    if not token:
        raise Unauthorized("the visitor token is missing", field="token")
    visitor = await live_visitor(account, token)
    if visitor is None:
        raise Forbidden(
            "the visitor token is not valid for this widget, or has expired", field="token"
        )
    return conversation.visitor_key(account.id, visitor)


@post(
    "/widget/{key:str}/files",
    status_code=201,
    exclude_from_csrf=True,
    request_max_body_size=UPLOAD_BODY_LIMIT,
    tags=["widget"],
)
async def widget_upload(request: Request[Any, Any, Any], key: FromPath[str]) -> Response[Any]:
    """A visitor's file (multipart fields ``file`` and ``token``); send its ``id`` in the
    message's ``files``. Too big or of a type the widget does not take: 422 naming ``file``."""
    origin = request.headers.get("origin", "")

    async def work() -> Response[Any]:
        account = await _widget(key, origin)
        form = await request.form()
        visitor_key = await _visitor_key(account, str(form.get("token") or ""))
        file = form.get("file")
        if file is None or isinstance(file, str):
            raise Invalid("attach the file as the multipart field 'file'", field="file")
        data = await file.read()
        ref = await uploads.store(
            account.config, account.id, visitor_key, file.filename, file.content_type, data
        )
        return Response(content=ref, status_code=201)

    return await _answer(request, origin, work)


@get("/widget/{key:str}/files/{file_id:uuid}", tags=["widget"])
async def widget_download(
    request: Request[Any, Any, Any],
    key: FromPath[str],
    file_id: FromPath[uuid.UUID],
    token: FromQuery[str] = "",
) -> Response[Any]:
    """A file an operator sent to this visitor (downloaded, never shown as a page of ours)."""
    account = await find_account(NAME, key)
    if account is None or account.status != "active":
        raise NotFound(f"no widget {key!r}", field="key")
    visitor_key = await _visitor_key(account, token)
    if not await conversation.has_file(visitor_key, str(file_id)):
        raise NotFound("no such file in this conversation", field="file_id")
    stored = await stored_attachment(file_id)
    if stored is None:
        raise NotFound("no such file in this conversation", field="file_id")
    view, content = stored
    name = view.filename
    fallback = name.encode("ascii", "replace").decode().replace("?", "_")
    return Response(
        content=content,
        media_type=view.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{fallback}"; '
            f"filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )


@post("/widget/{key:str}/messages", status_code=200, exclude_from_csrf=True, tags=["widget"])
async def widget_messages(request: Request[Any, Any, Any], key: FromPath[str]) -> Response[Any]:
    """A visitor's message or receipt over HTTP (``Authorization: Bearer <visitor token>``,
    body as the websocket frame). A resend with the same message ``id`` is stored once."""
    origin = request.headers.get("origin", "")

    async def work() -> Response[Any]:
        account = await find_account(NAME, key)
        if account is None or account.status != "active":
            raise NotFound(f"no widget {key!r}", field="key")
        result, acks = await take_in(account, await to_request(request))
        body: dict[str, Any] = {"ok": True, "messages": [msgspec.to_builtins(a) for a in acks]}
        if result.unsupported:
            body["unsupported"] = result.unsupported
        return Response(content=body, status_code=200)

    return await _answer(request, origin, work)


ROUTES = (chat_script, widget_socket, widget_upload, widget_download, widget_messages)
