"""Reports (enable it as ``reports``): first response, resolution, SLA, backlog, transfers and
load by organization subtree, operator and channel — one set of definitions, one query layer
behind the console dashboard, the API, the XLSX/CSV exports and the scheduled e-mails.

Modules: ``metrics`` (the definitions: what an appeal adds to each day's rollup cell),
``rollup`` (kept from events within seconds; the rebuild), ``query`` (the one query layer),
``sources`` (other plugins' metrics), ``exports`` (XLSX streamed, CSV), ``schedules`` (e-mailed
once per period), ``routes``, ``cli`` (``unionline reports rebuild``), ``static/`` (the
console's «Отчёты» page). This module holds only hook implementations. See docs/reports.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from unionline import Event, hookimpl

if TYPE_CHECKING:
    from unionline.registry import (
        CommandsRegistrar,
        ConsoleAssetsRegistrar,
        JobsRegistrar,
        PermissionsRegistrar,
        RoutesRegistrar,
        TablesRegistrar,
    )

CONSOLE = Path(__file__).parent / "static"


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline.plugins.reports.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.plugins.reports.routes import ReportsController

    register(ReportsController)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    register(
        "reports.read",
        "See the reports of one's organizations: dashboards, exports, the appeals behind a number",
        ("admin", "supervisor"),
    )
    register(
        "reports.manage",
        "Schedule reports by e-mail; rebuild the rollup (over the whole federation)",
        ("admin", "supervisor"),
    )


@hookimpl
def register_jobs(register: JobsRegistrar) -> None:
    from unionline.plugins.reports.rollup import CATCH_UP
    from unionline.plugins.reports.schedules import SCHEDULES, SEND, SendPayload, send

    CATCH_UP.register(register)
    SCHEDULES.register(register)
    register(SEND, send, payload=SendPayload, max_attempts=10)


@hookimpl
async def startup(app: Any) -> None:
    from unionline.plugins.reports.rollup import CATCH_UP
    from unionline.plugins.reports.schedules import SCHEDULES

    await CATCH_UP.schedule(now=True)
    await SCHEDULES.schedule()


@hookimpl
async def on_event(event: Event) -> None:
    from unionline.plugins.reports.rollup import on_event as count

    await count(event)


@hookimpl
def register_commands(register: CommandsRegistrar) -> None:
    from unionline.plugins.reports.cli import reports

    register(reports)


@hookimpl
def register_console_assets(register: ConsoleAssetsRegistrar) -> None:
    from unionline.registry import ConsolePage

    register(CONSOLE, None)
    register.page(
        ConsolePage(
            id="reports",
            section="work",
            title_ru="Отчёты",
            title_en="Reports",
            permission="reports.read",
            element="ul-reports",
            module="reports.js",
            order=40,
        )
    )
