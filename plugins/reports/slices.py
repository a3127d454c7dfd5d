"""The rollup by queue, tag and hour of day (``reports_slice``), beside the daily rollup.

A row is ``(organization, day, dimension, value)`` with every counter: ``queue`` (the appeal's
queue id, ``""`` none), ``tag`` (each of the appeal's tags — an appeal counts under every one of
them, ``""`` when it has none) and ``hour`` (the local hour a thing happened, ``"0"``–``"23"``;
``""`` for time held and backlog moves, which are not split by hour). An appeal counts under its
queue and tags as they are now (kept in ``reports_appeal.queue`` and ``reports_tag``), so a
change of either moves its numbers, and the rebuild — which reads the appeals as they are —
agrees. The slices are sums of the same contributions as the daily rollup.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from unionline import current
from unionline.plugins.reports.metrics import COUNTERS, NO_HOUR, AppealInput, add_into

DIMENSIONS = ("queue", "tag", "hour")
SLICE = ("organization_id", "day", "dim", "value")
SliceKey = tuple[uuid.UUID, int, str, str]
# A contribution's key: organization, day, operator, channel, hour.
ContributionKey = tuple[uuid.UUID, int, uuid.UUID, str, int]


@dataclass(frozen=True)
class Labels:
    """What an appeal is counted under besides its cells: its queue ("" none) and tags."""

    queue: str = ""
    tags: tuple[str, ...] = ()


NONE = Labels()


def labels_of(appeal: AppealInput) -> Labels:
    tags = appeal.tags
    if isinstance(tags, str | bytes):
        tags = json.loads(tags or "[]")
    found = sorted({str(t)[:100] for t in (tags or []) if str(t)})
    return Labels(queue=str(appeal.queue_id) if appeal.queue_id else "", tags=tuple(found))


def hour_value(hour: int) -> str:
    return "" if hour == NO_HOUR else str(hour)


def sliced(
    cells: dict[ContributionKey, list[int]],
    labels: Labels,
    into: dict[SliceKey, list[int]],
    sign: int = 1,
) -> None:
    """Add (or take away) an appeal's contributions to its slice rows."""
    for (org, day, _operator, _channel, hour), values in cells.items():
        add_into(into, (org, day, "queue", labels.queue), values, sign)
        for tag in labels.tags or ("",):
            add_into(into, (org, day, "tag", tag), values, sign)
        add_into(into, (org, day, "hour", hour_value(hour)), values, sign)


def _marks(n: int) -> str:
    return ", ".join("{}" for _ in range(n))


# -- what each appeal was counted under -------------------------------------------------------


async def stored_labels(ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Labels]:
    db = current().db
    queues = await db.fetch_as(
        _Queued,
        f"SELECT appeal_id, queue FROM reports_appeal WHERE appeal_id IN ({_marks(len(ids))})",
        *ids,
    )
    tags: dict[uuid.UUID, list[str]] = {}
    for r in await db.fetch_as(
        _Tagged,
        f"SELECT appeal_id, tag FROM reports_tag WHERE appeal_id IN ({_marks(len(ids))})",
        *ids,
    ):
        tags.setdefault(r.appeal_id, []).append(r.tag)
    return {
        r.appeal_id: Labels(queue=r.queue or "", tags=tuple(sorted(tags.get(r.appeal_id, []))))
        for r in queues
    }


class _Queued(msgspec.Struct, frozen=True):
    appeal_id: uuid.UUID
    queue: str | None


class _Tagged(msgspec.Struct, frozen=True):
    appeal_id: uuid.UUID
    tag: str


async def write_labels(appeal_id: uuid.UUID, labels: Labels) -> None:
    db = current().db
    await db.execute(
        "UPDATE reports_appeal SET queue = {} WHERE appeal_id = {}", labels.queue, appeal_id
    )
    await db.execute("DELETE FROM reports_tag WHERE appeal_id = {}", appeal_id)
    await insert_tags([(appeal_id, t) for t in labels.tags])


async def insert_tags(pairs: list[tuple[uuid.UUID, str]]) -> None:
    for start in range(0, len(pairs), 400):
        chunk = pairs[start : start + 400]
        rows = ", ".join("({}, {})" for _ in chunk)
        await current().db.execute(
            f"INSERT INTO reports_tag (appeal_id, tag) VALUES {rows}",
            *(v for pair in chunk for v in pair),
        )


# -- the slice rows -----------------------------------------------------------------------------


def _part(dim: str, value: str, join: str = "") -> str:
    counters = ", ".join(f"c.{c}" for c in COUNTERS)
    return (
        f"SELECT c.organization_id, c.day, '{dim}' AS dim, {value} AS value, {counters}"
        f" FROM reports_contribution c{join}"
    )


SUMMED = (
    f"SELECT {', '.join(SLICE)}, {', '.join(f'CAST(SUM({c}) AS BIGINT) AS {c}' for c in COUNTERS)}"
    " FROM ("
    + " UNION ALL ".join(
        [
            _part("queue", "a.queue", " JOIN reports_appeal a ON a.appeal_id = c.appeal_id"),
            _part(
                "tag",
                "COALESCE(t.tag, '')",
                " LEFT JOIN reports_tag t ON t.appeal_id = c.appeal_id",
            ),
            _part("hour", f"CASE WHEN c.hour = {NO_HOUR} THEN '' ELSE CAST(c.hour AS TEXT) END"),
        ]
    )
    + f") x GROUP BY {', '.join(SLICE)}"
)


# -- read by the query layer -------------------------------------------------------------------


async def read(
    dim: str, scope: str, args: list[Any], since: int, until: int
) -> dict[str, tuple[list[int], int]]:
    """Counter sums per value of ``dim`` for days ``[since, until)`` (YYYYMMDD), and each
    value's backlog as the first day began."""
    db = current().db
    summed = ", ".join(f"CAST(SUM({c}) AS BIGINT) AS {c}" for c in COUNTERS)
    out: dict[str, tuple[list[int], int]] = {}
    for r in await db.fetch(
        f"SELECT value, {summed} FROM reports_slice WHERE dim = {{}} AND day >= {{}}"
        f" AND day < {{}}{scope} GROUP BY value",
        dim,
        since,
        until,
        *args,
    ):
        out[str(r["value"])] = ([int(r[c] or 0) for c in COUNTERS], 0)
    for r in await db.fetch(
        "SELECT value, CAST(SUM(backlog_delta) AS BIGINT) AS n FROM reports_slice"
        f" WHERE dim = {{}} AND day < {{}} AND backlog_delta <> 0{scope} GROUP BY value",
        dim,
        since,
        *args,
    ):
        counters, _ = out.get(str(r["value"]), ([0] * len(COUNTERS), 0))
        out[str(r["value"])] = (counters, int(r["n"] or 0))
    return out


def behind(dim: str, value: str) -> tuple[str, list[Any]]:
    """The condition on ``reports_contribution`` for the appeals behind a slice row."""
    if dim == "queue":
        return " AND appeal_id IN (SELECT appeal_id FROM reports_appeal WHERE queue = {})", [value]
    if dim == "tag" and value:
        return " AND appeal_id IN (SELECT appeal_id FROM reports_tag WHERE tag = {})", [value]
    if dim == "tag":
        return " AND appeal_id NOT IN (SELECT appeal_id FROM reports_tag)", []
    return " AND hour = {}", [int(value) if value else NO_HOUR]
