"""Core plugin: the administration API and the core's own admin pages (Организации, Операторы,
Плагины), registered with the same ``register.page`` a third-party plugin uses."""

from __future__ import annotations

from pathlib import Path

from unionline.hookspecs import hookimpl
from unionline.registry import (
    ConsoleAssetsRegistrar,
    ConsolePage,
    PermissionsRegistrar,
    RoutesRegistrar,
)


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.admin.routes import (
        JobsController,
        OrganizationCountsController,
        PluginsController,
    )

    register(PluginsController, JobsController, OrganizationCountsController)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    register("plugins.read", "List installed and enabled plugins", ("admin",))
    register("jobs.manage", "List jobs, retry and discard dead letters", ("admin",))


PAGES = (
    ConsolePage(
        id="organizations",
        section="admin",
        title_ru="Организации",
        title_en="Organizations",
        permission="organizations.manage",
        element="ul-admin-organizations",
        module="organizations.js",
        order=10,
    ),
    ConsolePage(
        id="operators",
        section="admin",
        title_ru="Операторы",
        title_en="Operators",
        permission="operators.manage",
        element="ul-admin-operators",
        module="operators.js",
        order=20,
    ),
    ConsolePage(
        id="plugins",
        section="admin",
        title_ru="Плагины",
        title_en="Plugins",
        permission="plugins.read",
        element="ul-admin-plugins",
        module="plugins.js",
        order=90,
        federation_wide=True,
    ),
)


@hookimpl
def register_console_assets(register: ConsoleAssetsRegistrar) -> None:
    register(Path(__file__).parent / "static", None)
    for page in PAGES:
        register.page(page)
