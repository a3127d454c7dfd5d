"""Core plugin: routing tables, settings, permissions, events, jobs, routes, the event
listener that drives the engine, and the ``unionline demo`` command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from unionline.events import Event
from unionline.hookspecs import hookimpl
from unionline.registry import (
    ConsoleAssetsRegistrar,
    ConsolePage,
    EventsRegistrar,
    JobsRegistrar,
    PermissionsRegistrar,
    RoutesRegistrar,
    SettingsRegistrar,
    TablesRegistrar,
)
from unionline.routing.config import RoutingSettings


@hookimpl
def register_settings(register: SettingsRegistrar) -> None:
    register("routing", RoutingSettings)


@hookimpl
def runtime_started(runtime: Any) -> None:
    """A hand-opened appeal's queue is checked as a transfer's, in every process."""
    from unionline.appeals.ports import use_queues
    from unionline.routing.flows import AppealQueues

    use_queues(AppealQueues())


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline.routing.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_events(register: EventsRegistrar) -> None:
    from unionline.routing.events import ROUTING_EVENTS

    register(*ROUTING_EVENTS)


@hookimpl
def register_jobs(register: JobsRegistrar) -> None:
    from unionline.routing import jobs

    jobs.register(register)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    register(
        "routing.read",
        "See queues and the presence of operators",
        ("admin", "supervisor", "operator", "observer"),
    )
    register(
        "routing.manage",
        "Create and change queues; set other operators online or away",
        ("admin", "supervisor"),
    )
    register(
        "routing.monitor",
        "See live load per operator, queue lengths and waiting times",
        ("admin", "supervisor", "observer"),
    )


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.routing.routes import PresenceController, QueueController, RoutingController

    register(QueueController, PresenceController, RoutingController)


@hookimpl
def register_console_assets(register: ConsoleAssetsRegistrar) -> None:
    register(Path(__file__).parent / "static", None)
    register.page(
        ConsolePage(
            id="queues",
            section="admin",
            title_ru="Очереди",
            title_en="Queues",
            permission="routing.manage",
            element="ul-admin-queues",
            module="queues.js",
            order=40,
        )
    )


@hookimpl
async def startup(app: Any) -> None:
    from unionline.routing.jobs import SWEEP

    await SWEEP.schedule()


@hookimpl
async def shutdown(app: Any) -> None:
    from unionline.routing import presence

    await presence.stop()


@hookimpl
async def on_event(event: Event) -> None:
    from unionline.routing.jobs import on_event as react

    await react(event)
