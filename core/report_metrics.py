"""Hook point for plugins' numbers in the reports: satisfaction's CSAT, timekeeping's worked
hours, telephony's calls, campaigns' deliveries.

A plugin adds a :class:`MetricSource` with :func:`add_metric_source`
(``unionline.add_metric_source``) in its ``runtime_started`` hook, as a personal-data section is
added. The reports plugin (when enabled) asks every source for :class:`MetricRow` values by
organization, operator and day and shows them in its dashboards, exports and e-mails beside its
own; with reports disabled the sources are simply never asked. A source answers only for the
organizations it is given (the caller has applied the reader's scope) and sums its values per
``(key, organization, operator, day)``: ``total`` and ``count`` add up across rows, so any level
(federation, organization, operator, a day or a period) is their sum. See docs/reports.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Literal, Protocol

import msgspec

from unionline.runtime import current

_KEY = "reports.metric_sources"

# How a metric's (total, count) is shown: count → count; sum → total; average → total / count;
# percent → 100 × total / count; hours → total (hours). ``worked_hours`` is special: a metric
# of that kind (one source at most — timekeeping) is what "handled per worked hour" divides by.
MetricKind = Literal["count", "sum", "average", "percent", "hours", "worked_hours"]


class ReportMetric(msgspec.Struct, frozen=True, kw_only=True):
    """One number a source reports, e.g. ``ReportMetric(key="satisfaction.csat", kind="percent",
    title_ru="Удовлетворённость (CSAT)", title_en="Satisfaction (CSAT)")``."""

    key: str  # unique across sources; prefix it with the plugin's name
    title_ru: str
    title_en: str
    kind: MetricKind = "count"
    order: int = 100  # position among the added columns, lowest first


class MetricRow(msgspec.Struct, frozen=True, kw_only=True):
    """A metric's value for one organization, operator (None: no one) and day; ``day`` is the
    organization's local date (``unionline.calendar.timezone_for``)."""

    key: str
    organization_id: uuid.UUID
    operator_id: uuid.UUID | None
    day: date
    total: float = 0.0
    count: int = 0


class MetricQuery(msgspec.Struct, frozen=True, kw_only=True):
    """What a source is asked: days ``[since, until)`` of these organizations (already within
    the reader's scope; never all of the federation unless ``organization_ids`` is None)."""

    organization_ids: tuple[uuid.UUID, ...] | None
    since: date
    until: date


class MetricSource(Protocol):
    name: str  # the plugin's name
    metrics: Sequence[ReportMetric]

    async def rows(self, query: MetricQuery) -> Sequence[MetricRow]:
        """The values of ``metrics`` for ``query``, summed per key, organization, operator, day."""
        ...


def add_metric_source(source: MetricSource) -> None:
    """Add ``source`` to the reports of this runtime (in ``runtime_started``). One source per
    name: adding it again replaces it (``runtime_started`` runs again when a runtime restarts)."""
    current().state.setdefault(_KEY, {})[source.name] = source


def metric_sources() -> list[MetricSource]:
    """The sources added in this runtime, in the order they were added."""
    return list(current().state.get(_KEY, {}).values())


__all__ = [
    "MetricKind",
    "MetricQuery",
    "MetricRow",
    "MetricSource",
    "ReportMetric",
    "add_metric_source",
    "metric_sources",
]
