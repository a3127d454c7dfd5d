"""Who is acting, and what they may do: the one authorization check the service layer uses."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import msgspec

from unionline.errors import Forbidden

BUILTIN_ROLES = ("admin", "supervisor", "operator", "observer")


class Grant(msgspec.Struct, frozen=True):
    """A role held over an organization subtree (``organization_id=None``: the whole tree)."""

    role: str
    organization_id: uuid.UUID | None = None


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    """The operator or API token behind a request or websocket command."""

    operator_id: uuid.UUID
    name: str = ""
    grants: tuple[Grant, ...] = ()
    permissions: frozenset[str] = frozenset()  # union over the roles held
    token_scopes: frozenset[str] | None = None  # an API token narrows permissions to these
    session_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return any(g.role == "admin" and g.organization_id is None for g in self.grants)

    def can(self, permission: str) -> bool:
        if self.token_scopes is not None and permission not in self.token_scopes:
            return False
        return permission in self.permissions

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise Forbidden(f"permission {permission!r} is required", extra={"permission": permission})


def permissions_for(roles: Iterable[str], table: dict[str, tuple[str, ...]]) -> frozenset[str]:
    """Union of the permissions whose role list names any of ``roles``."""
    held = set(roles)
    return frozenset(code for code, granted in table.items() if held & set(granted))
