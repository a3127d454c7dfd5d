"""Core plugin: the audit log table, its query API and its permission."""

from __future__ import annotations

from unionline.audit.piccolo_app import APP_CONFIG
from unionline.hookspecs import hookimpl
from unionline.registry import PermissionsRegistrar, RoutesRegistrar, TablesRegistrar


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    register(APP_CONFIG)


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.audit.routes import AuditController

    register(AuditController)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    register(
        "audit.read",
        "Read the audit log of personal-data access (own subtrees)",
        ("admin", "supervisor"),
    )
