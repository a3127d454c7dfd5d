"""REST API of satisfaction ratings: an appeal's ratings, the supervisor's rating, the report."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get, put
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from unionline.plugins.satisfaction import services
from unionline.plugins.satisfaction.schemas import SatisfactionReport, SupervisorRating, SurveyView
from unionline.web import CurrentActor, query_time

Moment = Annotated[str | None, QueryParameter(format="date-time", max_length=64)]


class SatisfactionController(Controller):
    path = "/api/satisfaction"
    tags = ("satisfaction",)

    @get("/report")
    async def satisfaction_report(
        self,
        actor: CurrentActor,
        organization_id: FromQuery[uuid.UUID | None] = None,
        since: Moment = None,
        until: Moment = None,
    ) -> SatisfactionReport:
        """Per operator: member and supervisor ratings (count, average) of appeals resolved in
        ``[since, until)`` (times need a zone). Requires ``satisfaction.read``."""
        return await services.report(
            actor,
            organization_id=organization_id,
            since=query_time(since, "since"),
            until=query_time(until, "until"),
        )

    @get("/appeals/{appeal_id:uuid}")
    async def appeal_satisfaction(
        self, actor: CurrentActor, appeal_id: FromPath[uuid.UUID]
    ) -> SurveyView:
        """An appeal's ratings (empty until asked or rated). Requires ``satisfaction.read``."""
        return await services.get(actor, appeal_id)

    @put("/appeals/{appeal_id:uuid}/supervisor-rating")
    async def rate_appeal(
        self,
        actor: CurrentActor,
        appeal_id: FromPath[uuid.UUID],
        data: JSONBody[SupervisorRating],
    ) -> SurveyView:
        """The supervisor's own 1–5 rating of a resolved or closed appeal (replaces an earlier
        one). Requires ``satisfaction.rate``."""
        return await services.rate(actor, appeal_id, data)
