"""Who may do what with documents, over which organization subtree.

* ``docflow.read`` — see documents, journals and routes of the subtree;
* ``docflow.write`` — create and edit cards, upload files, start routes and processes;
* ``docflow.register`` — register documents in the subtree's journals;
* ``docflow.manage`` — keep kinds, journals, templates and processes.

A step's assignee decides on it wherever the document lies. Out of scope answers 404, as if the
document did not exist.
"""

from __future__ import annotations

import uuid

from unionline import Actor, NotFound, scope_for

READ = "docflow.read"
WRITE = "docflow.write"
REGISTER = "docflow.register"
MANAGE = "docflow.manage"

PERMISSIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        READ,
        "See documents, journals and routes of the subtree",
        ("admin", "supervisor", "operator", "observer"),
    ),
    (
        WRITE,
        "Create documents, upload files, start routes and processes",
        ("admin", "supervisor", "operator"),
    ),
    (REGISTER, "Register documents in the journals", ("admin", "supervisor", "operator")),
    (MANAGE, "Keep document kinds, journals, templates and processes", ("admin", "supervisor")),
)


async def allows(actor: Actor, permission: str, organization_id: uuid.UUID) -> bool:
    return actor.can(permission) and (await scope_for(actor, permission)).allows(organization_id)


async def require_in_scope(
    actor: Actor, permission: str, organization_id: uuid.UUID, what: str = "organization"
) -> None:
    """403 without the permission at all; 404 for an organization outside its subtree."""
    actor.require(permission)
    if not (await scope_for(actor, permission)).allows(organization_id):
        field = "organization_id" if what == "organization" else f"{what}_id"
        raise NotFound(f"{what} does not exist", field=field)


async def readable_ids(actor: Actor, permission: str = READ) -> list[uuid.UUID] | None:
    """The organizations the actor reads documents of (None: all)."""
    actor.require(permission)
    return (await scope_for(actor, permission)).ids()


async def serving_owner_ids(actor: Actor) -> list[uuid.UUID] | None:
    """Organizations whose kinds, journals, templates and processes the actor may see: those it
    reads and their ancestors (a federation's journal serves every primary organization below).
    None: all."""
    from unionline import organization_ancestors

    ids = await readable_ids(actor)
    if ids is None:
        return None
    owners: set[uuid.UUID] = set(ids)
    roots = await subtree_roots(ids)
    for org in roots:
        owners.update(await organization_ancestors(org))
    return sorted(owners)


async def subtree_roots(ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """The tops of the actor's subtrees: their ancestors are the only ones missing from ``ids``."""
    from unionline import organization_ancestors

    inside = set(ids)
    roots = []
    for org in ids:
        line = await organization_ancestors(org)
        if len(line) < 2 or line[-2] not in inside:
            roots.append(org)
    return roots
