"""Core plugin: the operator console (websocket endpoint and, later, the UI)."""

from __future__ import annotations

from unionline.hookspecs import hookimpl
from unionline.registry import RoutesRegistrar


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.console.routes import console_socket

    register(console_socket)
