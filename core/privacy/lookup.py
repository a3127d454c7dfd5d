"""Finding everything that belongs to one member: duplicates merged into it, its appeals."""

from __future__ import annotations

import uuid

from unionline.access import Actor, scope_for
from unionline.appeals import store
from unionline.appeals.store import AppealRow
from unionline.errors import Forbidden, NotFound
from unionline.members.records import MemberRow, find_member, merged_family

MANAGE = "privacy.manage"


class Holdings:
    """The member's row, the ids of the member and its merged duplicates, its appeal rows."""

    def __init__(
        self, member: MemberRow, member_ids: list[uuid.UUID], appeals: list[AppealRow]
    ) -> None:
        self.member = member
        self.member_ids = member_ids
        self.appeals = appeals

    @property
    def appeal_ids(self) -> list[uuid.UUID]:
        return [a.id for a in self.appeals]


async def holdings(actor: Actor, member_id: uuid.UUID, *, whole: bool) -> tuple[Holdings, bool]:
    """What the actor may export or erase of ``member_id``, and whether that is all of it.

    ``whole``: refuse (403) when some appeals lie outside the actor's scope, instead of
    leaving them out (an erasure must not be partial).
    """
    actor.require(MANAGE)
    scope = await scope_for(actor, MANAGE)
    row = await find_member(member_id)
    if row is None or not scope.allows(row.organization_id):
        raise NotFound(f"member {member_id} does not exist", field="member_id")
    family = await merged_family(member_id)
    member_ids = [m for m, org in family.items() if scope.allows(org)]
    appeals = await store.of_members(list(family))
    inside = [a for a in appeals if scope.allows(a.organization_id)]
    complete = len(inside) == len(appeals) and len(member_ids) == len(family)
    if whole and not complete:
        raise Forbidden(
            "the member has data in organizations outside your scope;"
            " a federation-wide administrator can erase it",
            field="member_id",
        )
    return Holdings(row, member_ids, inside), complete
