"""REST API of members: search, read, create, change, contact points, merge."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from unionline.members import contacts, link, merge, search, services
from unionline.members.schemas import (
    ContactIn,
    ContactView,
    LinkRequest,
    MemberCreate,
    MemberPage,
    MemberUpdate,
    MemberView,
    MergePreview,
    MergeRequest,
    Status,
)
from unionline.text import TextQuery
from unionline.web import CurrentActor

Limit = Annotated[int, QueryParameter(ge=1, le=search.MAX_LIMIT)]


class MemberController(Controller):
    path = "/api/members"
    tags = ["members"]  # noqa: RUF012 - Litestar reads it as a plain class attribute

    @get("/")
    async def list_members(
        self,
        actor: CurrentActor,
        q: TextQuery = None,
        organization_id: FromQuery[uuid.UUID | None] = None,
        status: FromQuery[Status | None] = None,
        cursor: TextQuery = None,
        limit: Limit = 50,
    ) -> MemberPage:
        """Search by name, phone (any common spelling), e-mail, messenger or visitor id, or card
        number; ordered by name.

        ``organization_id`` includes its subtree; pass ``next_cursor`` back as ``cursor``.
        """
        return await search.search_members(
            actor, q=q, organization_id=organization_id, status=status, cursor=cursor, limit=limit
        )

    @post("/")
    async def create_member(self, actor: CurrentActor, data: JSONBody[MemberCreate]) -> MemberView:
        """Create a member with contact points (normalized; each may belong to one member)."""
        return await services.create_member_from(actor, data)

    @get("/{member_id:uuid}")
    async def get_member(self, actor: CurrentActor, member_id: FromPath[uuid.UUID]) -> MemberView:
        """A member with contact points; ``merged_into`` points at the survivor of a merge."""
        return await services.get_member(actor, member_id)

    @patch("/{member_id:uuid}")
    async def update_member(
        self, actor: CurrentActor, member_id: FromPath[uuid.UUID], data: JSONBody[MemberUpdate]
    ) -> MemberView:
        """Change the fields present in the body (``card_number: null`` removes the card)."""
        return await services.update_member(actor, member_id, data)

    @post("/{member_id:uuid}/contacts")
    async def add_contact(
        self, actor: CurrentActor, member_id: FromPath[uuid.UUID], data: JSONBody[ContactIn]
    ) -> ContactView:
        """Attach a contact point; 409 when someone already has it."""
        return await contacts.add_contact(actor, member_id, data)

    @delete("/{member_id:uuid}/contacts/{contact_id:uuid}")
    async def remove_contact(
        self,
        actor: CurrentActor,
        member_id: FromPath[uuid.UUID],
        contact_id: FromPath[uuid.UUID],
    ) -> None:
        await contacts.remove_contact(actor, member_id, contact_id)

    @post("/merge", status_code=200)
    async def merge_members(self, actor: CurrentActor, data: JSONBody[MergeRequest]) -> MemberView:
        """Merge ``source_id`` into ``target_id``; ``fields`` picks the side per field."""
        return await merge.merge_members(actor, data)

    @post("/merge/preview", status_code=200)
    async def preview_merge(
        self, actor: CurrentActor, data: JSONBody[MergeRequest]
    ) -> MergePreview:
        """What the same merge would do — fields after it, contact points, consents and appeals
        that join — changing nothing (``members.read`` on both)."""
        return await link.preview_merge(actor, data)

    @post("/{member_id:uuid}/link", status_code=200)
    async def link_member(
        self, actor: CurrentActor, member_id: FromPath[uuid.UUID], data: JSONBody[LinkRequest]
    ) -> MemberView:
        """This provisional member (a web visitor, a new messenger contact) is ``target_id``:
        merged into it (``members.write`` on both); 409 for a confirmed member."""
        return await link.link_member(actor, member_id, data)
