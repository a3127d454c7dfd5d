"""Satisfaction services: the survey a robot starts, the member's rating taken from their reply
(``claim_member_reply``), the supervisor's rating, and the per-operator report.

Ratings are scoped like everything else: a supervisor rates and reads only appeals of the
organizations their ``satisfaction.*`` grants cover (404 outside, as if absent).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import msgspec

from unionline import (
    Actor,
    AppealRow,
    AppealSummary,
    Conflict,
    NotFound,
    current,
    load_appeal,
    now,
    publish,
    scope_for,
    subtree_ids,
)
from unionline.appeals.statuses import DONE
from unionline.plugins.satisfaction import rating as ratings
from unionline.plugins.satisfaction.schemas import (
    OperatorRatings,
    SatisfactionRated,
    SatisfactionReport,
    SupervisorRating,
    SurveyView,
)

READ = "satisfaction.read"
RATE = "satisfaction.rate"


class SurveyRow(msgspec.Struct, kw_only=True):
    """A row of ``satisfaction_survey`` (columns: :class:`.tables.Survey`)."""

    id: uuid.UUID
    appeal_id: uuid.UUID
    organization_id: uuid.UUID
    member_id: uuid.UUID
    operator_id: uuid.UUID | None
    resolved_at: datetime
    asked_at: datetime | None
    expires_at: datetime | None
    question_key: str
    question_entry_id: int | None
    member_rating: int | None
    member_rated_at: datetime | None
    supervisor_rating: int | None
    supervisor_id: uuid.UUID | None
    supervisor_comment: str
    supervisor_rated_at: datetime | None


class _ReportRow(msgspec.Struct, kw_only=True):
    operator_id: uuid.UUID | None
    name: str | None
    surveys: int
    asked: int
    member_ratings: int
    member_average: float | None
    supervisor_ratings: int
    supervisor_average: float | None


async def survey_of(appeal_id: uuid.UUID, *, lock: bool = False) -> SurveyRow | None:
    db = current().db
    suffix = " FOR UPDATE" if lock and db.is_postgres else ""
    return await db.fetch_one_as(
        SurveyRow, f"SELECT * FROM satisfaction_survey WHERE appeal_id = {{}}{suffix}", appeal_id
    )


async def ensure(appeal: AppealRow) -> SurveyRow:
    """The appeal's survey row, created (for its current assignee) when there is none."""
    db = current().db
    await db.execute(
        "INSERT INTO satisfaction_survey (id, appeal_id, organization_id, member_id,"
        " operator_id, resolved_at, question_key, supervisor_comment, created_at)"
        " VALUES ({}, {}, {}, {}, {}, {}, '', '', {}) ON CONFLICT (appeal_id) DO NOTHING",
        uuid.uuid4(),
        appeal.id,
        appeal.organization_id,
        appeal.member_id,
        appeal.assignee_id,
        appeal.resolved_at or appeal.closed_at or now(),
        now(),
    )
    row = await survey_of(appeal.id, lock=True)
    assert row is not None
    return row


async def _update(survey_id: uuid.UUID, **changes: Any) -> SurveyRow:
    names = list(changes)
    sets = ", ".join(f"{n} = {{}}" for n in names)
    row = await current().db.fetch_one_as(
        SurveyRow,
        f"UPDATE satisfaction_survey SET {sets} WHERE id = {{}} RETURNING *",
        *(changes[n] for n in names),
        survey_id,
    )
    assert row is not None
    return row


def view(appeal_id: uuid.UUID, row: SurveyRow | None) -> SurveyView:
    if row is None:
        return SurveyView(appeal_id=appeal_id)
    return SurveyView(
        appeal_id=appeal_id,
        awaiting=awaiting(row),
        **{
            k: getattr(row, k)
            for k in SurveyView.__struct_fields__
            if k not in ("appeal_id", "awaiting")
        },
    )


def awaiting(row: SurveyRow, at: datetime | None = None) -> bool:
    return (
        row.asked_at is not None
        and row.member_rating is None
        and row.expires_at is not None
        and (at or now()) < row.expires_at
    )


# -- the robot asks ---------------------------------------------------------------------------


async def mark_asked(appeal: AppealRow, *, key: str, entry_id: int, hours: float) -> SurveyRow:
    """Record that the question went out (inside the robot step's transaction)."""
    row = await ensure(appeal)
    moment = now()
    return await _update(
        row.id,
        asked_at=moment,
        expires_at=moment + timedelta(hours=hours),
        question_key=key,
        question_entry_id=entry_id,
        operator_id=appeal.assignee_id,
    )


# -- the member answers -------------------------------------------------------------------------


async def claim(appeal: AppealSummary, text: str) -> dict[str, Any] | None:
    """``claim_member_reply``: a rating while the survey awaits one is stored, and the appeal
    stays resolved; any other message ends the wait and goes the usual way (reopens)."""
    row = await survey_of(appeal.id, lock=True)
    if row is None or not awaiting(row):
        return None
    mark = ratings.parse(text)
    if mark is None:
        await _update(row.id, expires_at=now())  # the member moved on: stop waiting
        return None
    await _update(row.id, member_rating=mark, member_rated_at=now())
    await publish(
        SatisfactionRated(
            organization_id=appeal.organization_id,
            appeal_id=appeal.id,
            operator_id=row.operator_id,
            source="member",
            rating=mark,
        )
    )
    return {"satisfaction_rating": mark}


# -- supervisors ----------------------------------------------------------------------------------


async def _appeal(actor: Actor, permission: str, appeal_id: uuid.UUID) -> AppealRow:
    actor.require(permission)
    try:
        row = await load_appeal(appeal_id, lock=True, field="appeal_id")
    except NotFound:
        raise NotFound(f"appeal {appeal_id} does not exist", field="appeal_id") from None
    if not (await scope_for(actor, permission)).allows(row.organization_id):
        raise NotFound(f"appeal {appeal_id} does not exist", field="appeal_id")
    return row


async def get(actor: Actor, appeal_id: uuid.UUID) -> SurveyView:
    await _appeal(actor, READ, appeal_id)
    return view(appeal_id, await survey_of(appeal_id))


async def rate(actor: Actor, appeal_id: uuid.UUID, data: SupervisorRating) -> SurveyView:
    """The supervisor's own 1–5 rating of a resolved (or closed) appeal; a new one replaces it."""
    async with current().db.transaction():
        appeal = await _appeal(actor, RATE, appeal_id)
        if appeal.status not in DONE:
            raise Conflict(
                "only a resolved or closed appeal is rated",
                field="appeal_id",
                extra={"status": appeal.status},
            )
        row = await ensure(appeal)
        row = await _update(
            row.id,
            supervisor_rating=data.rating,
            supervisor_id=actor.operator_id,
            supervisor_comment=data.comment,
            supervisor_rated_at=now(),
        )
        await publish(
            SatisfactionRated(
                organization_id=appeal.organization_id,
                appeal_id=appeal_id,
                operator_id=row.operator_id,
                source="supervisor",
                rating=data.rating,
            )
        )
    return view(appeal_id, row)


# -- the report -----------------------------------------------------------------------------------


async def report(
    actor: Actor,
    *,
    organization_id: uuid.UUID | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> SatisfactionReport:
    """Per operator: surveys, member and supervisor ratings (count, average) of appeals resolved
    in ``[since, until)`` in the actor's scope (narrowed to ``organization_id``'s subtree)."""
    actor.require(READ)
    scope = await scope_for(actor, READ)
    ids = scope.ids()
    if organization_id is not None:
        wanted = await subtree_ids([organization_id])
        ids = sorted(wanted if ids is None else wanted & set(ids))
    where: list[str] = ["1 = 1"]
    args: list[Any] = []  # organization ids, then times
    if ids is not None:
        if not ids:
            return SatisfactionReport(
                since=since, until=until, organization_id=organization_id, operators=[]
            )
        where.append(f"s.organization_id IN ({', '.join('{}' for _ in ids)})")
        args += ids
    for column, op, value in (("resolved_at", ">=", since), ("resolved_at", "<", until)):
        if value is not None:
            where.append(f"s.{column} {op} {{}}")
            args.append(value)
    rows = await current().db.fetch_as(
        _ReportRow,
        "SELECT s.operator_id, MAX(o.name) AS name, COUNT(*) AS surveys,"
        " COUNT(s.asked_at) AS asked, COUNT(s.member_rating) AS member_ratings,"
        " AVG(s.member_rating) AS member_average,"
        " COUNT(s.supervisor_rating) AS supervisor_ratings,"
        " AVG(s.supervisor_rating) AS supervisor_average"
        " FROM satisfaction_survey s LEFT JOIN operator_operator o ON o.id = s.operator_id"
        f" WHERE {' AND '.join(where)} GROUP BY s.operator_id",
        *args,
    )
    lines = [_line(r) for r in rows]
    lines.sort(
        key=lambda line: (line.operator_id is None, line.operator_name, str(line.operator_id))
    )
    return SatisfactionReport(
        since=since, until=until, organization_id=organization_id, operators=lines
    )


def _line(row: _ReportRow) -> OperatorRatings:
    def average(value: float | None) -> float | None:
        return None if value is None else round(value, 2)

    return OperatorRatings(
        operator_id=row.operator_id,
        operator_name=row.name or "",
        surveys=row.surveys,
        asked=row.asked,
        member_ratings=row.member_ratings,
        member_average=average(row.member_average),
        supervisor_ratings=row.supervisor_ratings,
        supervisor_average=average(row.supervisor_average),
    )
