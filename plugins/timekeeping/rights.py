"""Who may do what in timekeeping, and the organization subtree they hold it over.

* ``timekeeping.use`` — keep one's own workday, request one's own absences and corrections;
* ``timekeeping.read`` — see the team of the subtree: who works now, violations, absences,
  the time sheet;
* ``timekeeping.manage`` — schedules, staff cards, approving absences and corrections, entering
  them for others.

An organization (or a person) outside the caller's subtree answers 404, as if it did not exist;
as a list's filter (``organization_id=``) it lists nothing (``filtered``).
"""

from __future__ import annotations

import uuid

from unionline import Actor, NotFound, Scope, filter_scope, scope_for

USE = "timekeeping.use"
READ = "timekeeping.read"
MANAGE = "timekeeping.manage"

PERMISSIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (USE, "Keep one's own workday, absences and corrections", ("admin", "supervisor", "operator")),
    (READ, "See the team's workdays, absences, violations and time sheet", ("admin", "supervisor")),
    (MANAGE, "Schedules, staff cards, approving absences and corrections", ("admin", "supervisor")),
)


async def scope(actor: Actor, permission: str) -> Scope:
    actor.require(permission)
    return await scope_for(actor, permission)


async def require_in_scope(actor: Actor, permission: str, organization_id: uuid.UUID) -> None:
    if not (await scope(actor, permission)).allows(organization_id):
        raise NotFound("organization does not exist", field="organization_id")


async def filtered(actor: Actor, permission: str, organization_id: uuid.UUID | None) -> Scope:
    """The scope a list's ``organization_id`` filter leaves: empty for an organization outside
    the actor's scope or of none at all, so the list answers empty (``filter_scope``)."""
    actor.require(permission)
    return await filter_scope(actor, permission, organization_id)


async def may(actor: Actor, permission: str, organization_id: uuid.UUID) -> bool:
    return actor.can(permission) and (await scope_for(actor, permission)).allows(organization_id)
