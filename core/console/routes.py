"""The ``/ws/console`` websocket endpoint."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import WebSocket, websocket

from unionline.console.hub import hub_of
from unionline.console.protocol import CLOSE_FORBIDDEN_ORIGIN, CLOSE_UNAUTHORIZED
from unionline.console.session import ConsoleSession
from unionline.errors import ServiceError
from unionline.runtime import current
from unionline.web import provide_actor


@websocket("/ws/console")
async def console_socket(socket: WebSocket[Any, Any, Any]) -> None:
    """The operator console's realtime channel (see docs/console-protocol.md)."""
    await socket.accept()
    if not own_origin(socket):
        await socket.close(code=CLOSE_FORBIDDEN_ORIGIN, reason="origin not allowed")
        return
    try:
        actor = await provide_actor(socket)
    except ServiceError:
        await socket.close(code=CLOSE_UNAUTHORIZED, reason="authentication required")
        return
    runtime = current()
    session = ConsoleSession(socket, actor, runtime, hub_of(runtime.state))
    await session.run()


def own_origin(socket: WebSocket[Any, Any, Any]) -> bool:
    """A browser opening the socket from a page of another site is refused: the session cookie
    goes with every websocket handshake, so without this any site an operator visits could
    act in their name (cross-site websocket hijacking). Browsers always send ``Origin``; a
    client without one (an integration with an API token) is not a page and is let through.
    The console's own page has the host the socket is opened on, or ``server.public_url``."""
    origin = socket.headers.get("origin")
    if origin is None:
        return True
    found = urlsplit(origin.strip().lower())
    if found.scheme not in ("http", "https") or not found.netloc:
        return False  # "null" (sandboxed frames, file: pages) and anything else
    host = socket.headers.get("host", "").strip().lower()
    public = urlsplit(current().settings.server.public_url.strip().lower())
    return found.netloc == host or (found.scheme, found.netloc) == (public.scheme, public.netloc)
