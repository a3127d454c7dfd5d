"""Core plugin: the operator console (websocket endpoint and the browser UI)."""

from __future__ import annotations

from typing import Any

from unionline.hookspecs import hookimpl
from unionline.registry import RoutesRegistrar


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.console.outbound import outbound_routes
    from unionline.console.routes import console_socket
    from unionline.console.ui_routes import console_routes

    register(console_socket, *console_routes(), *outbound_routes())


@hookimpl
def runtime_started(runtime: Any) -> None:
    """Operators' presence changes reach the consoles (routing's port, in every process)."""
    from unionline.console.signals import announce_presence
    from unionline.routing.presence import on_presence

    on_presence(announce_presence)
