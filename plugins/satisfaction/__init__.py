"""Satisfaction (enable it as ``satisfaction``): the member's 1–5 rating of a resolved appeal,
asked by a robot on the member's own channel, and a supervisor's own 1–5 rating beside it; both
reported per operator.

An optional first-party plugin built on the public API only, the pattern the feature plugins
follow: its table exists only where it is enabled, its REST API, permissions, event, robot action
(with its ready rule template) and console elements come through the same hooks a third party
uses. Modules: ``tables``/``piccolo_app`` (the survey table), ``schemas``, ``services``,
``rating`` (reading "5" or "пять" in a reply), ``robot`` (the ``satisfaction.survey`` action),
``metrics`` (CSAT in the reports), ``routes``, ``static/`` (the report and an appeal's ratings
in the console). This module holds only hook implementations. See docs/satisfaction.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from unionline import AppealSummary, hookimpl

if TYPE_CHECKING:
    from unionline.registry import (
        ConsoleAssetsRegistrar,
        EventsRegistrar,
        PermissionsRegistrar,
        RobotsRegistrar,
        RoutesRegistrar,
        TablesRegistrar,
    )

CONSOLE = Path(__file__).parent / "static"  # the console code (package data)


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline.plugins.satisfaction.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_events(register: EventsRegistrar) -> None:
    from unionline.plugins.satisfaction.schemas import SatisfactionRated

    register(SatisfactionRated)


@hookimpl
def register_robots(register: RobotsRegistrar) -> None:
    from unionline.plugins.satisfaction.robot import Survey

    register(Survey())


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.plugins.satisfaction.routes import SatisfactionController

    register(SatisfactionController)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    register(
        "satisfaction.read",
        "See satisfaction ratings of appeals and the per-operator report",
        ("admin", "supervisor"),
    )
    register(
        "satisfaction.rate",
        "Give an appeal the supervisor's own 1–5 rating",
        ("admin", "supervisor"),
    )


@hookimpl
def register_console_assets(register: ConsoleAssetsRegistrar) -> None:
    register(CONSOLE, "index.js")


@hookimpl
def runtime_started(runtime: Any) -> None:
    """CSAT and the average ratings in the reports (when the reports plugin is enabled)."""
    from unionline import add_metric_source
    from unionline.plugins.satisfaction.metrics import SatisfactionMetrics

    add_metric_source(SatisfactionMetrics())


@hookimpl
async def claim_member_reply(appeal: AppealSummary, text: str) -> dict[str, Any] | None:
    from unionline.plugins.satisfaction.services import claim

    return await claim(appeal, text)
