"""The metric definitions, written once (docs/reports.md states them in words).

:func:`contributions` reads one appeal's row and timeline and answers what the appeal adds to
each ``(day, operator)`` cell of the daily rollup: every counter of :data:`COUNTERS`. It is a pure
function of the raw data (and the organization's calendar and the SLA targets) — no "now" — so
the rollup kept from events and the rollup rebuilt from scratch are sums of the same values and
agree exactly. Everything else (the dashboards, the API, the exports, the e-mails) reads sums of
these counters through :mod:`.query`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import msgspec

from unionline.appeals.statuses import ACTIVE, DONE
from unionline.calendar import WorkCalendar
from unionline.rows import decode_row

NOBODY = uuid.UUID(int=0)  # the operator of a cell no operator is behind (unassigned)

# Every counter of a rollup cell, in column order. Times are whole seconds.
COUNTERS: tuple[str, ...] = (
    "received",  # appeals created (merged-away appeals count nowhere)
    "reopened",  # a resolved or closed appeal became active again
    "first_responses",  # first human replies of a cycle (creation or reopen)
    "frt_seconds",  # their first response times, calendar time
    "frt_business_seconds",  # the same in working time, waiting pauses left out
    "frt_sla_met",
    "frt_sla_breached",
    "resolved",  # an active appeal became resolved or closed
    "resolution_seconds",
    "resolution_business_seconds",
    "resolution_sla_met",
    "resolution_sla_breached",
    "transfers",  # the appeal passed from this operator to another (directly or via a queue)
    "replies",  # human replies sent (robots, auto-replies and outside echoes excluded)
    "messages_in",  # member messages
    "backlog_delta",  # +1 becoming active (or taken), −1 done (or handed on): a running sum
    "held_seconds",  # time the operator held the appeal while it was active (finished spells)
)
INDEX = {name: i for i, name in enumerate(COUNTERS)}

# Hour of a cell not tied to a moment's hour: time held and backlog moves (not split by hour).
NO_HOUR = 24
# (day as YYYYMMDD in the organization's zone, local hour 0–23 or NO_HOUR, operator)
Cell = tuple[int, int, uuid.UUID]


class AppealInput(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    channel: str
    created_at: datetime
    merged_into_id: uuid.UUID | None
    queue_id: uuid.UUID | None = None
    tags: Any = None  # the appeal's tags (a JSON list, as text on some engines)


class EntryInput(msgspec.Struct, frozen=True, kw_only=True):
    """An ``appeal_timeline`` row, as much as the metrics read of it."""

    id: int
    appeal_id: uuid.UUID
    kind: str
    author_id: uuid.UUID | None
    data: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class Targets:
    """SLA targets in business hours (0: no target, no met/breached counts)."""

    first_response_hours: float
    resolution_hours: float


@dataclass
class Outcome:
    """What one appeal adds to the rollup, and who holds it now (for live load)."""

    cells: dict[Cell, list[int]] = field(default_factory=dict)
    held_by: uuid.UUID | None = None
    held_since: datetime | None = None

    def add(self, cell: Cell, name: str, value: int = 1) -> None:
        counters = self.cells.setdefault(cell, [0] * len(COUNTERS))
        counters[INDEX[name]] += value

    def pruned(self) -> Outcome:
        self.cells = {k: v for k, v in self.cells.items() if any(v)}
        return self


def day_of(moment: datetime, calendar: WorkCalendar) -> int:
    local = moment.astimezone(calendar.tz).date()
    return local.year * 10000 + local.month * 100 + local.day


def hour_of(moment: datetime, calendar: WorkCalendar) -> int:
    return moment.astimezone(calendar.tz).hour


class _Assigned(msgspec.Struct, frozen=True):
    """An ``assigned`` timeline entry's data: the operator it went to (None: unassigned)."""

    new: uuid.UUID | None = None


def _seconds(delta: timedelta) -> int:
    return round(delta.total_seconds())


@dataclass
class _Walk:
    """The state of an appeal while its timeline is read in order."""

    appeal: AppealInput
    calendar: WorkCalendar
    targets: Targets
    out: Outcome = field(default_factory=Outcome)
    status: str = "new"
    holder: uuid.UUID | None = None
    holder_since: datetime | None = None
    last_holder: uuid.UUID | None = None
    cycle_start: datetime | None = None  # creation or the reopen: resolution counts from here
    frt_start: datetime | None = None  # first member message of the cycle, or the reopen
    responded: bool = False
    waits: list[tuple[datetime, datetime | None]] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    def cell(self, at: datetime, operator: uuid.UUID | None, hourly: bool = True) -> Cell:
        hour = hour_of(at, self.calendar) if hourly else NO_HOUR
        return (day_of(at, self.calendar), hour, operator or NOBODY)

    def moved(self, at: datetime, operator: uuid.UUID | None, step: int = 1) -> None:
        """The backlog moves (kept by day, not by hour)."""
        self.out.add(self.cell(at, operator, hourly=False), "backlog_delta", step)

    def business(self, start: datetime, end: datetime) -> int:
        """Working time in ``[start, end)`` minus the waiting pauses inside it."""
        total = self.calendar.between(start, end)
        for since, until in self.waits:
            a, b = max(start, since), min(end, until or end)
            if b > a:
                total -= self.calendar.between(a, b)
        return _seconds(total)

    # -- what happens ---------------------------------------------------------------------

    def created(self) -> None:
        at = self.appeal.created_at
        self.out.add(self.cell(at, None), "received")
        self.moved(at, None)
        self.cycle_start = at

    def message_in(self, at: datetime) -> None:
        self.out.add(self.cell(at, self.holder), "messages_in")
        if self.active and not self.responded and self.frt_start is None:
            self.frt_start = at

    def message_out(self, entry: EntryInput) -> None:
        if entry.author_id is None or entry.data.get("sent_elsewhere"):
            return  # a robot, an automatic reply, or sent outside Unionline: no one's answer
        at, who = entry.created_at, entry.author_id
        self.out.add(self.cell(at, who), "replies")
        if not self.active or self.responded or self.frt_start is None or at < self.frt_start:
            return
        self.responded = True
        cell = self.cell(at, who)
        business = self.business(self.frt_start, at)
        self.out.add(cell, "first_responses")
        self.out.add(cell, "frt_seconds", _seconds(at - self.frt_start))
        self.out.add(cell, "frt_business_seconds", business)
        self._sla(cell, "frt", business, self.targets.first_response_hours)

    def status_changed(self, at: datetime, old: str, new: str) -> None:
        if old == "waiting" and self.waits and self.waits[-1][1] is None:
            self.waits[-1] = (self.waits[-1][0], at)
        if new == "waiting" and old != "waiting":
            self.waits.append((at, None))
        if old in ACTIVE and new in DONE:
            self._resolved(at)
        elif old in DONE and new in ACTIVE:
            self._reopened(at)
        self.status = new

    def _resolved(self, at: datetime) -> None:
        cell = self.cell(at, self.holder)
        start = self.cycle_start or self.appeal.created_at
        business = self.business(start, at)
        self.out.add(cell, "resolved")
        self.out.add(cell, "resolution_seconds", _seconds(at - start))
        self.out.add(cell, "resolution_business_seconds", business)
        self._sla(cell, "resolution", business, self.targets.resolution_hours)
        self.moved(at, self.holder, -1)
        self._end_spell(at)

    def _reopened(self, at: datetime) -> None:
        cell = self.cell(at, self.holder)
        self.out.add(cell, "reopened")
        self.moved(at, self.holder)
        self.cycle_start = self.frt_start = at
        self.responded = False
        self.waits = []
        self.holder_since = at if self.holder else None

    def assigned(self, at: datetime, new: uuid.UUID | None) -> None:
        if self.active:
            self._end_spell(at)
            self.moved(at, self.holder, -1)
            self.moved(at, new)
            self.holder_since = at if new else None
        if new is not None and self.last_holder is not None and new != self.last_holder:
            self.out.add(self.cell(at, self.last_holder), "transfers")
        if new is not None:
            self.last_holder = new
        self.holder = new

    def _end_spell(self, at: datetime) -> None:
        """The holder's spell with the active appeal ends at ``at``: split it by local day."""
        if self.holder is None or self.holder_since is None:
            return
        start = self.holder_since
        while start < at:
            local = start.astimezone(self.calendar.tz)
            midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time())
            stop = min(at, midnight.replace(tzinfo=self.calendar.tz))
            cell = self.cell(start, self.holder, hourly=False)
            self.out.add(cell, "held_seconds", _seconds(stop - start))
            start = stop
        self.holder_since = None

    def _sla(self, cell: Cell, prefix: str, business: int, hours: float) -> None:
        if hours > 0:
            met = business <= round(hours * 3600)
            self.out.add(cell, f"{prefix}_sla_{'met' if met else 'breached'}")

    def entry(self, entry: EntryInput) -> None:
        at, data = entry.created_at, entry.data
        if entry.kind == "message_in":
            self.message_in(at)
        elif entry.kind == "message_out":
            self.message_out(entry)
        elif entry.kind == "status_changed":
            self.status_changed(at, str(data.get("old", "")), str(data.get("new", "")))
        elif entry.kind == "assigned":
            self.assigned(at, decode_row(_Assigned, data).new)


def contributions(
    appeal: AppealInput,
    entries: Iterable[EntryInput],
    calendar: WorkCalendar,
    targets: Targets,
) -> Outcome:
    """What ``appeal`` adds to the daily rollup, read from its timeline in time order.

    A merged-away appeal adds nothing: its messages moved to the appeal it joined, whose
    timeline now holds them."""
    walk = _Walk(appeal=appeal, calendar=calendar, targets=targets)
    if appeal.merged_into_id is not None:
        return walk.out
    walk.created()
    for entry in sorted(entries, key=lambda e: (e.created_at, e.id)):
        walk.entry(entry)
    if walk.active and walk.holder is not None:
        walk.out.held_by, walk.out.held_since = walk.holder, walk.holder_since
    return walk.out.pruned()


def add_into(total: dict[Any, list[int]], key: Any, values: Sequence[int], sign: int = 1) -> None:
    row = total.setdefault(key, [0] * len(COUNTERS))
    for i, value in enumerate(values):
        row[i] += sign * value
