"""Other plugins' numbers (``unionline.add_metric_source``): asked with the reader's scope,
summed into the same rows as the rollup's counters, shown by their kind."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from unionline import MetricQuery, ReportMetric, metric_sources
from unionline.plugins.reports.schemas import MetricInfo

if TYPE_CHECKING:
    from unionline.plugins.reports.query import Sums

WORKED = "worked_hours"  # where a worked_hours metric's value is kept, whatever its key


def metrics() -> list[ReportMetric]:
    found = [m for source in metric_sources() for m in source.metrics]
    return sorted(found, key=lambda m: (m.order, m.key))


def infos() -> list[MetricInfo]:
    return [
        MetricInfo(key=m.key, title_ru=m.title_ru, title_en=m.title_en, kind=m.kind)
        for m in metrics()
        if m.kind != "worked_hours"
    ]


async def gather(
    out: dict[str, Sums],
    ids: list[uuid.UUID] | None,
    since: date,
    until: date,
    row_key: Any,
    dim: str | None,
) -> None:
    """Add every source's rows for the days to ``out`` (sources have no channel)."""
    query = MetricQuery(
        organization_ids=None if ids is None else tuple(ids), since=since, until=until
    )
    kinds = {m.key: m.kind for m in metrics()}
    allowed = None if ids is None else set(ids)
    from unionline.plugins.reports.metrics import NOBODY
    from unionline.plugins.reports.query import Sums, ymd

    for source in metric_sources():
        for row in await source.rows(query):
            if row.key not in kinds or (allowed is not None and row.organization_id not in allowed):
                continue  # a source answering beyond what it was asked is not believed
            if not since <= row.day < until:
                continue
            record = {
                "organization_id": row.organization_id,
                "operator_id": row.operator_id or NOBODY,
                "day": ymd(row.day),
                "channel": "",
            }
            key = WORKED if kinds[row.key] == "worked_hours" else row.key
            pair = out.setdefault(row_key(record), Sums()).extra.setdefault(key, [0.0, 0])
            pair[0] += row.total
            pair[1] += row.count


def shown(extra: dict[str, list[float]]) -> dict[str, float | None]:
    """Each metric's value by its kind (None where there is nothing to divide)."""
    values: dict[str, float | None] = {}
    for m in metrics():
        if m.kind == "worked_hours":
            continue
        total, count = extra.get(m.key, [0.0, 0])
        if m.kind == "count":
            values[m.key] = float(count)
        elif m.kind in ("sum", "hours"):
            values[m.key] = round(total, 2)
        elif m.kind == "average":
            values[m.key] = round(total / count, 2) if count else None
        else:  # percent
            values[m.key] = round(100.0 * total / count, 1) if count else None
    return values
