"""Campaigns (enable it as ``campaigns``): the consent register (member × channel × purpose,
with the text shown, source, evidence and withdrawal), segments of members evaluated in SQL,
campaigns with per-channel messages sent exactly once per member, one-click unsubscribe and
statistics. See docs/campaigns.md.

An optional first-party plugin on the public face only. Modules: ``tables``/``piccolo_app``,
``consent`` (the register), ``segments`` (filters compiled to SQL), ``render`` (variables,
plural forms, previews), ``campaigns`` (editing, start, pause, resume, cancel), ``sending``
(the claiming worker), ``funnels`` (steps a trigger fills: not opened, dates), ``unsubscribe``
(signed links, one-click), ``receipts`` (providers' delivery receipts), ``stats`` (replies),
``metrics`` (the reports' columns), ``routes``, ``static/`` (the console). This module holds
only hook implementations.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from unionline import AppealSummary, Event, hookimpl

if TYPE_CHECKING:
    from litestar import Litestar

    from unionline.registry import (
        ConsoleAssetsRegistrar,
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
    from unionline.plugins.campaigns.settings import CampaignsSettings

    register("campaigns", CampaignsSettings)


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline.plugins.campaigns.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.plugins.campaigns.routes import HANDLERS

    register(*HANDLERS)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    from unionline.plugins.campaigns.rights import PERMISSIONS

    for code, description, roles in PERMISSIONS:
        register(code, description, roles)


@hookimpl
def register_jobs(register: JobsRegistrar) -> None:
    from unionline.plugins.campaigns.funnels import FUNNELS
    from unionline.plugins.campaigns.retention import RETENTION
    from unionline.plugins.campaigns.schedule import START_JOB, StartPayload, start_scheduled
    from unionline.plugins.campaigns.sending import SEND_JOB, SendPayload, send_job

    RETENTION.register(register)
    FUNNELS.register(register)
    register(SEND_JOB, send_job, payload=SendPayload, max_attempts=1000)
    register(START_JOB, start_scheduled, payload=StartPayload, max_attempts=20)


@hookimpl
def register_robots(register: RobotsRegistrar) -> None:
    from unionline.plugins.campaigns.robot import ACTIONS

    for action in ACTIONS:
        register(action)


@hookimpl
def register_console_assets(register: ConsoleAssetsRegistrar) -> None:
    from unionline.plugins.campaigns.console import pages

    register(CONSOLE, None)
    for page in pages():
        register.page(page)


@hookimpl
async def startup(app: Litestar) -> None:
    from unionline.plugins.campaigns.funnels import FUNNELS
    from unionline.plugins.campaigns.retention import RETENTION

    await RETENTION.schedule(now=True)
    await FUNNELS.schedule(now=True)


@hookimpl
def runtime_started() -> None:
    import contextlib

    from unionline import add_metric_source, add_personal_data_section
    from unionline.channel import add_receipt_listener
    from unionline.plugins.campaigns.metrics import CampaignMetrics
    from unionline.plugins.campaigns.privacy import CampaignsSection
    from unionline.plugins.campaigns.receipts import on_receipt

    add_receipt_listener("campaigns", on_receipt)
    add_metric_source(CampaignMetrics())

    with contextlib.suppress(ValueError):  # a runtime started again keeps the one it has
        add_personal_data_section(CampaignsSection())


@hookimpl
async def on_event(event: Event) -> None:
    from unionline.plugins.campaigns.listeners import on_event as listen

    await listen(event)


@hookimpl
async def appeal_merged(source: AppealSummary, target: AppealSummary) -> None:
    from unionline.plugins.campaigns.listeners import follow_merge

    await follow_merge(source.id, target.id)
