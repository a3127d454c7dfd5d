"""Core plugin: the stored plugin choices (table, switch API, its permission) and the record
of running processes with the plugins each started with."""

from __future__ import annotations

from typing import Any

from unionline.hookspecs import hookimpl
from unionline.plugin_choices.piccolo_app import APP_CONFIG
from unionline.registry import PermissionsRegistrar, RoutesRegistrar, TablesRegistrar


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    register(APP_CONFIG)


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.plugin_choices.routes import list_processes, switch_plugin

    register(switch_plugin, list_processes)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    register(
        "plugins.manage",
        "Switch optional plugins on or off (applies when the server restarts)",
        ("admin",),
    )


@hookimpl
async def runtime_started(runtime: Any) -> None:
    """Record this process and the plugins it started with (see processes.py)."""
    from unionline.plugin_choices.processes import announce

    await announce(runtime)


@hookimpl
async def startup(app: Any) -> None:
    from unionline.plugin_choices.processes import mark

    await mark(app.state.runtime, "web")
