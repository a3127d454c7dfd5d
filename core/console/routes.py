"""The ``/ws/console`` websocket endpoint."""

from __future__ import annotations

from typing import Any

from litestar import WebSocket, websocket

from unionline.console.hub import hub_of
from unionline.console.protocol import CLOSE_UNAUTHORIZED
from unionline.console.session import ConsoleSession
from unionline.errors import ServiceError
from unionline.runtime import current
from unionline.web import provide_actor


@websocket("/ws/console")
async def console_socket(socket: WebSocket[Any, Any, Any]) -> None:
    """The operator console's realtime channel (see docs/console-protocol.md)."""
    await socket.accept()
    try:
        actor = await provide_actor(socket)
    except ServiceError:
        await socket.close(code=CLOSE_UNAUTHORIZED, reason="authentication required")
        return
    runtime = current()
    session = ConsoleSession(socket, actor, runtime, hub_of(runtime.state))
    await session.run()
