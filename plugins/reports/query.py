"""The one query layer: every number the console, the API, the exports and the e-mails show
comes from :func:`report` (and the appeals behind a number from :func:`appeals_behind`).

It sums the daily rollup (:mod:`.rollup`) over the days asked — each organization's own calendar
days — within the reader's scope (``reports.read``) narrowed to an organization's subtree, and
turns the sums into :class:`.schemas.Figures` in one place (:func:`figures`). Other plugins'
numbers come from their metric sources (:mod:`.sources`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from unionline import Actor, current, filter_scope, now
from unionline.calendar import timezone_for
from unionline.plugins.reports import slices, sources
from unionline.plugins.reports.metrics import COUNTERS, INDEX, NOBODY
from unionline.plugins.reports.schemas import (
    AppealLine,
    AppealLines,
    Crumb,
    Figures,
    Group,
    Report,
    ReportRow,
)
from unionline.rows import decode_row

READ = "reports.read"
DRILLABLE = tuple(c for c in COUNTERS if c != "backlog_delta")


FIRST, LAST = date(2000, 1, 1), date(2100, 1, 1)
LONGEST = 3660  # days: ten years at most in one report (its previous period as long)


def check_period(since: date, until: date) -> None:
    from unionline import Invalid

    if not FIRST <= since < LAST:
        raise Invalid("since must be a date from 2000 to 2099", field="since")
    if not FIRST < until <= LAST:
        raise Invalid("until must be a date from 2000 to 2100", field="until")
    if until <= since:
        raise Invalid("until must be after since", field="until")
    if (until - since).days > LONGEST:
        raise Invalid(f"a report covers at most {LONGEST} days", field="until")


def ymd(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def from_ymd(value: int) -> date:
    return date(value // 10000, value // 100 % 100, value % 100)


class Org(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    parent_id: uuid.UUID | None
    name: str
    path: str


@dataclass
class Sums:
    """Counter sums, backlogs, live holding and plugin metrics gathered for one row."""

    counters: list[int] = field(default_factory=lambda: [0] * len(COUNTERS))
    backlog_start: int = 0
    backlog_end: int = 0
    live_held: int = 0
    extra: dict[str, list[float]] = field(default_factory=dict)  # key -> [total, count]

    def add(self, values: Sequence[int]) -> None:
        for i, v in enumerate(values):
            self.counters[i] += int(v)


# -- who reads what ---------------------------------------------------------------------------


async def visible(actor: Actor, organization_id: uuid.UUID | None) -> list[uuid.UUID] | None:
    """The organizations the reader's numbers cover (None: the whole federation); with
    ``organization_id`` its subtree — none at all for an organization outside the reader's
    scope or of none, so a report of it counts nothing (``filter_scope``)."""
    actor.require(READ)
    return (await filter_scope(actor, READ, organization_id)).ids()


async def organizations() -> dict[uuid.UUID, Org]:
    rows = await current().db.fetch_as(
        Org, "SELECT id, parent_id, name, path FROM organization_organization"
    )
    return {r.id: r for r in rows}


def top_organizations(orgs: dict[uuid.UUID, Org], ids: list[uuid.UUID] | None) -> list[Org]:
    """The readable organizations whose parent is not readable, by name."""
    seen = set(orgs) if ids is None else set(ids)
    return sorted(
        (o for o in orgs.values() if o.id in seen and o.parent_id not in seen),
        key=lambda o: o.name,
    )


def _where(ids: list[uuid.UUID] | None, alias: str = "") -> tuple[str, list[Any]]:
    if ids is None:
        return "", []
    if not ids:
        return " AND 1 = 0", []
    return f" AND {alias}organization_id IN ({', '.join('{}' for _ in ids)})", list(ids)


# -- the report ---------------------------------------------------------------------------------


async def report(
    actor: Actor,
    *,
    since: date,
    until: date,
    organization_id: uuid.UUID | None = None,
    group: Group = "organization",
    compare: bool = True,
) -> Report:
    """The report of days ``[since, until)`` for the reader, by ``group``."""
    check_period(since, until)
    _ZONES.clear()
    orgs = await organizations()
    ids = await visible(actor, organization_id)
    if organization_id is None:
        tops = top_organizations(orgs, ids)
        if len(tops) == 1:  # one top organization: start at it, its organizations as rows
            organization_id = tops[0].id
            ids = await visible(actor, organization_id)
    rows, whole = await _grouped(orgs, ids, organization_id, group, since, until)
    totals = figures(whole, (until - since).days)
    previous = None
    if compare:
        before = since - (until - since)
        found = await _sums(ids, before, since, lambda *_: "", history=False)
        earlier = found.get("", Sums())
        earlier.backlog_end = whole.backlog_start  # where this period began
        earlier.backlog_start = whole.backlog_start - earlier.counters[INDEX["backlog_delta"]]
        previous = figures(earlier, (since - before).days)
    return Report(
        since=since,
        until=until,
        organization_id=organization_id,
        group=group,
        path=_path(orgs, ids, organization_id, actor),
        totals=totals,
        previous=previous,
        rows=rows,
        metrics=sources.infos(),
    )


def combined(found: dict[str, Sums], by_day: bool) -> Sums:
    """The sums of every row: the totals. By day, the backlogs are the first day's start and
    the last day's end (rows in date order), not a sum."""
    whole = Sums()
    for s in found.values():
        whole.add(s.counters)
        whole.live_held += s.live_held
        if not by_day:
            whole.backlog_start += s.backlog_start
            whole.backlog_end += s.backlog_end
        for k, (t, n) in s.extra.items():
            pair = whole.extra.setdefault(k, [0.0, 0])
            pair[0] += t
            pair[1] += n
    days = sorted(k for k in found if k)
    if by_day and days:
        whole.backlog_start, whole.backlog_end = (
            found[days[0]].backlog_start,
            found[days[-1]].backlog_end,
        )
    return whole


def _path(
    orgs: dict[uuid.UUID, Org], ids: list[uuid.UUID] | None, org_id: uuid.UUID | None, actor: Actor
) -> list[Crumb]:
    if org_id is None or org_id not in orgs or (ids is not None and org_id not in ids):
        return []  # no organization, or one the reader does not see: no names of its line
    line = [uuid.UUID(p) for p in orgs[org_id].path.strip("/").split("/") if p]
    return [Crumb(organization_id=o, name=orgs[o].name) for o in line if o in orgs]


async def _grouped(
    orgs: dict[uuid.UUID, Org],
    ids: list[uuid.UUID] | None,
    organization_id: uuid.UUID | None,
    group: Group,
    since: date,
    until: date,
) -> tuple[list[ReportRow], Sums]:
    """The rows of the report, and the sums of all of them (the totals)."""
    if group == "organization":
        return await _by_organization(orgs, ids, organization_id, since, until)
    if group in slices.DIMENSIONS:
        return await _by_slice(ids, group, since, until)
    names = await _operator_names() if group == "operator" else {}

    def key(org: uuid.UUID, operator: uuid.UUID, channel: str, day: int) -> str:
        if group == "operator":
            return str(operator)
        if group == "channel":
            return channel
        return from_ymd(day).isoformat()

    sums = await _sums(ids, since, until, key, group)
    found = _figures(sums, since, until)
    rows = []
    for k, fig in found.items():
        if group in ("channel", "day") and k == "":
            continue  # spells running, other plugins' rows without a channel: in the totals
        if group == "operator":
            op = uuid.UUID(k)
            label = "" if op == NOBODY else names.get(op, "")
            rows.append(ReportRow(key=k, label=label, figures=fig, operator_id=op))
        else:
            rows.append(ReportRow(key=k, label=k, figures=fig))
    if group == "operator":
        rows.sort(key=lambda r: (r.operator_id == NOBODY, r.label, r.key))
    else:
        rows.sort(key=lambda r: r.key)
    return rows, combined(sums, by_day=group == "day")


async def _by_organization(
    orgs: dict[uuid.UUID, Org],
    ids: list[uuid.UUID] | None,
    organization_id: uuid.UUID | None,
    since: date,
    until: date,
) -> tuple[list[ReportRow], Sums]:
    seen = set(orgs) if ids is None else set(ids)
    if organization_id is None:
        heads = top_organizations(orgs, ids)
    else:
        heads = sorted(
            (o for o in orgs.values() if o.parent_id == organization_id and o.id in seen),
            key=lambda o: o.name,
        )
    by_path = sorted(heads, key=lambda o: -len(o.path))

    def head_of(org: uuid.UUID, *_: Any) -> str:
        path = orgs[org].path if org in orgs else ""
        for h in by_path:
            if path.startswith(h.path):
                return str(h.id)
        return str(org)  # the chosen organization's own appeals

    sums = await _sums(ids, since, until, head_of, "organization")
    found = _figures(sums, since, until)
    rows = []
    for h in heads:
        below = any(o.parent_id == h.id for o in orgs.values())
        fig = found.get(str(h.id), Figures())
        rows.append(
            ReportRow(key=str(h.id), label=h.name, figures=fig, drill=below, organization_id=h.id)
        )
    if organization_id is not None and str(organization_id) in found:
        rows.insert(
            0,
            ReportRow(
                key=str(organization_id),
                label=orgs[organization_id].name,
                figures=found[str(organization_id)],
                organization_id=organization_id,
            ),
        )
    return rows, combined(sums, by_day=False)


async def _by_slice(
    ids: list[uuid.UUID] | None, dim: str, since: date, until: date
) -> tuple[list[ReportRow], Sums]:
    """Rows by queue, tag or hour (:mod:`.slices`); the totals are the daily rollup's, the same
    as every other breakdown's (by tag the rows add up to more: an appeal under each tag)."""
    scope, args = _where(ids)
    found = await slices.read(dim, scope, args, ymd(since), ymd(until))
    names = await _queue_names() if dim == "queue" else {}
    days = (until - since).days
    rows = []
    for value, (counters, backlog) in found.items():
        if dim == "hour" and value == "":
            continue  # time held and backlog moves have no hour: in the totals alone
        s = Sums(counters=counters, backlog_start=backlog)
        s.backlog_end = backlog + counters[INDEX["backlog_delta"]]
        fig = figures(s, days)
        if dim == "hour":  # not split by hour: neither load nor backlog is shown per hour
            fig.concurrent_average = None
        rows.append(ReportRow(key=value, label=_slice_label(dim, value, names), figures=fig))
    if dim == "hour":
        rows.sort(key=lambda r: int(r.key))
    else:
        rows.sort(key=lambda r: (r.key == "", r.label, r.key))
    whole = await _sums(ids, since, until, lambda *_: "")
    return rows, whole.get("", Sums())


def _slice_label(dim: str, value: str, names: dict[str, str]) -> str:
    if dim == "hour":
        return f"{int(value):02d}:00–{(int(value) + 1) % 24:02d}:00"
    if value == "":
        return "Без очереди" if dim == "queue" else "Без метки"
    return names.get(value, value) if dim == "queue" else value


async def _queue_names() -> dict[str, str]:
    rows = await current().db.fetch("SELECT id, name FROM routing_queue")
    return {str(r["id"]): str(r["name"]) for r in rows}


async def _operator_names() -> dict[uuid.UUID, str]:
    rows = await current().db.fetch_as(_Named, "SELECT id, name, login FROM operator_operator")
    return {r.id: r.name or r.login for r in rows}


class _Named(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str | None
    login: str


_DIMENSION = {"operator": "operator_id", "channel": "channel", "day": "day"}


async def _sums(
    ids: list[uuid.UUID] | None,
    since: date,
    until: date,
    key: Any,
    group: str = "",
    *,
    history: bool = True,
) -> dict[str, Sums]:
    """Counter sums per row key (``key(org, operator, channel, day)``) for the days; without
    ``history`` the backlogs are left for the caller (it knows them from the next period)."""
    db = current().db
    scope, args = _where(ids)
    dim = _DIMENSION.get(group)
    cols = "organization_id" + (f", {dim}" if dim else "")
    summed = ", ".join(f"CAST(SUM({c}) AS BIGINT) AS {c}" for c in COUNTERS)
    out: dict[str, Sums] = {}

    def row_key(r: dict[str, Any]) -> str:
        g = decode_row(_Group, r)
        op = g.operator_id if dim == "operator_id" and g.operator_id else NOBODY
        channel = g.channel if dim == "channel" else ""
        day = g.day if dim == "day" else 0
        return str(key(g.organization_id, op, channel, day))

    rows = await db.fetch(
        f"SELECT {cols}, {summed} FROM reports_daily WHERE day >= {{}} AND day < {{}}{scope}"
        f" GROUP BY {cols}",
        ymd(since),
        ymd(until),
        *args,
    )
    for r in rows:
        out.setdefault(row_key(r), Sums()).add([r[c] or 0 for c in COUNTERS])
    if dim == "day":
        await _daily_backlog(out, ids, since, until)
    elif history:  # the backlog as the first day began: every day before it, summed once
        rows = await db.fetch(
            f"SELECT {cols}, SUM(backlog_delta) AS n FROM reports_daily"
            f" WHERE day < {{}} AND backlog_delta <> 0{scope} GROUP BY {cols}",
            ymd(since),
            *args,
        )
        for r in rows:
            out.setdefault(row_key(r), Sums()).backlog_start += int(r["n"] or 0)
    if dim != "day":
        for s in out.values():
            s.backlog_end = s.backlog_start + s.counters[INDEX["backlog_delta"]]
    # Spells running have no channel and are not split by day; other plugins' rows have no
    # channel: kept under "" for the totals alone.
    live_key = (lambda _: "") if dim in ("channel", "day") else row_key
    await _live(out, ids, since, until, live_key, None)
    await sources.gather(out, ids, since, until, row_key if dim != "channel" else live_key, dim)
    return out


class _Group(msgspec.Struct, frozen=True, kw_only=True):
    """A row of sums' key: the organization and what the report is grouped by."""

    organization_id: uuid.UUID
    operator_id: uuid.UUID | None = None
    channel: str = ""
    day: int = 0


FEW_ORGANIZATIONS = 300  # a reader's organizations given as bounds directly (no DISTINCT pass)
_ZONES: dict[uuid.UUID, ZoneInfo] = {}  # read once per report (cleared as each one starts)


async def zone_of(organization_id: uuid.UUID) -> ZoneInfo:
    if organization_id not in _ZONES:
        _ZONES[organization_id] = ZoneInfo(await timezone_for(organization_id))
    return _ZONES[organization_id]


async def _daily_backlog(
    out: dict[str, Sums], ids: list[uuid.UUID] | None, since: date, until: date
) -> None:
    scope, args = _where(ids)
    db = current().db
    start = await db.fetchone(
        f"SELECT SUM(backlog_delta) AS n FROM reports_daily WHERE day < {{}}{scope}",
        ymd(since),
        *args,
    )
    running = int(start["n"] or 0) if start else 0
    day = since
    while day < until:
        s = out.setdefault(day.isoformat(), Sums())
        s.backlog_start = running
        running += s.counters[INDEX["backlog_delta"]]
        s.backlog_end = running
        day += timedelta(days=1)


async def _live(
    out: dict[str, Sums],
    ids: list[uuid.UUID] | None,
    since: date,
    until: date,
    row_key: Any,
    dim: str | None,
) -> None:
    """Add the unfinished spells (appeals held now) to ``held_seconds`` (the day breakdown
    shows finished spells; the caller keeps these for the totals)."""
    if current().db.is_postgres:
        return await _live_summed(out, ids, since, until, row_key)
    scope, args = _where(ids)
    rows = await current().db.fetch_as(
        _Held,
        "SELECT organization_id, held_by AS operator_id, held_since FROM reports_appeal"
        f" WHERE held_by IS NOT NULL{scope}",
        *args,
    )
    moment = now()
    for r in rows:
        zone = await zone_of(r.organization_id)
        start = max(r.held_since, datetime.combine(since, time(), zone))
        end = min(moment, datetime.combine(until, time(), zone))
        if end <= start:
            continue
        key = row_key({"organization_id": r.organization_id, "operator_id": r.operator_id})
        out.setdefault(key, Sums()).live_held += round((end - start).total_seconds())


class _Org(msgspec.Struct, frozen=True):
    organization_id: uuid.UUID


class _Held(msgspec.Struct, frozen=True):
    """An appeal held now: whose, by whom, since when."""

    organization_id: uuid.UUID
    operator_id: uuid.UUID
    held_since: datetime


async def _live_summed(
    out: dict[str, Sums], ids: list[uuid.UUID] | None, since: date, until: date, row_key: Any
) -> None:
    """PostgreSQL: the same sums computed by the server, each organization's bounds in its zone
    (a large backlog of held appeals never crosses into Python)."""
    db = current().db
    scope, args = _where(ids)
    if ids is not None and len(ids) <= FEW_ORGANIZATIONS:
        held = list(ids)  # the reader's organizations: no pass over the held rows
    else:
        held = [
            r.organization_id
            for r in await db.fetch_as(
                _Org,
                "SELECT DISTINCT organization_id FROM reports_appeal"
                f" WHERE held_by IS NOT NULL{scope}",
                *args,
            )
        ]
    if not held:
        return
    bounds: list[Any] = []
    for org in held:
        zone = await zone_of(org)
        start, end = datetime.combine(since, time(), zone), datetime.combine(until, time(), zone)
        bounds += [org, start, end]
    rows = ", ".join("({}::uuid, {}::timestamptz, {}::timestamptz)" for _ in held)
    # Only spells that overlap the period (as on SQLite: the others add nothing, not a zero).
    found = await db.fetch(
        "SELECT r.organization_id, r.held_by AS operator_id, CAST(SUM(GREATEST(0, ROUND(EXTRACT("
        "EPOCH FROM LEAST(b.now, b.u) - GREATEST(r.held_since, b.s))))) AS BIGINT) AS held"
        f" FROM reports_appeal r JOIN (SELECT v.*, {{}}::timestamptz AS now FROM (VALUES {rows})"
        " AS v(org, s, u)) b ON b.org = r.organization_id"
        " WHERE r.held_by IS NOT NULL AND r.held_since < LEAST(b.now, b.u)"
        " AND b.s < LEAST(b.now, b.u) GROUP BY r.organization_id, r.held_by",
        now(),
        *bounds,
    )
    for r in found:
        out.setdefault(row_key(r), Sums()).live_held += int(r["held"] or 0)


# -- from sums to figures -------------------------------------------------------------------------


def _average(total: int, n: int) -> int | None:
    return None if n == 0 else int((total + n // 2) // n)


def _percent(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100.0 * part / whole, 1)


def figures(s: Sums, days: int) -> Figures:
    """The one place sums become the numbers everyone sees."""
    c = dict(zip(COUNTERS, s.counters, strict=True))
    held = c["held_seconds"] + s.live_held
    worked = s.extra.get(sources.WORKED)
    worked_hours = round(worked[0], 2) if worked else None
    return Figures(
        received=c["received"],
        resolved=c["resolved"],
        reopened=c["reopened"],
        backlog_start=s.backlog_start,
        backlog_end=s.backlog_end,
        first_responses=c["first_responses"],
        frt_average=_average(c["frt_seconds"], c["first_responses"]),
        frt_business_average=_average(c["frt_business_seconds"], c["first_responses"]),
        frt_sla_met=c["frt_sla_met"],
        frt_sla_breached=c["frt_sla_breached"],
        frt_sla_percent=_percent(c["frt_sla_met"], c["frt_sla_met"] + c["frt_sla_breached"]),
        resolution_average=_average(c["resolution_seconds"], c["resolved"]),
        resolution_business_average=_average(c["resolution_business_seconds"], c["resolved"]),
        resolution_sla_met=c["resolution_sla_met"],
        resolution_sla_breached=c["resolution_sla_breached"],
        resolution_sla_percent=_percent(
            c["resolution_sla_met"], c["resolution_sla_met"] + c["resolution_sla_breached"]
        ),
        transfers=c["transfers"],
        replies=c["replies"],
        messages_in=c["messages_in"],
        held_seconds=held,
        concurrent_average=round(held / (days * 86400), 2) if days else None,
        worked_hours=worked_hours,
        handled_per_worked_hour=(round(c["resolved"] / worked_hours, 2) if worked_hours else None),
        extra=sources.shown(s.extra),
    )


def _figures(found: dict[str, Sums], since: date, until: date) -> dict[str, Figures]:
    days = (until - since).days
    return {k: figures(v, days) for k, v in found.items()}


# -- the appeals behind a number ------------------------------------------------------------------


class _Behind(msgspec.Struct):
    appeal_id: uuid.UUID
    value: int


class _Appeal(msgspec.Struct):
    id: uuid.UUID
    number: str
    subject: str
    status: str
    channel: str
    organization_id: uuid.UUID
    created_at: datetime


async def appeals_behind(
    actor: Actor,
    *,
    metric: str,
    since: date,
    until: date,
    organization_id: uuid.UUID | None = None,
    operator_id: uuid.UUID | None = None,
    channel: str | None = None,
    queue: str | None = None,
    tag: str | None = None,
    hour: int | None = None,
    limit: int = 200,
) -> AppealLines:
    """The appeals that make up ``metric`` for these days, organization, operator, channel,
    queue ("" none), tag ("" none) and hour."""
    check_period(since, until)
    if metric not in DRILLABLE:
        from unionline import Invalid

        raise Invalid(f"metric must be one of {', '.join(DRILLABLE)}", field="metric")
    ids = await visible(actor, organization_id)
    scope, args = _where(ids)
    where = f"day >= {{}} AND day < {{}}{scope}"
    params: list[Any] = [ymd(since), ymd(until), *args]
    if operator_id is not None:
        where += " AND operator_id = {}"
        params.append(operator_id)
    if channel is not None:
        where += " AND channel = {}"
        params.append(channel)
    for dim, value in (("queue", queue), ("tag", tag), ("hour", hour)):
        if value is not None:
            sql, more = slices.behind(dim, str(value))
            where += sql
            params += more
    db = current().db
    behind = await db.fetch_as(
        _Behind,
        f"SELECT appeal_id, CAST(SUM({metric}) AS BIGINT) AS value FROM reports_contribution"
        f" WHERE {where}"
        f" GROUP BY appeal_id HAVING SUM({metric}) <> 0 ORDER BY value DESC, appeal_id",
        *params,
    )
    shown = behind[:limit]
    found: dict[uuid.UUID, _Appeal] = {}
    if shown:
        marks = ", ".join("{}" for _ in shown)
        for a in await db.fetch_as(
            _Appeal,
            "SELECT id, number, subject, status, channel, organization_id, created_at"
            f" FROM appeal_appeal WHERE id IN ({marks})",
            *(b.appeal_id for b in shown),
        ):
            found[a.id] = a
    subjects = actor.can("appeals.read")
    return AppealLines(
        metric=metric,
        total=sum(b.value for b in behind),
        appeals=[
            AppealLine(
                appeal_id=b.appeal_id,
                number=found[b.appeal_id].number,
                subject=found[b.appeal_id].subject if subjects else "",
                status=found[b.appeal_id].status,
                channel=found[b.appeal_id].channel,
                organization_id=found[b.appeal_id].organization_id,
                created_at=found[b.appeal_id].created_at,
                value=b.value,
            )
            for b in shown
            if b.appeal_id in found
        ],
    )
