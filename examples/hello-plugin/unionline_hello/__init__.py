"""unionline-hello: an example third-party Unionline plugin.

This module holds only hook implementations; each one hands over to a module of the package
(settings, tables, routes, jobs, events, robots, cli). Unionline finds it through the entry point
``hello = "unionline_hello"`` in the group ``unionline`` (see pyproject.toml).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from unionline import Event, hookimpl

if TYPE_CHECKING:
    from unionline.registry import (
        CommandsRegistrar,
        EventsRegistrar,
        JobsRegistrar,
        PermissionsRegistrar,
        RobotsRegistrar,
        RoutesRegistrar,
        SettingsRegistrar,
        TablesRegistrar,
    )

__version__ = "0.1.0"


@hookimpl
def register_settings(register: SettingsRegistrar) -> None:
    from unionline_hello.settings import HelloSettings

    register("hello", HelloSettings)


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline_hello.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    from unionline_hello.services import PERMISSION

    register(PERMISSION, "Create and list greetings", ("admin", "supervisor", "operator"))


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline_hello.routes import GreetingsController

    register(GreetingsController)


@hookimpl
def register_jobs(register: JobsRegistrar) -> None:
    from unionline_hello.jobs import DELIVER, DeliverPayload, deliver

    register(DELIVER, deliver, payload=DeliverPayload, max_attempts=5)


@hookimpl
def register_robots(register: RobotsRegistrar) -> None:
    from unionline_hello.robots import Greet

    register(Greet())


@hookimpl
def register_events(register: EventsRegistrar) -> None:
    from unionline_hello.events import GreetingCreated

    register(GreetingCreated)


@hookimpl
def register_commands(register: CommandsRegistrar) -> None:
    from unionline_hello.cli import hello

    register(hello)


@hookimpl
async def on_event(event: Event) -> None:
    from unionline_hello.events import count_event

    await count_event(event)
