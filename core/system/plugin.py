"""Core plugin: the event log and job outbox tables, and the core event types."""

from __future__ import annotations

from unionline.hookspecs import hookimpl
from unionline.registry import EventsRegistrar, TablesRegistrar
from unionline.system.piccolo_app import APP_CONFIG


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    register(APP_CONFIG)


@hookimpl
def register_events(register: EventsRegistrar) -> None:
    from unionline.events import CORE_EVENTS

    register(*CORE_EVENTS)
