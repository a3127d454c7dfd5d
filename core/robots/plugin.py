"""Core plugin: robot tables, settings, permissions, events, jobs, routes, the core actions,
and the event listener that fires rules."""

from __future__ import annotations

import logging
from typing import Any

from unionline.events import Event
from unionline.hookspecs import hookimpl
from unionline.registry import (
    EventsRegistrar,
    JobsRegistrar,
    PermissionsRegistrar,
    RobotsRegistrar,
    RoutesRegistrar,
    SettingsRegistrar,
    TablesRegistrar,
)

log = logging.getLogger("unionline.robots")


@hookimpl
def register_settings(register: SettingsRegistrar) -> None:
    from unionline.robots.config import RobotsSettings

    register("robots", RobotsSettings)


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline.robots.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_events(register: EventsRegistrar) -> None:
    from unionline.robots.events import ROBOT_EVENTS

    register(*ROBOT_EVENTS)


@hookimpl
def register_jobs(register: JobsRegistrar) -> None:
    from unionline.robots import jobs

    jobs.register(register)


@hookimpl
def register_robots(register: RobotsRegistrar) -> None:
    try:
        from unionline.robots.actions import CORE_ACTIONS
    except ImportError:  # the core actions are being written alongside the engine
        log.warning("unionline.robots.actions is missing: no core robot actions")
        return
    for action in CORE_ACTIONS:
        register(action)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    register(
        "robots.read",
        "See automation rules, the actions they may use and the rules log",
        ("admin", "supervisor", "observer"),
    )
    register(
        "robots.manage",
        "Create, change, enable, disable, delete and dry-run automation rules",
        ("admin", "supervisor"),
    )


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.robots.routes import RobotController

    register(RobotController)


@hookimpl
async def startup(app: Any) -> None:
    from unionline.robots.jobs import SWEEP

    await SWEEP.schedule(now=True)


@hookimpl
async def on_event(event: Event) -> None:
    from unionline.robots.engine import on_event as react

    await react(event)
