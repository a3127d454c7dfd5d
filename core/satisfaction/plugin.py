"""Core plugin: the survey table, its robot action, the member-rating hook, API, permissions."""

from __future__ import annotations

from typing import Any

from unionline.appeals.schemas import AppealSummary
from unionline.hookspecs import hookimpl
from unionline.registry import (
    EventsRegistrar,
    PermissionsRegistrar,
    RobotsRegistrar,
    RoutesRegistrar,
    TablesRegistrar,
)


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline.satisfaction.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_events(register: EventsRegistrar) -> None:
    from unionline.satisfaction.schemas import SatisfactionRated

    register(SatisfactionRated)


@hookimpl
def register_robots(register: RobotsRegistrar) -> None:
    from unionline.satisfaction.robot import Survey

    register(Survey())


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.satisfaction.routes import SatisfactionController

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
async def claim_member_reply(appeal: AppealSummary, text: str) -> dict[str, Any] | None:
    from unionline.satisfaction.services import claim

    return await claim(appeal, text)
