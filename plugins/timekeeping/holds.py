"""Routing follows the workday (the ``routing_holds`` hook): a person timekeeping keeps gets
no new appeals or offers unless their workday is running — on a break they are held (their
pending offers go to others), before the start and after the finish they are held as gone
(their unanswered appeals of queues with ``requeue_when_offline`` are handed back), and an
approved absence holds them for its whole interval. People without a staff card are not held.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from unionline import RoutingHold, current

BREAK = RoutingHold(reason="timekeeping.break")
OFF_DUTY = RoutingHold(reason="timekeeping.off_duty", gone=True)
ABSENT = RoutingHold(reason="timekeeping.absence", gone=True)


class _Kept(msgspec.Struct):
    operator_id: uuid.UUID
    state: str | None
    absent: int


async def _follows() -> bool:
    from unionline.plugins.timekeeping.workday import live_settings

    return (await live_settings()).routing_follows_workday


async def holds(operator_ids: list[uuid.UUID], at: datetime) -> dict[uuid.UUID, RoutingHold]:
    """One query: the cards among ``operator_ids``, their running day and absence at ``at``."""
    if not operator_ids or not await _follows():
        return {}
    marks = ", ".join("{}" for _ in operator_ids)
    rows = await current().db.fetch_as(
        _Kept,
        "SELECT s.operator_id, w.state, (SELECT COUNT(*) FROM timekeeping_absence a"
        "  WHERE a.operator_id = s.operator_id AND a.status = 'approved'"
        "  AND a.starts_at <= {} AND a.ends_at > {}) AS absent"
        " FROM timekeeping_staff s LEFT JOIN timekeeping_workday w"
        "  ON w.operator_id = s.operator_id AND w.state != 'finished' AND w.close_after > {}"
        f" WHERE s.operator_id IN ({marks})",
        at,
        at,
        at,
        *operator_ids,
    )
    held: dict[uuid.UUID, RoutingHold] = {}
    for row in rows:
        if row.absent:
            held[row.operator_id] = ABSENT
        elif row.state == "break":
            held[row.operator_id] = BREAK
        elif row.state != "working":
            held[row.operator_id] = OFF_DUTY
    return held
