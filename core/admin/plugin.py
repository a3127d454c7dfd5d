"""Core plugin: the administration API."""

from __future__ import annotations

from unionline.hookspecs import hookimpl
from unionline.registry import PermissionsRegistrar, RoutesRegistrar


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.admin.routes import JobsController, PluginsController

    register(PluginsController, JobsController)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    register("plugins.read", "List installed and enabled plugins", ("admin",))
    register("jobs.manage", "List jobs, retry and discard dead letters", ("admin",))
