"""Meetings (enable it as ``meetings``): video meetings on the platforms unions run or rent
(Jitsi Meet with JWT, BigBlueButton, a fixed link, or a third party's provider), held from an
appeal («Видеозвонок»), a task, a document or the calendar; each participant's own link
(moderator for staff, guest for members), the member's on their own channel with the time in
their zone; iCalendar invitations; reminders; a personal and team calendar with free/busy;
robots' triggers and actions. See docs/meetings.md.

An optional first-party plugin on the public face only. Modules: ``tables``/``piccolo_app``,
``settings``, ``providers`` (the registry), ``jitsi``, ``bbb``, ``schemas``, ``rights``,
``store``, ``people``, ``links``, ``services``, ``reading``, ``notices``, ``texts``, ``ical``,
``calendar``, ``clock``, ``robot``, ``privacy``, ``routes``, ``console``, ``static/``. This
module holds only hook implementations.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from unionline import AppealSummary, hookimpl

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
    from unionline.plugins.meetings.settings import MeetingsSettings

    register("meetings", MeetingsSettings)


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline.plugins.meetings.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_events(register: EventsRegistrar) -> None:
    from unionline.plugins.meetings.schemas import EVENTS

    register(*EVENTS)


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.plugins.meetings.routes import CONTROLLERS

    register(*CONTROLLERS)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    from unionline.plugins.meetings.rights import PERMISSIONS

    for code, description, roles in PERMISSIONS:
        register(code, description, roles)


@hookimpl
def register_jobs(register: JobsRegistrar) -> None:
    from unionline.plugins.meetings.clock import CLOCK
    from unionline.plugins.meetings.notices import (
        MAIL,
        REMIND,
        MailPayload,
        RemindPayload,
        mail_job,
        remind_job,
    )

    CLOCK.register(register)
    register(MAIL, mail_job, payload=MailPayload, max_attempts=20)
    register(REMIND, remind_job, payload=RemindPayload, max_attempts=20)


@hookimpl
def register_robots(register: RobotsRegistrar) -> None:
    from unionline.plugins.meetings.robot import ACTIONS

    for action in ACTIONS:
        register(action)


@hookimpl
def register_console_assets(register: ConsoleAssetsRegistrar) -> None:
    from unionline.plugins.meetings.console import pages
    from unionline.plugins.meetings.settings import FORM

    register(CONSOLE, "index.js")
    for page in pages():
        register.page(page)
    register.settings(FORM)


@hookimpl
def runtime_started() -> None:
    from unionline import add_personal_data_section
    from unionline.plugins.meetings.privacy import MeetingsSection

    with contextlib.suppress(ValueError):  # a runtime started again keeps the one it has
        add_personal_data_section(MeetingsSection())


@hookimpl
async def startup(app: Litestar) -> None:
    from unionline.plugins.meetings.clock import CLOCK

    await CLOCK.schedule(now=True)


@hookimpl
async def appeal_merged(source: AppealSummary, target: AppealSummary) -> None:
    from unionline.plugins.meetings.store import follow_merge

    await follow_merge(source.id, target.id)
