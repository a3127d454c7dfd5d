"""``/api/canned-replies``: shared canned replies per organization subtree and one's own."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from unionline.canned import services
from unionline.canned.schemas import CannedCreate, CannedUpdate, CannedView
from unionline.web import CurrentActor


class CannedController(Controller):
    path = "/api/canned-replies"
    tags = ("canned replies",)

    @get("/")
    async def list_replies(
        self, actor: CurrentActor, organization_id: FromQuery[uuid.UUID | None] = None
    ) -> list[CannedView]:
        """The caller's own replies, then the shared ones they read (``canned.read``)."""
        return await services.list_replies(actor, organization_id)

    @post("/")
    async def create_reply(self, actor: CurrentActor, data: JSONBody[CannedCreate]) -> CannedView:
        """A shared reply (``organization_id``, ``canned.manage`` over it) or one's own."""
        return await services.create_reply(actor, data)

    @patch("/{reply_id:uuid}")
    async def update_reply(
        self, actor: CurrentActor, reply_id: FromPath[uuid.UUID], data: JSONBody[CannedUpdate]
    ) -> CannedView:
        return await services.update_reply(actor, reply_id, data)

    @delete("/{reply_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_reply(self, actor: CurrentActor, reply_id: FromPath[uuid.UUID]) -> None:
        await services.delete_reply(actor, reply_id)
