"""REST API of the audit log (administrators; supervisors within their subtrees)."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get
from litestar.params import FromQuery, QueryParameter

from unionline.audit import services
from unionline.audit.schemas import AuditFilter, AuditPage
from unionline.text import NO_NUL
from unionline.web import CurrentActor, query_time

Text = Annotated[str | None, QueryParameter(max_length=100, pattern=NO_NUL)]
# RFC 3339 with a zone (2026-01-31T10:00:00+03:00); parsed here so a bare number is refused.
Moment = Annotated[str | None, QueryParameter(format="date-time", max_length=64)]


class AuditController(Controller):
    path = "/api/audit"
    tags = ("audit",)

    @get("/")
    async def list_audit_entries(
        self,
        actor: CurrentActor,
        subject_kind: Text = None,
        subject_id: Text = None,
        actor_id: FromQuery[uuid.UUID | None] = None,
        action: Text = None,
        organization_id: FromQuery[uuid.UUID | None] = None,
        since: Moment = None,
        until: Moment = None,
        cursor: Annotated[str | None, QueryParameter(max_length=200, pattern=NO_NUL)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
    ) -> AuditPage:
        """Who read or changed which personal data, newest first (``since`` inclusive,
        ``until`` exclusive; times need a zone). Requires ``audit.read``."""
        where = AuditFilter(
            since=query_time(since, "since"),
            until=query_time(until, "until"),
            subject_kind=subject_kind,
            subject_id=subject_id,
            actor_id=actor_id,
            action=action,
            organization_id=organization_id,
        )
        return await services.query(actor, where, cursor=cursor, limit=limit)
