"""Core plugin: canned replies — the table, the permissions, the REST API and the
«Шаблоны ответов» admin page (registered with ``register.page`` like any plugin's)."""

from __future__ import annotations

from pathlib import Path

from unionline.hookspecs import hookimpl
from unionline.registry import (
    ConsoleAssetsRegistrar,
    ConsolePage,
    PermissionsRegistrar,
    RoutesRegistrar,
    TablesRegistrar,
)


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline.canned.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    register(
        "canned.read",
        "Use the shared canned replies of one's organizations and keep one's own",
        ("admin", "supervisor", "operator"),
    )
    register(
        "canned.manage",
        "Create, change and delete an organization's shared canned replies",
        ("admin", "supervisor"),
    )


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.canned.routes import CannedController

    register(CannedController)


@hookimpl
def register_console_assets(register: ConsoleAssetsRegistrar) -> None:
    register(Path(__file__).parent / "static", None)
    register.page(
        ConsolePage(
            id="canned",
            section="admin",
            title_ru="Шаблоны ответов",
            title_en="Canned replies",
            permission="canned.manage",
            element="ul-admin-canned",
            module="canned.js",
            order=50,
        )
    )
