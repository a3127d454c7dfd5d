"""Who may do what to which appeal: permissions, checked against the appeal's organization.

Scoping itself is decided by :func:`unionline.access.scope_for`; here an appeal outside the
actor's read scope answers 404 (its existence is not revealed), and one the actor may read
but not change answers 403.
"""

from __future__ import annotations

import uuid

from unionline.access import Actor, scope_for
from unionline.appeals.store import AppealRow
from unionline.errors import Forbidden, NotFound

READ = "appeals.read"
REPLY = "appeals.reply"
MANAGE = "appeals.manage"
ASSIGN = "appeals.assign"
MERGE = "appeals.merge"


async def allows(actor: Actor, permission: str, organization_id: uuid.UUID) -> bool:
    return (await scope_for(actor, permission)).allows(organization_id)


async def authorize(
    actor: Actor | None, permission: str, row: AppealRow, *, field: str = "id"
) -> None:
    """Raise unless ``actor`` holds ``permission`` over the appeal; None is the system."""
    if actor is None:
        return
    org = row.organization_id
    if await allows(actor, permission, org):
        return
    if permission != READ and await allows(actor, READ, org):
        raise Forbidden(
            f"permission {permission!r} is required for this appeal",
            field=field,
            extra={"permission": permission},
        )
    raise NotFound(f"appeal {row.id} does not exist", field=field)


async def authorize_org(
    actor: Actor | None,
    permission: str,
    organization_id: uuid.UUID,
    *,
    field: str = "organization_id",
) -> None:
    if actor is None or await allows(actor, permission, organization_id):
        return
    if await allows(actor, READ, organization_id):
        raise Forbidden(
            f"permission {permission!r} is required in this organization",
            field=field,
            extra={"permission": permission},
        )
    raise NotFound(f"organization {organization_id} does not exist", field=field)


async def read_scope(actor: Actor | None) -> list[uuid.UUID] | None:
    """Organization ids the actor may read appeals of (None: all)."""
    if actor is None:
        return None
    return (await scope_for(actor, READ)).ids()
