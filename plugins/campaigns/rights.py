"""Who may do what with campaigns: the plugin's permissions and the subtree they hold over.

* ``campaigns.read`` — see campaigns, segments, their counts and statistics of the subtree;
* ``campaigns.manage`` — build segments and campaigns, start, pause, resume, cancel them;
* ``campaigns.consent`` — read a member's consents and their proof, record or withdraw one.

Out of scope answers 404, as if the thing did not exist (as appeals do).
"""

from __future__ import annotations

import uuid

from unionline import Actor, NotFound, Scope, scope_for

READ = "campaigns.read"
MANAGE = "campaigns.manage"
CONSENT = "campaigns.consent"

PERMISSIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (READ, "See campaigns, segments and their statistics", ("admin", "supervisor", "operator")),
    (MANAGE, "Build segments and campaigns and send them", ("admin", "supervisor")),
    (CONSENT, "Read and record members' consents to mailings", ("admin", "supervisor", "operator")),
)


async def scope(actor: Actor, permission: str) -> Scope:
    actor.require(permission)
    return await scope_for(actor, permission)


async def require_in_scope(
    actor: Actor, permission: str, organization_id: uuid.UUID, what: str = "organization"
) -> None:
    if not (await scope(actor, permission)).allows(organization_id):
        raise NotFound(f"{what} does not exist", field=f"{what}_id")
