"""Who is acting, and what they may do: the one authorization check the service layer uses."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable

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
    token_id: uuid.UUID | None = None  # the API token authenticating the request, if any
    client_address: str | None = None  # where the request came from (for the audit log)

    @property
    def is_admin(self) -> bool:
        return any(g.role == "admin" and g.organization_id is None for g in self.grants)

    def can(self, permission: str) -> bool:
        if self.token_scopes is not None and permission not in self.token_scopes:
            return False
        return permission in self.permissions

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise Forbidden(
                f"permission {permission!r} is required", extra={"permission": permission}
            )


def permissions_for(roles: Iterable[str], table: dict[str, tuple[str, ...]]) -> frozenset[str]:
    """Union of the permissions whose role list names any of ``roles``."""
    held = set(roles)
    return frozenset(code for code, granted in table.items() if held & set(granted))


class Scope(msgspec.Struct, frozen=True):
    """The organizations an actor may act on for one permission (``None``: all of them)."""

    organization_ids: frozenset[uuid.UUID] | None

    @property
    def everything(self) -> bool:
        return self.organization_ids is None

    def allows(self, organization_id: uuid.UUID | None) -> bool:
        if self.organization_ids is None:
            return True
        return organization_id is not None and organization_id in self.organization_ids

    def ids(self) -> list[uuid.UUID] | None:
        """For SQL filters: a list of ids, or None for no filter."""
        return None if self.organization_ids is None else sorted(self.organization_ids)


# How grants over organizations widen to their subtrees: a port of this module that the
# organizations package (a layer above) fills in from its ``runtime_started`` hook.
SubtreeIds = Callable[[list[uuid.UUID]], Awaitable[frozenset[uuid.UUID]]]
_SUBTREES = "access.subtree_ids"


def use_subtree_ids(subtree_ids: SubtreeIds) -> None:
    """Install the organization tree's ``subtree_ids`` for this runtime (every process)."""
    from unionline.runtime import current

    current().state[_SUBTREES] = subtree_ids


async def scope_for(actor: Actor, permission: str) -> Scope:
    """Where ``actor`` holds ``permission``: the union of the subtrees of its grants whose role
    carries it. The one place organization scoping is decided (REST, websocket, search, export)."""
    from unionline.runtime import current

    subtree_ids: SubtreeIds | None = current().state.get(_SUBTREES)
    if subtree_ids is None:
        raise RuntimeError("no organization tree installed (core.organizations' runtime_started)")
    if actor.token_scopes is not None and permission not in actor.token_scopes:
        return Scope(frozenset())
    perm = current().registry.permissions.get(permission)
    roles = set(perm.roles) if perm else set()
    grants = [g for g in actor.grants if g.role in roles]
    if any(g.organization_id is None for g in grants):
        return Scope(None)
    return Scope(await subtree_ids([g.organization_id for g in grants if g.organization_id]))


async def filter_scope(actor: Actor, permission: str, organization_id: uuid.UUID | None) -> Scope:
    """The scope of a list that ``organization_id`` filters (a query parameter): that
    organization and its subtree, inside the actor's scope for ``permission`` (no filter: the
    whole scope). An organization outside the scope, or one that does not exist, leaves an empty
    scope: the list answers empty, as for an organization with nothing in it, and never tells
    whether the organization exists elsewhere. (An organization that is the subject of a route,
    in its path, is ``require_scope``'s: 404.)"""
    scope = await scope_for(actor, permission)
    if organization_id is None:
        return scope
    if not scope.allows(organization_id):
        return Scope(frozenset())
    from unionline.runtime import current

    subtree_ids: SubtreeIds = current().state[_SUBTREES]
    return Scope(await subtree_ids([organization_id]))  # empty for an id of no organization


async def require_scope(
    actor: Actor,
    permission: str,
    organization_id: uuid.UUID | None,
    *,
    what: str = "object",
    field: str = "id",
) -> None:
    """Raise NotFound (not Forbidden: existence is not revealed) when out of scope."""
    from unionline.errors import NotFound

    if not (await scope_for(actor, permission)).allows(organization_id):
        raise NotFound(f"{what} does not exist", field=field)


async def require_everywhere(actor: Actor, permission: str) -> None:
    """For what belongs to no organization (installed plugins, the job queue): the permission
    must be held federation-wide; a grant over a subtree is not enough."""
    actor.require(permission)
    if not (await scope_for(actor, permission)).everything:
        raise Forbidden(
            f"permission {permission!r} is required federation-wide",
            extra={"permission": permission},
        )
