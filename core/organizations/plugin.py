"""Core plugin: the federation tree."""

from __future__ import annotations

from typing import Any

from unionline.access import use_subtree_ids
from unionline.hookspecs import hookimpl
from unionline.organizations.piccolo_app import APP_CONFIG
from unionline.registry import PermissionsRegistrar, RoutesRegistrar, TablesRegistrar


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    register(APP_CONFIG)


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.organizations.routes import OrganizationController

    register(OrganizationController)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    everyone = ("admin", "supervisor", "operator", "observer")
    register("organizations.read", "See organizations of the granted subtrees", everyone)
    register("organizations.manage", "Create, rename, move and archive organizations", ("admin",))


@hookimpl
def runtime_started(runtime: Any) -> None:
    """Access scoping widens grants to subtrees with this package's tree (in every process)."""
    from unionline.organizations.services import subtree_ids

    use_subtree_ids(subtree_ids)
