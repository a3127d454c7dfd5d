"""Core plugin: the event log and job outbox tables, the core event types, housekeeping."""

from __future__ import annotations

from typing import Any

from unionline.hookspecs import hookimpl
from unionline.registry import EventsRegistrar, JobsRegistrar, TablesRegistrar
from unionline.system.piccolo_app import APP_CONFIG


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    register(APP_CONFIG)


@hookimpl
def register_events(register: EventsRegistrar) -> None:
    from unionline.events import CORE_EVENTS

    register(*CORE_EVENTS)


@hookimpl
def register_jobs(register: JobsRegistrar) -> None:
    from unionline.system.housekeeping import PURGE

    PURGE.register(register)


@hookimpl
async def startup(app: Any) -> None:
    from unionline.system.housekeeping import PURGE

    await PURGE.schedule()
