"""Core plugin: the operator console (websocket endpoint and the browser UI)."""

from __future__ import annotations

from unionline.hookspecs import hookimpl
from unionline.registry import RoutesRegistrar


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.console.routes import console_socket
    from unionline.console.ui_routes import console_routes

    register(console_socket, *console_routes())
