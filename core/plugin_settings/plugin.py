"""Core plugin: settings forms of plugins, edited in the admin area (its «Настройки» page)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from unionline.hookspecs import hookimpl
from unionline.plugin_settings.piccolo_app import APP_CONFIG
from unionline.registry import (
    ConsoleAssetsRegistrar,
    ConsolePage,
    EventsRegistrar,
    PermissionsRegistrar,
    RoutesRegistrar,
    TablesRegistrar,
)


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    register(APP_CONFIG)


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.plugin_settings.routes import SettingsController

    register(SettingsController)


@hookimpl
def register_events(register: EventsRegistrar) -> None:
    from unionline.plugin_settings.schemas import SettingsChanged

    register(SettingsChanged)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    register("settings.manage", "See and change plugins' settings forms", ("admin",))


@hookimpl
def register_console_assets(register: ConsoleAssetsRegistrar) -> None:
    register(Path(__file__).parent / "static", None)
    register.page(
        ConsolePage(
            id="settings",
            section="admin",
            title_ru="Настройки",
            title_en="Settings",
            permission="settings.manage",
            element="ul-admin-settings",
            module="settings.js",
            order=80,
            federation_wide=True,
        )
    )


@hookimpl
def runtime_started(runtime: Any) -> None:
    """Remember when this process started: a restart field saved later waits for a restart."""
    from unionline.plugin_settings.services import STARTED

    runtime.state[STARTED] = datetime.now(UTC)
