"""Core plugin: the operator's workspace — notifications inbox and saved filters."""

from __future__ import annotations

from unionline.events import Event
from unionline.hookspecs import hookimpl
from unionline.registry import EventsRegistrar, RoutesRegistrar, TablesRegistrar
from unionline.workspace.piccolo_app import APP_CONFIG


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    register(APP_CONFIG)


@hookimpl
def register_events(register: EventsRegistrar) -> None:
    from unionline.workspace.events import Notified

    register(Notified)


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.workspace.routes import NotificationController, SavedFilterController

    register(NotificationController, SavedFilterController)


@hookimpl
async def on_event(event: Event) -> None:
    from unionline.workspace.reactions import on_event as react

    await react(event)
