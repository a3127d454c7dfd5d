"""Timekeeping (enable it as ``timekeeping``): the workday — start, break, continue, finish —
from the console header, the API and robots, closed automatically when left open; the workday
drives routing through the ``routing_holds`` hook; schedules (fixed, shifts, flexible) over
the working-day calendar; absences with their T-13 codes; the monthly T-13 time sheet (XLSX and
printable); violations and the live team view for the supervisor. See docs/timekeeping.md.

An optional first-party plugin on the public face only. Modules: ``codes`` (the T-13 codes as
data), ``tables``/``piccolo_app``, ``schemas``, ``settings`` (the console form), ``rights``,
``staff`` (who is kept, their zone and schedule), ``schedules`` (what a day plans), ``workday``
(the day's actions, closing left days), ``reading`` (days as the API shows them),
``corrections``, ``holds`` (routing), ``absences`` (and iCalendar), ``sheet`` (the time sheet's
numbers), ``xlsx`` and ``printable``, ``violations``, ``team`` (who is where now), ``notices``,
``metrics`` (worked hours in the reports), ``robot``, ``routes``, ``static/`` (the console).
This module holds only hook implementations.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from unionline import hookimpl

if TYPE_CHECKING:
    from litestar import Litestar

    from unionline import RoutingHold
    from unionline.registry import (
        ConsoleAssetsRegistrar,
        EventsRegistrar,
        JobsRegistrar,
        PermissionsRegistrar,
        RobotsRegistrar,
        RoutesRegistrar,
        SettingsRegistrar,
        TablesRegistrar,
    )

CONSOLE = Path(__file__).parent / "static"


@hookimpl
def register_settings(register: SettingsRegistrar) -> None:
    from unionline.plugins.timekeeping.schemas import TimekeepingSettings

    register("timekeeping", TimekeepingSettings)


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline.plugins.timekeeping.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_events(register: EventsRegistrar) -> None:
    from unionline.plugins.timekeeping.schemas import EVENTS

    register(*EVENTS)


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.plugins.timekeeping.routes import CONTROLLERS

    register(*CONTROLLERS)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    from unionline.plugins.timekeeping.rights import PERMISSIONS

    for code, description, roles in PERMISSIONS:
        register(code, description, roles)


@hookimpl
def register_jobs(register: JobsRegistrar) -> None:
    from unionline.plugins.timekeeping.absences import EDGE_JOB, AbsenceEdge, edge
    from unionline.plugins.timekeeping.workday import CLOSER

    CLOSER.register(register)
    register(EDGE_JOB, edge, payload=AbsenceEdge, max_attempts=20)


@hookimpl
def register_robots(register: RobotsRegistrar) -> None:
    from unionline.plugins.timekeeping.robot import ACTIONS

    for action in ACTIONS:
        register(action)


@hookimpl
def register_console_assets(register: ConsoleAssetsRegistrar) -> None:
    from unionline.plugins.timekeeping.console import pages
    from unionline.plugins.timekeeping.settings import FORM

    register(CONSOLE, "index.js")
    for page in pages():
        register.page(page)
    register.settings(FORM)


@hookimpl
def runtime_started() -> None:
    from unionline import add_calendar_source, add_metric_source
    from unionline.plugins.timekeeping.calendar import Absences
    from unionline.plugins.timekeeping.metrics import WorkedHours

    add_metric_source(WorkedHours())
    add_calendar_source(Absences())  # approved absences in the meetings plugin's calendar


@hookimpl
async def startup(app: Litestar) -> None:
    from unionline.plugins.timekeeping.workday import CLOSER

    await CLOSER.schedule(now=True)


@hookimpl
async def routing_holds(
    operator_ids: list[uuid.UUID], at: datetime
) -> dict[uuid.UUID, RoutingHold] | None:
    from unionline.plugins.timekeeping.holds import holds

    return await holds(operator_ids, at)
