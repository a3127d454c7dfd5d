"""Worked hours in the reports (``unionline.add_metric_source``): the hours each person worked
per organization and day — the hours-per-period report, and what the reports' «обработано за
рабочий час» divides by. A day counts on its own date once it is finished."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

import msgspec

from unionline import MetricQuery, MetricRow, ReportMetric, current

WORKED = "timekeeping.worked_hours"


class _Day(msgspec.Struct, frozen=True):
    organization_id: uuid.UUID
    operator_id: uuid.UUID
    day: date
    worked_seconds: int


class WorkedHours:
    name = "timekeeping"
    metrics: Sequence[ReportMetric] = (
        ReportMetric(
            key=WORKED,
            title_ru="Отработано, ч",
            title_en="Worked, h",
            kind="worked_hours",
            order=20,
        ),
    )

    async def rows(self, query: MetricQuery) -> list[MetricRow]:
        where, args = "", []
        if query.organization_ids is not None:
            if not query.organization_ids:
                return []
            marks = ", ".join("{}" for _ in query.organization_ids)
            where, args = f" AND organization_id IN ({marks})", list(query.organization_ids)
        found = await current().db.fetch_as(
            _Day,
            "SELECT organization_id, operator_id, day, worked_seconds FROM timekeeping_workday"
            " WHERE state = 'finished' AND day >= {} AND day < {}" + where,
            query.since,
            query.until,
            *args,
        )
        return [
            MetricRow(
                key=WORKED,
                organization_id=d.organization_id,
                operator_id=d.operator_id,
                day=d.day,
                total=round(d.worked_seconds / 3600, 4),
                count=1,
            )
            for d in found
        ]
