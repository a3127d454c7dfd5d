"""REST API of the reports: the report, the appeals behind a number, the exports, the rebuild
and the scheduled reports. Every number comes from :mod:`.query`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from litestar import Controller, delete, get, post
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Schema,
)
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Stream

from unionline import TextQuery
from unionline.plugins.reports import exports, query, schedules, today
from unionline.plugins.reports.schemas import (
    AppealLines,
    Format,
    Group,
    NewSchedule,
    RebuildView,
    Report,
    ReportDay,
    ScheduleView,
)
from unionline.web import CurrentActor

Day = Annotated[date, QueryParameter(description="YYYY-MM-DD, the organization's own day")]
NO_NUL = r"^[^\x00]*$"  # text a database can store (as unionline.TextQuery states it)
# 0–23 (as text: Litestar 2 leaves a ``ge=0`` bound out of the schema, since 0 is falsy)
HOUR = r"^([01]?[0-9]|2[0-3])$(?!\n)"


@dataclass
class ExportOperation(Operation):
    """The export's answer as the schema states it: a stream, which Litestar documents as JSON
    of anything, is an XLSX file or, with ``format=csv``, CSV text."""

    def __post_init__(self) -> None:
        answer = (self.responses or {}).get("200")
        if isinstance(answer, OpenAPIResponse):
            answer.description = "The report or its appeals: XLSX, or CSV with format csv"
            answer.content = {
                exports.XLSX: OpenAPIMediaType(
                    schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
                ),
                _media_type(exports.CSV): OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING)),
            }


def _media_type(content_type: str) -> str:
    """The type without its parameters: Litestar adds "; charset=utf-8" to a text/ type (a
    second one when it is named already)."""
    return content_type.split(";")[0]


class ReportsController(Controller):
    path = "/api/reports"
    tags = ("reports",)

    @get("/")
    async def reports_report(
        self,
        actor: CurrentActor,
        since: Day,
        until: Day,
        organization_id: FromQuery[uuid.UUID | None] = None,
        group: FromQuery[Group] = "organization",
        compare: FromQuery[bool] = True,
    ) -> Report:
        """The figures of days ``[since, until)`` by organization (one level below
        ``organization_id``), operator, channel, day, queue, tag or local hour, with the totals
        and the previous period of as many days. Requires ``reports.read``; only the reader's
        organizations count."""
        return await query.report(
            actor,
            since=since,
            until=until,
            organization_id=organization_id,
            group=group,
            compare=compare,
        )

    @get("/today")
    async def reports_today(
        self, actor: CurrentActor, organization_id: FromQuery[uuid.UUID | None] = None
    ) -> ReportDay:
        """Today in the organization's time zone (none given: the reader's top organization's,
        as the report starts there): where the console's period presets end."""
        return await today.today(actor, organization_id)

    @get("/appeals")
    async def reports_appeals(
        self,
        actor: CurrentActor,
        metric: Annotated[str, QueryParameter(max_length=40, pattern=r"^[a-z_]+$(?!\n)")],
        since: Day,
        until: Day,
        organization_id: FromQuery[uuid.UUID | None] = None,
        operator_id: FromQuery[uuid.UUID | None] = None,
        channel: FromQuery[TextQuery | None] = None,
        queue: Annotated[str | None, QueryParameter(max_length=36, pattern=NO_NUL)] = None,
        tag: Annotated[str | None, QueryParameter(max_length=100, pattern=NO_NUL)] = None,
        hour: Annotated[str | None, QueryParameter(pattern=HOUR)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 200,
    ) -> AppealLines:
        """The appeals behind a number: what each adds to ``metric`` (a counter of
        docs/reports.md) in the days, organization subtree, operator, channel, queue (a queue
        id, empty: none), tag (empty: none) and local hour."""
        return await query.appeals_behind(
            actor,
            metric=metric,
            since=since,
            until=until,
            organization_id=organization_id,
            operator_id=operator_id,
            channel=channel,
            queue=queue,
            tag=tag,
            hour=None if hour is None else int(hour),
            limit=limit,
        )

    @get("/export", operation_class=ExportOperation)
    async def reports_export(
        self,
        actor: CurrentActor,
        since: Day,
        until: Day,
        organization_id: FromQuery[uuid.UUID | None] = None,
        group: FromQuery[Group] = "organization",
        format: FromQuery[Format] = "xlsx",
        kind: FromQuery[Literal["report", "appeals"]] = "report",
    ) -> Stream:
        """The same report as XLSX or CSV (``kind=report``), or every appeal behind it with
        what it added to each number (``kind=appeals``), streamed."""
        made = await exports.export(
            actor,
            since=since,
            until=until,
            organization_id=organization_id,
            group=group,
            format=format,
            kind=kind,
        )
        return Stream(
            made.chunks,
            media_type=_media_type(made.content_type),
            headers={"Content-Disposition": f'attachment; filename="{made.filename}"'},
        )

    @post("/rebuild", status_code=200)
    async def reports_rebuild(self, actor: CurrentActor) -> RebuildView:
        """Recount every appeal from the raw data and sum the rollup again (federation-wide
        ``reports.manage``); ``differing_cells`` says how many cells the kept rollup had
        otherwise."""
        return await schedules.rebuild(actor)

    @get("/schedules")
    async def reports_schedules(self, actor: CurrentActor) -> list[ScheduleView]:
        """The scheduled reports of the reader's organizations (``reports.manage``)."""
        return await schedules.listed(actor)

    @post("/schedules")
    async def reports_add_schedule(
        self, actor: CurrentActor, data: JSONBody[NewSchedule]
    ) -> ScheduleView:
        """A report e-mailed on a recurrence (RRULE, in the organization's time zone) to
        operators of the organization, each seeing only their own organizations."""
        return await schedules.create(actor, data)

    @delete("/schedules/{schedule_id:uuid}", status_code=204)
    async def reports_delete_schedule(
        self, actor: CurrentActor, schedule_id: FromPath[uuid.UUID]
    ) -> None:
        """Stop a scheduled report."""
        await schedules.remove(actor, schedule_id)
