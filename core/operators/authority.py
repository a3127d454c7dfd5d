"""What an actor may do to other operators: see them, manage them, hand out roles.

An actor may hand out a role over an organization only where it holds ``operators.manage``
and every permission of that role itself, so nobody can grant more than they have. It may
manage (edit, deactivate, reset, issue tokens for) an operator only when it could have handed
out every grant that operator holds. Scopes come from :func:`unionline.access.scope_for`,
computed once per distinct role set and kept for the request.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import msgspec

from unionline.access import BUILTIN_ROLES, Actor, Grant, Scope, scope_for
from unionline.runtime import current

MANAGE = "operators.manage"
READ = "operators.read"
ORG_READ = "organizations.read"


class Authority:
    """The scopes of one actor for every registered permission."""

    def __init__(self, actor: Actor, scopes: dict[str, Scope], roles: dict[str, tuple[str, ...]]):
        self.actor = actor
        self.scopes = scopes
        self.roles = roles  # permission code -> roles holding it

    @classmethod
    async def of(cls, actor: Actor) -> Authority:
        roles = {code: p.roles for code, p in current().registry.permissions.items()}
        # Token scopes are applied per code below, so the shared scopes ignore them.
        unscoped = msgspec.structs.replace(actor, token_scopes=None)
        by_roles: dict[frozenset[str], Scope] = {}
        scopes: dict[str, Scope] = {}
        for code, held_by in roles.items():
            key = frozenset(held_by)
            if key not in by_roles:
                by_roles[key] = await scope_for(unscoped, code)
            scope = by_roles[key]
            if actor.token_scopes is not None and code not in actor.token_scopes:
                scope = Scope(frozenset())
            scopes[code] = scope
        return cls(actor, scopes, roles)

    def scope(self, permission: str) -> Scope:
        return self.scopes.get(permission, Scope(frozenset()))

    def permissions_of(self, role: str) -> list[str]:
        return [code for code, held_by in self.roles.items() if role in held_by]

    def may_assign(self, role: str, organization_id: uuid.UUID | None) -> bool:
        """May the actor grant ``role`` over ``organization_id`` (None: the whole federation)?"""
        if role not in BUILTIN_ROLES or not self.scope(MANAGE).allows(organization_id):
            return False
        return all(self.scope(code).allows(organization_id) for code in self.permissions_of(role))

    def sees(self, grants: Iterable[Grant]) -> bool:
        """An operator is visible when one of its grants lies in the actor's read scope."""
        scope = self.scope(READ)
        return scope.everything or any(scope.allows(g.organization_id) for g in grants)

    def manages(self, grants: Iterable[Grant]) -> bool:
        grants = list(grants)
        if not grants:
            return self.scope(MANAGE).everything
        return all(self.may_assign(g.role, g.organization_id) for g in grants)

    def shown(self, organization_id: uuid.UUID | None) -> bool:
        """Is a grant over ``organization_id`` shown to the actor (it lies in its read scope)?"""
        return self.scope(READ).allows(organization_id)
