"""Core plugin: the working-day calendar's settings, tables, permissions and routes."""

from __future__ import annotations

from unionline.calendar.config import CalendarSettings
from unionline.calendar.piccolo_app import APP_CONFIG
from unionline.hookspecs import hookimpl
from unionline.registry import (
    PermissionsRegistrar,
    RoutesRegistrar,
    SettingsRegistrar,
    TablesRegistrar,
)


@hookimpl
def register_settings(register: SettingsRegistrar) -> None:
    register("calendar", CalendarSettings)


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    register(APP_CONFIG)


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.calendar.routes import CalendarController

    register(CalendarController)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    everyone = ("admin", "supervisor", "operator", "observer")
    register("calendar.read", "See the working-day calendar of the granted subtrees", everyone)
    register(
        "calendar.manage",
        "Set days off, working and shortened days and time zones of organizations",
        ("admin",),
    )
