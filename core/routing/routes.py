"""REST API of routing: queues, presence, offers, transfer and claim, supervisor stats."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from unionline.appeals.schemas import AppealView
from unionline.routing import services
from unionline.routing.schemas import (
    OfferView,
    PresenceSet,
    PresenceView,
    QueueCreate,
    QueueUpdate,
    QueueView,
    RoutingStats,
    TransferRequest,
)
from unionline.web import CurrentActor


class QueueController(Controller):
    path = "/api/routing/queues"
    tags = ("routing",)

    @get("/")
    async def list_queues(
        self, actor: CurrentActor, organization_id: FromQuery[uuid.UUID | None] = None
    ) -> list[QueueView]:
        """Queues of the caller's organizations (``routing.read``), most important first."""
        return await services.list_queues(actor, organization_id)

    @post("/")
    async def create_queue(self, actor: CurrentActor, data: JSONBody[QueueCreate]) -> QueueView:
        """Create a queue (``routing.manage`` over its organization)."""
        return await services.create_queue(actor, data)

    @get("/{queue_id:uuid}")
    async def get_queue(self, actor: CurrentActor, queue_id: FromPath[uuid.UUID]) -> QueueView:
        return await services.get_queue(actor, queue_id)

    @patch("/{queue_id:uuid}")
    async def update_queue(
        self, actor: CurrentActor, queue_id: FromPath[uuid.UUID], data: JSONBody[QueueUpdate]
    ) -> QueueView:
        """Change the fields given (strategy, hours, skills, offers, overflow, ...)."""
        return await services.update_queue(actor, queue_id, data)

    @delete("/{queue_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_queue(self, actor: CurrentActor, queue_id: FromPath[uuid.UUID]) -> None:
        """Delete an empty queue nothing overflows into (409 otherwise)."""
        await services.delete_queue(actor, queue_id)


class PresenceController(Controller):
    path = "/api/routing/presence"
    tags = ("routing",)

    @get("/")
    async def list_presence(self, actor: CurrentActor) -> list[PresenceView]:
        """Presence of the operators of the caller's organizations."""
        return await services.list_presence(actor)

    @get("/me")
    async def my_presence(self, actor: CurrentActor) -> PresenceView:
        return await services.get_presence(actor)

    @put("/me")
    async def set_my_presence(
        self, actor: CurrentActor, data: JSONBody[PresenceSet]
    ) -> PresenceView:
        """Choose online or away; a console reports idleness with ``idle``."""
        return await services.set_presence(actor, data)

    @get("/{operator_id:uuid}")
    async def get_presence(
        self, actor: CurrentActor, operator_id: FromPath[uuid.UUID]
    ) -> PresenceView:
        return await services.get_presence(actor, operator_id)

    @put("/{operator_id:uuid}")
    async def set_presence(
        self, actor: CurrentActor, operator_id: FromPath[uuid.UUID], data: JSONBody[PresenceSet]
    ) -> PresenceView:
        """A supervisor sets an operator online or away (``routing.manage``)."""
        return await services.set_presence(actor, data, operator_id)


class RoutingController(Controller):
    path = "/api/routing"
    tags = ("routing",)

    @get("/stats")
    async def stats(
        self, actor: CurrentActor, organization_id: FromQuery[uuid.UUID | None] = None
    ) -> RoutingStats:
        """Live load per operator, queue lengths and waiting times (``routing.monitor``)."""
        return await services.stats(actor, organization_id)

    @get("/offers")
    async def my_offers(self, actor: CurrentActor) -> list[OfferView]:
        """Appeals offered to the caller, waiting for an answer."""
        return await services.my_offers(actor)

    @post("/offers/{offer_id:uuid}/accept", status_code=200)
    async def accept_offer(self, actor: CurrentActor, offer_id: FromPath[uuid.UUID]) -> AppealView:
        return await services.accept_offer(actor, offer_id)

    @post("/offers/{offer_id:uuid}/decline", status_code=200)
    async def decline_offer(self, actor: CurrentActor, offer_id: FromPath[uuid.UUID]) -> OfferView:
        """Turn the offer down; the appeal goes to the next operator."""
        return await services.decline_offer(actor, offer_id)

    @post("/appeals/{appeal_id:uuid}/transfer", status_code=200)
    async def transfer(
        self, actor: CurrentActor, appeal_id: FromPath[uuid.UUID], data: JSONBody[TransferRequest]
    ) -> AppealView:
        """Put the appeal (unassigned) in another queue and route it there."""
        return await services.transfer_to_queue(actor, appeal_id, data.queue_id)

    @post("/appeals/{appeal_id:uuid}/claim", status_code=200)
    async def claim(self, actor: CurrentActor, appeal_id: FromPath[uuid.UUID]) -> AppealView:
        """Take an unassigned appeal within one's capacity (409 ``at_capacity``)."""
        return await services.claim(actor, appeal_id)
