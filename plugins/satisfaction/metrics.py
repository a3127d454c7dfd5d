"""Satisfaction's numbers in the reports (``unionline.add_metric_source``): CSAT — the share of
members' ratings that are 4 or 5 — and the average member and supervisor ratings, per
organization, operator (who held the appeal when it was resolved) and the organization's local
day of the resolution, as the satisfaction report counts them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import msgspec

from unionline import MetricQuery, MetricRow, ReportMetric, current
from unionline.calendar import timezone_for

CSAT = "satisfaction.csat"
MEMBER = "satisfaction.member_average"
SUPERVISOR = "satisfaction.supervisor_average"
_Key = tuple[str, uuid.UUID, uuid.UUID | None, date]


class _Rated(msgspec.Struct, frozen=True):
    organization_id: uuid.UUID
    operator_id: uuid.UUID | None
    resolved_at: datetime
    member_rating: int | None
    supervisor_rating: int | None


class SatisfactionMetrics:
    name = "satisfaction"
    metrics: Sequence[ReportMetric] = (
        ReportMetric(key=CSAT, title_ru="Удовлетворённость (CSAT), %",
                     title_en="Satisfaction (CSAT), %", kind="percent", order=10),
        ReportMetric(key=MEMBER, title_ru="Оценка членов профсоюза, средняя",
                     title_en="Members' rating, average", kind="average", order=11),
        ReportMetric(key=SUPERVISOR, title_ru="Оценка руководителя, средняя",
                     title_en="Supervisor's rating, average", kind="average", order=12),
    )  # fmt: skip

    async def rows(self, query: MetricQuery) -> list[MetricRow]:
        # A day either side of the dates covers every time zone; the exact day comes below.
        since = datetime.combine(query.since - timedelta(days=1), time(), ZoneInfo("UTC"))
        until = datetime.combine(query.until + timedelta(days=1), time(), ZoneInfo("UTC"))
        where, args = "", []
        if query.organization_ids is not None:
            if not query.organization_ids:
                return []
            marks = ", ".join("{}" for _ in query.organization_ids)
            where, args = f" AND organization_id IN ({marks})", list(query.organization_ids)
        found = await current().db.fetch_as(
            _Rated,
            "SELECT organization_id, operator_id, resolved_at, member_rating, supervisor_rating"
            " FROM satisfaction_survey WHERE resolved_at >= {} AND resolved_at < {}"
            " AND (member_rating IS NOT NULL OR supervisor_rating IS NOT NULL)" + where,
            since,
            until,
            *args,
        )
        zones: dict[uuid.UUID, ZoneInfo] = {}
        sums: dict[_Key, list[float]] = {}
        for r in found:
            if r.organization_id not in zones:
                zones[r.organization_id] = ZoneInfo(await timezone_for(r.organization_id))
            day = r.resolved_at.astimezone(zones[r.organization_id]).date()
            if not query.since <= day < query.until:
                continue
            cell = (r.organization_id, r.operator_id, day)
            if r.member_rating is not None:
                _add(sums, (CSAT, *cell), 1.0 if r.member_rating >= 4 else 0.0)
                _add(sums, (MEMBER, *cell), float(r.member_rating))
            if r.supervisor_rating is not None:
                _add(sums, (SUPERVISOR, *cell), float(r.supervisor_rating))
        return [
            MetricRow(key=k, organization_id=o, operator_id=op, day=d, total=t, count=int(n))
            for (k, o, op, d), (t, n) in sums.items()
        ]


def _add(sums: dict[_Key, list[float]], key: _Key, value: float) -> None:
    pair = sums.setdefault(key, [0.0, 0.0])
    pair[0] += value
    pair[1] += 1
