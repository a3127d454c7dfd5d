"""Calls in the reports (``unionline.add_metric_source``, as a third party would add them):
incoming calls answered and missed, and the time from a missed call to the callback that reached
the member — per organization (the line's), operator and the organization's local day.

- «Принято звонков» (``phone.answered``): incoming calls an operator answered, on the day the call
  began, for the operator whose extension answered (the line's «Добавочные операторов» as they
  are now; nobody when the extension maps to no one).
- «Пропущено звонков» (``phone.missed``): incoming calls that ended unanswered (in the IVR, the
  queue, ringing, voicemail), on the day the call began, for nobody.
- «Перезвон, мин» (``phone.callback_minutes``, an average): for each callback done, the minutes
  from when its missed call was recorded to when the call back that reached the member was, on
  the day of the call back, for the operator who called back.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from unionline import MetricQuery, MetricRow, ReportMetric, current
from unionline.calendar import timezone_for
from unionline.channel import channel_accounts
from unionline.channels.phone.model import Call
from unionline.channels.phone.settings import extensions

ANSWERED, MISSED, CALLBACK = "phone.answered", "phone.missed", "phone.callback_minutes"
LINES = ("active", "needs_reauth", "disabled")
# Calls are read by when they were stored; a provider's late webhook lands within this of the
# call's start (the day itself is the call's own, decided below).
SLACK = timedelta(days=2)

_call = msgspec.json.Decoder(Call)


class _CallRow(msgspec.Struct):
    account_id: uuid.UUID
    state: str


class _Done(msgspec.Struct):
    organization_id: uuid.UUID
    operator_id: uuid.UUID | None
    created_at: float
    completed_at: float


class CallMetrics:
    name = "phone"
    metrics: Sequence[ReportMetric] = (
        ReportMetric(key=ANSWERED, title_ru="Принято звонков", title_en="Calls answered",
                     kind="count", order=30),
        ReportMetric(key=MISSED, title_ru="Пропущено звонков", title_en="Calls missed",
                     kind="count", order=31),
        ReportMetric(key=CALLBACK, title_ru="Перезвон после пропущенного, мин",
                     title_en="Callback after a missed call, min", kind="average", order=32),
    )  # fmt: skip

    async def rows(self, query: MetricQuery) -> list[MetricRow]:
        wanted = None if query.organization_ids is None else set(query.organization_ids)
        lines = [
            line
            for line in await channel_accounts("phone", statuses=LINES)
            if wanted is None or line.organization_id in wanted
        ]
        if not lines:
            return []
        sums = _Sums(query, {line.organization_id for line in lines})
        await sums.zones()
        await _calls(sums, lines)
        await _callbacks(sums, [line.id for line in lines])
        return sums.rows()


class _Sums:
    """Values summed per (key, organization, operator, local day) within the query's days."""

    def __init__(self, query: MetricQuery, organizations: set[uuid.UUID]) -> None:
        self.query, self.organizations = query, organizations
        self.tz: dict[uuid.UUID, ZoneInfo] = {}
        self.found: dict[tuple[str, uuid.UUID, uuid.UUID | None, date], list[float]] = {}

    async def zones(self) -> None:
        for org in self.organizations:
            self.tz[org] = ZoneInfo(await timezone_for(org))

    def window(self) -> tuple[float, float]:
        start = datetime.combine(self.query.since, datetime.min.time(), UTC) - SLACK
        end = datetime.combine(self.query.until, datetime.min.time(), UTC) + SLACK
        return start.timestamp(), end.timestamp()

    def add(
        self, key: str, org: uuid.UUID, operator: uuid.UUID | None, at: float, total: float
    ) -> None:
        day = datetime.fromtimestamp(at, self.tz[org]).date()
        if self.query.since <= day < self.query.until:
            pair = self.found.setdefault((key, org, operator, day), [0.0, 0])
            pair[0] += total
            pair[1] += 1

    def rows(self) -> list[MetricRow]:
        out = []
        for (key, org, op, day), (total, count) in self.found.items():
            out.append(
                MetricRow(
                    key=key,
                    organization_id=org,
                    operator_id=op,
                    day=day,
                    total=round(total, 4),
                    count=int(count),
                )
            )
        return out


def _marks(n: int) -> str:
    return ", ".join("{}" for _ in range(n))


async def _operators(lines: list[Any]) -> dict[uuid.UUID, dict[str, uuid.UUID]]:
    """Each line's extension → operator (by the logins its settings name)."""
    logins = {line.id: extensions(line.config) for line in lines}
    names = sorted({login for m in logins.values() for login in m.values()})
    ids: dict[str, uuid.UUID] = {}
    if names:
        for r in await current().db.fetch(
            f"SELECT id, login FROM operator_operator WHERE login IN ({_marks(len(names))})",
            *names,
        ):
            ids[str(r["login"])] = uuid.UUID(str(r["id"]))
    return {
        line: {ext: ids[login] for ext, login in m.items() if login in ids}
        for line, m in logins.items()
    }


async def _calls(sums: _Sums, lines: list[Any]) -> None:
    by_line = {line.id: line for line in lines}
    staff = await _operators(lines)
    start, end = sums.window()
    rows = await current().db.fetch_as(
        _CallRow,
        "SELECT account_id, state FROM phone_call WHERE direction = 'in'"
        f" AND account_id IN ({_marks(len(by_line))}) AND created_at >= {{}} AND created_at < {{}}",
        *by_line,
        start,
        end,
    )
    for row in rows:
        call = _call.decode(row.state)
        org = by_line[row.account_id].organization_id
        if call.answered:
            who = staff[row.account_id].get(call.extension)
            sums.add(ANSWERED, org, who, call.started_at, 1.0)
        elif call.missed:
            sums.add(MISSED, org, None, call.started_at, 1.0)


async def _callbacks(sums: _Sums, line_ids: list[uuid.UUID]) -> None:
    start, end = sums.window()
    done = await current().db.fetch_as(
        _Done,
        "SELECT organization_id, operator_id, created_at, completed_at FROM phone_callback"
        f" WHERE status = 'done' AND account_id IN ({_marks(len(line_ids))})"
        " AND completed_at >= {} AND completed_at < {}",
        *line_ids,
        start,
        end,
    )
    for d in done:
        if d.organization_id in sums.tz:
            minutes = max(0.0, d.completed_at - d.created_at) / 60
            sums.add(CALLBACK, d.organization_id, d.operator_id, d.completed_at, minutes)
