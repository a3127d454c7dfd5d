"""Who may do what with meetings (granted per role like the core's permissions):

* ``meetings.read`` — see the meetings and the calendar of the organization subtree;
* ``meetings.create`` — hold meetings there (as organizer), start a video call on an appeal;
* ``meetings.manage`` — change or cancel anyone's meeting there.

Out of scope answers 404, as if the meeting did not exist (as appeals do).
"""

from __future__ import annotations

import uuid

from unionline import Actor, Forbidden, NotFound, scope_for

READ = "meetings.read"
CREATE = "meetings.create"
MANAGE = "meetings.manage"

PERMISSIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        READ,
        "See meetings and the calendar of the subtree",
        ("admin", "supervisor", "operator", "observer"),
    ),
    (CREATE, "Hold meetings and start video calls on appeals", ("admin", "supervisor", "operator")),
    (MANAGE, "Change or cancel anyone's meeting in the subtree", ("admin", "supervisor")),
)


async def holds(actor: Actor, permission: str, organization_id: uuid.UUID) -> bool:
    return actor.can(permission) and (await scope_for(actor, permission)).allows(organization_id)


async def require_in_scope(actor: Actor, permission: str, organization_id: uuid.UUID) -> None:
    actor.require(permission)
    if not (await scope_for(actor, permission)).allows(organization_id):
        raise NotFound("organization does not exist", field="organization_id")


async def may_change(
    actor: Actor, organization_id: uuid.UUID, organizer_id: uuid.UUID | None
) -> None:
    if organizer_id is not None and organizer_id == actor.operator_id:
        return
    if not await holds(actor, MANAGE, organization_id):
        raise Forbidden(
            "only the organizer or a holder of meetings.manage may change a meeting",
            extra={"permission": MANAGE},
        )
