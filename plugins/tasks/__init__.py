"""Tasks (enable it as ``tasks``): tasks and subtasks with checklists, comments, co-executors
and observers, set from appeals or by hand; projects with kanban boards; templates and
recurring series made exactly once per occurrence; rights per role; robots' triggers and
actions; notifications. See docs/tasks.md.

An optional first-party plugin on the public face only. Modules: ``tables``/``piccolo_app``,
``vocabulary`` (statuses, who may move them), ``schemas`` (bodies, views, events), ``rights``,
``store`` (rows), ``creation``, ``changes``, ``parts`` (checklist, comments, links), ``reading``,
``lists``, ``board`` and ``ranks`` (kanban), ``projects``, ``templates``, ``recurrence``,
``deadlines``, ``robot``, ``notices``, ``routes``, ``static/`` (the console). This module holds
only hook implementations.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from unionline import AppealSummary, Event, hookimpl

if TYPE_CHECKING:
    from litestar import Litestar

    from unionline.registry import (
        ConsoleAssetsRegistrar,
        EventsRegistrar,
        JobsRegistrar,
        PermissionsRegistrar,
        RobotsRegistrar,
        RoutesRegistrar,
        TablesRegistrar,
    )

CONSOLE = Path(__file__).parent / "static"


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline.plugins.tasks.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_events(register: EventsRegistrar) -> None:
    from unionline.plugins.tasks.schemas import EVENTS

    register(*EVENTS)


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.plugins.tasks.routes import CONTROLLERS

    register(*CONTROLLERS)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    from unionline.plugins.tasks.rights import PERMISSIONS

    for code, description, roles in PERMISSIONS:
        register(code, description, roles)


@hookimpl
def register_jobs(register: JobsRegistrar) -> None:
    from unionline.plugins.tasks.deadlines import DEADLINES
    from unionline.plugins.tasks.recurrence import OCCURRENCE, RECUR, OccurrencePayload, occurrence

    RECUR.register(register)
    DEADLINES.register(register)
    register(OCCURRENCE, occurrence, payload=OccurrencePayload, max_attempts=20)


@hookimpl
def register_robots(register: RobotsRegistrar) -> None:
    from unionline.plugins.tasks.robot import ACTIONS

    for action in ACTIONS:
        register(action)


@hookimpl
def register_console_assets(register: ConsoleAssetsRegistrar) -> None:
    from unionline.plugins.tasks.console import pages

    register(CONSOLE, "index.js")
    for page in pages():
        register.page(page)


@hookimpl
def runtime_started() -> None:
    from unionline import add_calendar_source, add_personal_data_section, add_subject_source
    from unionline.plugins.tasks.calendar import TaskDeadlines, TaskPeople
    from unionline.plugins.tasks.privacy import TasksSection

    with contextlib.suppress(ValueError):  # a runtime started again keeps the one it has
        add_personal_data_section(TasksSection())
    add_calendar_source(TaskDeadlines())  # deadlines in the meetings plugin's calendar
    add_subject_source(TaskPeople())  # a meeting about a task invites its people


@hookimpl
async def startup(app: Litestar) -> None:
    from unionline.plugins.tasks.deadlines import DEADLINES
    from unionline.plugins.tasks.recurrence import RECUR

    await RECUR.schedule(now=True)
    await DEADLINES.schedule(now=True)


@hookimpl
async def on_event(event: Event) -> None:
    from unionline.plugins.tasks.notices import on_event as notice

    await notice(event)


@hookimpl
async def appeal_merged(source: AppealSummary, target: AppealSummary) -> None:
    """A merged appeal's tasks are the target's."""
    from unionline.plugins.tasks.merged import follow_merge

    await follow_merge(source, target)
