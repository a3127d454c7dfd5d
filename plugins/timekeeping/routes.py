"""REST API of timekeeping (``/api/timekeeping``): one's workday, the team now, workdays and
their corrections, schedules and staff cards, absences (and their iCalendar feed), violations
and the T-13 time sheet (JSON, XLSX, printable HTML). Every rule lives in the services."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Annotated, Literal

from litestar import Controller, MediaType, Response, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

import unionline
from unionline.plugins.timekeeping import (
    absences,
    codes,
    corrections,
    policy,
    printable,
    reading,
    schedules,
    sheet,
    staff,
    team,
    violations,
    xlsx,
)
from unionline.plugins.timekeeping.schemas import (
    AbsenceView,
    CorrectionBody,
    CorrectionView,
    Decision,
    MyDay,
    NewAbsence,
    NewSchedule,
    OrganizationPolicy,
    PlannedDay,
    PolicyView,
    ScheduleView,
    StaffBody,
    StaffView,
    TeamRow,
    Violation,
    WorkdayAction,
    WorkdayView,
)
from unionline.web import CurrentActor

Day = Annotated[date, QueryParameter(description="YYYY-MM-DD")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Year = Annotated[int | None, QueryParameter(ge=1991, le=2100)]
Month = Annotated[int | None, QueryParameter(ge=1, le=12)]


def _month_now() -> tuple[int, int]:
    today = unionline.now().date()
    return today.year, today.month


class TimekeepingController(Controller):
    path = "/api/timekeeping"
    tags = ("timekeeping",)

    @get("/codes")
    async def timekeeping_codes(self, actor: CurrentActor) -> list[codes.Code]:
        """The T-13 codes (letter, digit, meaning, kind)."""
        return list(codes.CODES)

    @get("/me")
    async def timekeeping_me(self, actor: CurrentActor) -> MyDay:
        """The caller's workday now, today's plan and absence."""
        actor.require("timekeeping.use")
        return await reading.my_day(actor.operator_id)

    @post("/me/workday", status_code=200)
    async def timekeeping_act(self, actor: CurrentActor, data: JSONBody[WorkdayAction]) -> MyDay:
        """``{"action": "start" | "break" | "resume" | "finish"}``; 409 when the day is not in
        a state that allows it (``extra.state``)."""
        return await reading.act(actor, data.action)

    @get("/workdays")
    async def timekeeping_workdays(
        self,
        actor: CurrentActor,
        first: Day,
        last: Day,
        operator_id: FromQuery[uuid.UUID | None] = None,
    ) -> list[WorkdayView]:
        return await reading.listed(actor, first, last, operator_id)

    @post("/workdays/{workday_id:uuid}/corrections", status_code=201)
    async def timekeeping_correct(
        self, actor: CurrentActor, workday_id: FromPath[uuid.UUID], data: JSONBody[CorrectionBody]
    ) -> CorrectionView:
        """Change a finished day; the reason is required; per setting it waits for approval."""
        return await corrections.request(actor, workday_id, data)

    @get("/corrections")
    async def timekeeping_corrections(
        self,
        actor: CurrentActor,
        status: FromQuery[Literal["pending", "applied", "rejected"]] = "pending",
    ) -> list[CorrectionView]:
        return await corrections.listed(actor, status)

    @post("/corrections/{correction_id:uuid}/decision", status_code=200)
    async def timekeeping_decide_correction(
        self, actor: CurrentActor, correction_id: FromPath[uuid.UUID], data: JSONBody[Decision]
    ) -> CorrectionView:
        return await corrections.decide(actor, correction_id, data)

    @get("/team")
    async def timekeeping_team(
        self, actor: CurrentActor, organization_id: FromQuery[uuid.UUID | None] = None
    ) -> list[TeamRow]:
        """Who is working, on a break, absent or late right now."""
        return await team.now_view(actor, organization_id)

    @get("/violations")
    async def timekeeping_violations(
        self,
        actor: CurrentActor,
        first: Day,
        last: Day,
        organization_id: FromQuery[uuid.UUID | None] = None,
    ) -> list[Violation]:
        return await violations.listed(actor, first, last, organization_id)

    @get("/organizations/{organization_id:uuid}/policy")
    async def timekeeping_policy(
        self, actor: CurrentActor, organization_id: FromPath[uuid.UUID]
    ) -> PolicyView:
        """The organization's own settings, or those it inherits (``inherited_from``)."""
        return await policy.read(actor, organization_id)

    @put("/organizations/{organization_id:uuid}/policy")
    async def timekeeping_put_policy(
        self,
        actor: CurrentActor,
        organization_id: FromPath[uuid.UUID],
        data: JSONBody[OrganizationPolicy],
    ) -> PolicyView:
        """Violation notices (which kinds, to whom) and the T-12 pay-type codes."""
        return await policy.put(actor, organization_id, data)

    @get("/schedules")
    async def timekeeping_schedules(
        self, actor: CurrentActor, organization_id: FromQuery[uuid.UUID]
    ) -> list[ScheduleView]:
        return await schedules.listed(actor, organization_id)

    @post("/schedules", status_code=201)
    async def timekeeping_new_schedule(
        self, actor: CurrentActor, data: JSONBody[NewSchedule]
    ) -> ScheduleView:
        return await schedules.create(actor, data)

    @get("/staff")
    async def timekeeping_staff(self, actor: CurrentActor) -> list[StaffView]:
        return [await staff.view(c) for c in await staff.in_scope(actor)]

    @put("/staff/{operator_id:uuid}")
    async def timekeeping_put_staff(
        self, actor: CurrentActor, operator_id: FromPath[uuid.UUID], data: JSONBody[StaffBody]
    ) -> StaffView:
        return await staff.put(actor, operator_id, data)

    @get("/staff/{operator_id:uuid}/plan")
    async def timekeeping_plan(
        self, actor: CurrentActor, operator_id: FromPath[uuid.UUID], first: Day, last: Day
    ) -> list[PlannedDay]:
        """What the person's schedule plans for each day of ``[first, last]`` (≤ 62 days)."""
        if last < first or (last - first).days > 62:
            raise unionline.Invalid("the period is at most 62 days", field="last")
        card = await staff.visible(actor, operator_id)
        planner = await schedules.planner_for(card)
        return [planner.day(first + timedelta(days=n)) for n in range((last - first).days + 1)]

    @get("/absences")
    async def timekeeping_absences(
        self,
        actor: CurrentActor,
        first: Day,
        last: Day,
        organization_id: FromQuery[uuid.UUID | None] = None,
        operator_id: FromQuery[uuid.UUID | None] = None,
    ) -> list[AbsenceView]:
        """The team calendar (``timekeeping.read``), or one's own absences."""
        return await absences.listed(actor, first, last, organization_id, operator_id)

    @get("/absences.ics", media_type="text/calendar")
    async def timekeeping_absences_ical(
        self,
        actor: CurrentActor,
        first: Day,
        last: Day,
        organization_id: FromQuery[uuid.UUID | None] = None,
        operator_id: FromQuery[uuid.UUID | None] = None,
    ) -> Response[bytes]:
        """The same absences as an iCalendar feed."""
        found = await absences.listed(actor, first, last, organization_id, operator_id)
        return Response(
            absences.ical(found),
            media_type="text/calendar",
            headers={"Content-Disposition": 'attachment; filename="absences.ics"'},
        )

    @post("/absences", status_code=201)
    async def timekeeping_new_absence(
        self, actor: CurrentActor, data: JSONBody[NewAbsence]
    ) -> AbsenceView:
        """Request one's own absence, or enter anyone's (``timekeeping.manage``: approved)."""
        return await absences.create(actor, data)

    @post("/absences/{absence_id:uuid}/decision", status_code=200)
    async def timekeeping_decide_absence(
        self, actor: CurrentActor, absence_id: FromPath[uuid.UUID], data: JSONBody[Decision]
    ) -> AbsenceView:
        return await absences.decide(actor, absence_id, data)

    @post("/absences/{absence_id:uuid}/cancel", status_code=200)
    async def timekeeping_cancel_absence(
        self, actor: CurrentActor, absence_id: FromPath[uuid.UUID]
    ) -> AbsenceView:
        return await absences.cancel(actor, absence_id)

    @get("/sheet")
    async def timekeeping_sheet(
        self,
        actor: CurrentActor,
        organization_id: FromQuery[uuid.UUID],
        year: Year = None,
        month: Month = None,
    ) -> sheet.Sheet:
        """The T-13 time sheet of the organization's subtree for a month (default: this one)."""
        y, m = _month_now()
        return await sheet.build(actor, organization_id, year or y, month or m)

    @get("/sheet.xlsx", media_type=XLSX)
    async def timekeeping_sheet_xlsx(
        self,
        actor: CurrentActor,
        organization_id: FromQuery[uuid.UUID],
        year: Year = None,
        month: Month = None,
        layout: FromQuery[Literal["t13", "t12"]] = "t13",
    ) -> Response[bytes]:
        """The same sheet as XLSX in the layout of T-13 (or ``layout=t12``)."""
        y, m = _month_now()
        made = await sheet.build(actor, organization_id, year or y, month or m)
        form = "T-12" if layout == "t12" else "T-13"
        name = f"{form}_{made.year}-{made.month:02d}.xlsx"
        return Response(
            xlsx.write(made, layout),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @get("/sheet.html", media_type=MediaType.HTML)
    async def timekeeping_sheet_html(
        self,
        actor: CurrentActor,
        organization_id: FromQuery[uuid.UUID],
        year: Year = None,
        month: Month = None,
        layout: FromQuery[Literal["t13", "t12"]] = "t13",
    ) -> str:
        """The same sheet as a printable page (A4 landscape)."""
        y, m = _month_now()
        return printable.render(
            await sheet.build(actor, organization_id, year or y, month or m), layout
        )


CONTROLLERS = (TimekeepingController,)
