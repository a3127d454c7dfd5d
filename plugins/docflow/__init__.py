"""Docflow (enable it as ``docflow``): document kinds with requisites as data, cards with files
and links, registration journals numbered in the registering transaction, approval routes with
working-day deadlines, .docx templates and processes that start from a site form. See
docs/docflow.md.

An optional first-party plugin on the public face only. Modules: ``tables``/``piccolo_app``,
``schemas``, ``rights``, ``store``, ``catalog`` (kinds, journals), ``documents``, ``files``,
``numbering`` and ``registration``, ``routing`` (routes and decisions), ``deadlines``,
``lists``, ``docx`` and ``templates``, ``processes``, ``robot``, ``notices``, ``privacy``,
``calendar``, ``routes``, ``console`` and ``static/``. This module holds only hook implementations.
"""

from __future__ import annotations

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
        SettingsRegistrar,
        TablesRegistrar,
    )

CONSOLE = Path(__file__).parent / "static"


@hookimpl
def register_settings(register: SettingsRegistrar) -> None:
    from unionline.plugins.docflow.settings import DocflowSettings

    register("docflow", DocflowSettings)


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline.plugins.docflow.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_events(register: EventsRegistrar) -> None:
    from unionline.plugins.docflow.schemas import EVENTS

    register(*EVENTS)


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.plugins.docflow.routes import CONTROLLERS

    register(*CONTROLLERS)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    from unionline.plugins.docflow.rights import PERMISSIONS

    for code, description, roles in PERMISSIONS:
        register(code, description, roles)


@hookimpl
def register_jobs(register: JobsRegistrar) -> None:
    from unionline.plugins.docflow.deadlines import DEADLINES
    from unionline.plugins.docflow.processes import (
        START,
        NoticePayload,
        StartPayload,
        notify_member,
        start_from_form,
    )
    from unionline.plugins.docflow.routing import NOTIFY

    DEADLINES.register(register)
    register(START, start_from_form, payload=StartPayload, max_attempts=10)
    register(NOTIFY, notify_member, payload=NoticePayload, max_attempts=20)


@hookimpl
def register_robots(register: RobotsRegistrar) -> None:
    from unionline.plugins.docflow.robot import ACTIONS

    for action in ACTIONS:
        register(action)


@hookimpl
def register_console_assets(register: ConsoleAssetsRegistrar) -> None:
    from unionline.plugins.docflow.console import pages, settings_form

    register(CONSOLE, "index.js")
    for page in pages():
        register.page(page)
    register.settings(settings_form())


@hookimpl
def runtime_started() -> None:
    from unionline import add_calendar_source, add_personal_data_section, add_subject_source
    from unionline.plugins.docflow.calendar import DocumentPeople, StepDeadlines
    from unionline.plugins.docflow.privacy import DocflowSection

    add_personal_data_section(DocflowSection())
    add_calendar_source(StepDeadlines())  # steps' deadlines in the meetings plugin's calendar
    add_subject_source(DocumentPeople())  # a meeting about a document invites its people


@hookimpl
async def startup(app: Litestar) -> None:
    from unionline.plugins.docflow.deadlines import DEADLINES

    await DEADLINES.schedule(now=True)


@hookimpl
async def on_event(event: Event) -> None:
    from unionline.plugins.docflow.notices import on_event as notify
    from unionline.plugins.docflow.processes import on_event as start_processes

    await start_processes(event)
    await notify(event)


@hookimpl
async def appeal_merged(source: AppealSummary, target: AppealSummary) -> None:
    """A merged appeal's documents are the target's."""
    from unionline.plugins.docflow.merged import follow_merge

    await follow_merge(source, target)
