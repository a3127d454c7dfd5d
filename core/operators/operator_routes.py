"""REST API for managing operators, their role grants and API tokens; roles and permissions."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from unionline.access import BUILTIN_ROLES
from unionline.operators import management, tokens
from unionline.operators.schemas import (
    GrantRequest,
    GrantView,
    OperatorCreate,
    OperatorDetail,
    OperatorPage,
    OperatorUpdate,
    PasswordReset,
    PermissionView,
    Role,
    RoleView,
    TokenCreate,
    TokenCreated,
    TokenView,
)
from unionline.runtime import current
from unionline.text import NO_NUL
from unionline.web import CurrentActor

OperatorId = FromPath[uuid.UUID]


class OperatorController(Controller):
    path = "/api/operators"
    tags = ("operators",)

    @get("/")
    async def list_operators(
        self,
        actor: CurrentActor,
        q: Annotated[str | None, QueryParameter(max_length=150, pattern=NO_NUL)] = None,
        active: FromQuery[bool | None] = None,
        role: FromQuery[Role | None] = None,
        cursor: Annotated[str | None, QueryParameter(max_length=400, pattern=NO_NUL)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
    ) -> OperatorPage:
        """Operators holding a role inside the caller's organizations, by login."""
        return await management.list_operators(
            actor, q=q, active=active, role=role, cursor=cursor, limit=limit
        )

    @post("/")
    async def create_operator(
        self, actor: CurrentActor, data: JSONBody[OperatorCreate]
    ) -> OperatorDetail:
        """Create an operator; each grant must be one the caller may hand out."""
        return await management.create(actor, data)

    @get("/{operator_id:uuid}")
    async def get_operator(self, actor: CurrentActor, operator_id: OperatorId) -> OperatorDetail:
        return await management.get(actor, operator_id)

    @patch("/{operator_id:uuid}")
    async def update_operator(
        self, actor: CurrentActor, operator_id: OperatorId, data: JSONBody[OperatorUpdate]
    ) -> OperatorDetail:
        """Change name, e-mail, language, time zone, skills or capacity."""
        return await management.update(actor, operator_id, data)

    @post("/{operator_id:uuid}/deactivate", status_code=200)
    async def deactivate_operator(
        self, actor: CurrentActor, operator_id: OperatorId
    ) -> OperatorDetail:
        """Block the account: its sessions end and its API tokens stop working at once."""
        return await management.set_active(actor, operator_id, False)

    @post("/{operator_id:uuid}/activate", status_code=200)
    async def activate_operator(
        self, actor: CurrentActor, operator_id: OperatorId
    ) -> OperatorDetail:
        return await management.set_active(actor, operator_id, True)

    @post("/{operator_id:uuid}/password", status_code=HTTP_204_NO_CONTENT)
    async def reset_password(
        self, actor: CurrentActor, operator_id: OperatorId, data: JSONBody[PasswordReset]
    ) -> None:
        """Set another operator's password; all of their sessions end and all of their API
        tokens are revoked."""
        await management.reset_password(actor, operator_id, data.new_password)

    @post("/{operator_id:uuid}/grants")
    async def grant_role(
        self, actor: CurrentActor, operator_id: OperatorId, data: JSONBody[GrantRequest]
    ) -> GrantView:
        """Grant a role over an organization subtree (the caller must hold it there)."""
        return await management.grant(actor, operator_id, data)

    @delete("/{operator_id:uuid}/grants/{grant_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def revoke_role(
        self, actor: CurrentActor, operator_id: OperatorId, grant_id: FromPath[uuid.UUID]
    ) -> None:
        await management.revoke(actor, operator_id, grant_id)

    @get("/{operator_id:uuid}/tokens")
    async def list_tokens(self, actor: CurrentActor, operator_id: OperatorId) -> list[TokenView]:
        """The operator's API tokens, without their secrets."""
        return await tokens.list_tokens(actor, operator_id)

    @post("/{operator_id:uuid}/tokens")
    async def create_token(
        self, actor: CurrentActor, operator_id: OperatorId, data: JSONBody[TokenCreate]
    ) -> TokenCreated:
        """Issue an API token limited to ``scopes``; the raw token is in this answer only."""
        return await tokens.issue(actor, operator_id, data)

    @delete("/{operator_id:uuid}/tokens/{token_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def revoke_token(
        self, actor: CurrentActor, operator_id: OperatorId, token_id: FromPath[uuid.UUID]
    ) -> None:
        """Revoke a token; it stops working at its next use."""
        await tokens.revoke(actor, operator_id, token_id)


class RoleController(Controller):
    path = "/api/roles"
    tags = ("operators",)

    @get("/")
    async def list_roles(self, actor: CurrentActor) -> list[RoleView]:
        """The built-in roles with the permissions each holds (as plugins declared them)."""
        perms = current().registry.permissions
        return [
            RoleView(role=role, permissions=sorted(c for c, p in perms.items() if role in p.roles))
            for role in BUILTIN_ROLES
        ]

    @get("/permissions")
    async def list_permissions(self, actor: CurrentActor) -> list[PermissionView]:
        """Every permission the enabled plugins declared."""
        return [
            PermissionView(
                code=p.code, description=p.description, roles=list(p.roles), plugin=p.plugin
            )
            for p in sorted(current().registry.permissions.values(), key=lambda p: p.code)
        ]
