"""Core plugin: operator tables, auth routes, core permissions, default actor resolution."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request

from unionline.access import Actor
from unionline.hookspecs import hookimpl
from unionline.operators import services
from unionline.operators.piccolo_app import APP_CONFIG
from unionline.registry import PermissionsRegistrar, RoutesRegistrar, TablesRegistrar


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    register(APP_CONFIG)


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.operators.routes import AuthController

    register(AuthController)


@hookimpl
def register_permissions(register: PermissionsRegistrar) -> None:
    register("operators.manage", "Create operators, grant roles, issue API tokens", ("admin",))


@hookimpl(trylast=True)
async def actor_from_request(request: Request[Any, Any, Any]) -> Actor | None:
    """Default: an ``Authorization: Bearer`` API token, else the session cookie."""
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return await services.actor_for_token(auth[7:].strip())
    session = request.scope.get("session") or {}
    raw = session.get("operator_id") if isinstance(session, dict) else None
    if not raw:
        return None
    try:
        operator_id = uuid.UUID(raw)
    except ValueError:
        return None
    return await services.actor_for(operator_id, session_id=request.cookies.get("session"))
