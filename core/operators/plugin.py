"""Core plugin: operator tables, auth and management routes, core permissions, the ``[auth]``
settings section, and the default actor resolution (API token, else session cookie)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request

from unionline.access import Actor
from unionline.hookspecs import hookimpl
from unionline.operators import services
from unionline.operators.piccolo_app import APP_CONFIG
from unionline.operators.ratelimit import AuthSettings
from unionline.registry import (
    CommandsRegistrar,
    PermissionsRegistrar,
    RoutesRegistrar,
    SettingsRegistrar,
    TablesRegistrar,
)


@hookimpl
def register_settings(register: SettingsRegistrar) -> None:
    register("auth", AuthSettings)


@hookimpl
def register_commands(register: CommandsRegistrar) -> None:
    from unionline.operators.cli import createadmin, createtoken

    register(createadmin)  # ``unionline createadmin``
    register(createtoken)  # ``unionline createtoken``


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    register(APP_CONFIG)


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.operators.operator_routes import OperatorController, RoleController
    from unionline.operators.routes import AuthController

    register(AuthController, OperatorController, RoleController)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    register(
        "operators.read",
        "See operators holding roles in the granted subtrees",
        ("admin", "supervisor", "operator"),
    )
    register(
        "operators.manage",
        "Create and change operators, grant roles (no more than one holds), issue API tokens",
        ("admin", "supervisor"),
    )


@hookimpl(trylast=True)
async def actor_from_request(request: Request[Any, Any, Any]) -> Actor | None:
    """Default: an ``Authorization: Bearer`` API token, else the session cookie."""
    address = request.client.host if request.client else None
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return await services.actor_for_token(auth[7:].strip(), client_address=address)
    session = request.scope.get("session") or {}
    raw = session.get("operator_id") if isinstance(session, dict) else None
    if not raw:
        return None
    try:
        operator_id = uuid.UUID(raw)
    except ValueError:
        return None
    return await services.actor_for(
        operator_id, session_id=request.cookies.get("session"), client_address=address
    )
