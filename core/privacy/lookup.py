"""Finding everything that belongs to one member: duplicates merged into it, its appeals."""

from __future__ import annotations

import uuid
from typing import Any

from unionline.access import Actor, scope_for
from unionline.appeals.tables import Appeal
from unionline.errors import Forbidden, NotFound
from unionline.members.tables import Member

MANAGE = "privacy.manage"


class Holdings:
    """The member's row, the ids of the member and its merged duplicates, its appeal rows."""

    def __init__(
        self, member: dict[str, Any], member_ids: list[uuid.UUID], appeals: list[dict[str, Any]]
    ) -> None:
        self.member = member
        self.member_ids = member_ids
        self.appeals = appeals

    @property
    def appeal_ids(self) -> list[uuid.UUID]:
        return [a["id"] for a in self.appeals]


async def merged_family(member_id: uuid.UUID) -> dict[uuid.UUID, uuid.UUID]:
    """The member and every member merged into it, directly or through others, with their
    organizations."""
    found: dict[uuid.UUID, uuid.UUID] = {}
    frontier = [member_id]
    rows = await Member.select(Member.id, Member.organization_id).where(Member.id == member_id)
    found.update((r["id"], r["organization_id"]) for r in rows)
    while frontier:
        rows = await Member.select(Member.id, Member.organization_id).where(
            Member.merged_into.is_in(frontier)
        )
        frontier = [r["id"] for r in rows if r["id"] not in found]
        found.update((r["id"], r["organization_id"]) for r in rows)
    return found


async def holdings(actor: Actor, member_id: uuid.UUID, *, whole: bool) -> tuple[Holdings, bool]:
    """What the actor may export or erase of ``member_id``, and whether that is all of it.

    ``whole``: refuse (403) when some appeals lie outside the actor's scope, instead of
    leaving them out (an erasure must not be partial).
    """
    actor.require(MANAGE)
    scope = await scope_for(actor, MANAGE)
    row = await Member.select().where(Member.id == member_id).first()
    if row is None or not scope.allows(row["organization_id"]):
        raise NotFound(f"member {member_id} does not exist", field="member_id")
    family = await merged_family(member_id)
    member_ids = [m for m, org in family.items() if scope.allows(org)]
    appeals = (
        await Appeal.select()
        .where(Appeal.member_id.is_in(list(family)))
        .order_by(Appeal.created_at)
    )
    inside = [a for a in appeals if scope.allows(a["organization_id"])]
    complete = len(inside) == len(appeals) and len(member_ids) == len(family)
    if whole and not complete:
        raise Forbidden(
            "the member has data in organizations outside your scope;"
            " a federation-wide administrator can erase it",
            field="member_id",
        )
    return Holdings(row, member_ids, inside), complete
