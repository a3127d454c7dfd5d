"""The golden dataset: 500 synthetic appeals with known timelines — robot and automatic replies,
answers sent outside Unionline, reassignments, reopenings, waits on the member, off-hours and
weekends, an organization five hours east of Moscow whose day starts before Moscow's, merges —
and their metrics worked out from each pattern's arithmetic (not by the reports' code). The API
(both ways the rollup is made: kept appeal by appeal, and rebuilt), the XLSX and CSV downloads
and the scheduled e-mail all equal them; a PPO supervisor's e-mail holds only their own. The
breakdowns by queue, tag (an appeal with two tags under both) and local hour of creation are
counted from the builders too, and the e-mail carries the hour breakdown.

Working days are 9:00–18:00 Monday to Friday; the weeks used (9–27 November 2026) have no
holidays. SLA targets are the defaults: a first response within 4 working hours, a resolution
within 40.
"""

from __future__ import annotations

import email
import email.policy
import io
import itertools
import json
import socket
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from appeals_support import FakeClock, bearer, make_org
from test_reports import same_in_exports

from unionline.appeals.clock import use_clock
from unionline.plugins.reports import rollup, schedules
from unionline.testing import AppHarness

HOUR, MINUTE = 3600, 60
MSK, YEKT = ZoneInfo("Europe/Moscow"), ZoneInfo("Asia/Yekaterinburg")
WEEKS = [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]  # Mondays
SINCE, UNTIL = date(2026, 11, 9), date(2026, 12, 1)
APPEALS = 500


def smtp_port() -> int:
    with socket.socket() as s:  # Controller(port=0) does not work in aiosmtpd 1.4
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


PORT = smtp_port()
pytestmark = pytest.mark.unionline_plugins("reports")


@pytest.fixture
def unionline_settings(unionline_settings: Any) -> Any:
    import msgspec

    from unionline.settings import settings_type

    data = msgspec.to_builtins(unionline_settings)
    data["notifications"] = {"smtp_host": "127.0.0.1", "smtp_port": PORT,
                             "from_address": "reports@fed.test"}  # fmt: skip
    from unionline.robots.actions.settings import NotificationSettings

    return msgspec.convert(data, settings_type({"notifications": NotificationSettings}))


class Sink:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[Sink]:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=PORT)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


# -- what is expected -------------------------------------------------------------------------


@dataclass
class Expect:
    """Sums per (organization, operator) and received per (organization, local day)."""

    sums: dict[tuple[str, str | None], Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    received_by_day: Counter[tuple[str, date]] = field(default_factory=Counter)
    # received per (organization, queue / tag / local hour of creation), from the builders
    received_by: dict[str, Counter[tuple[str, str]]] = field(
        default_factory=lambda: defaultdict(Counter)
    )

    def add(self, org: str, op: str | None, **values: int) -> None:
        self.sums[(org, op)].update(values)

    def total(self, orgs: set[str] | None = None, op: str | bool | None = False) -> Counter[str]:
        out: Counter[str] = Counter()
        for (o, p), c in self.sums.items():
            if (orgs is None or o in orgs) and (op is False or p == op):
                out.update(c)
        return out

    def first(self, org: str, op: str | None, seconds: int, business: int) -> None:
        met = business <= 4 * HOUR
        self.add(org, op, first_responses=1, frt_seconds=seconds, frt_business_seconds=business,
                 frt_sla_met=int(met), frt_sla_breached=int(not met))  # fmt: skip

    def resolved(self, org: str, op: str | None, seconds: int, business: int) -> None:
        met = business <= 40 * HOUR
        self.add(org, op, resolved=1, resolution_seconds=seconds,
                 resolution_business_seconds=business, resolution_sla_met=int(met),
                 resolution_sla_breached=int(not met))  # fmt: skip


def figures(c: Counter[str]) -> dict[str, Any]:
    """The API's figures from sums (averages rounded half up, percentages to a tenth)."""

    def avg(total: str, n: str) -> int | None:
        return (c[total] + c[n] // 2) // c[n] if c[n] else None

    def pct(a: str, b: str) -> float | None:
        whole = c[a] + c[b]
        return round(100.0 * c[a] / whole, 1) if whole else None

    return {
        "received": c["received"],
        "resolved": c["resolved"],
        "reopened": c["reopened"],
        "first_responses": c["first_responses"],
        "frt_average": avg("frt_seconds", "first_responses"),
        "frt_business_average": avg("frt_business_seconds", "first_responses"),
        "frt_sla_met": c["frt_sla_met"],
        "frt_sla_breached": c["frt_sla_breached"],
        "frt_sla_percent": pct("frt_sla_met", "frt_sla_breached"),
        "resolution_average": avg("resolution_seconds", "resolved"),
        "resolution_business_average": avg("resolution_business_seconds", "resolved"),
        "resolution_sla_met": c["resolution_sla_met"],
        "resolution_sla_breached": c["resolution_sla_breached"],
        "resolution_sla_percent": pct("resolution_sla_met", "resolution_sla_breached"),
        "transfers": c["transfers"],
        "replies": c["replies"],
        "messages_in": c["messages_in"],
        "backlog_end": c["open"],
        "held_seconds": c["held"],
    }


# -- the appeals --------------------------------------------------------------------------------


@dataclass
class Org:
    id: str
    code: str
    zone: ZoneInfo
    ops: list[str]


@dataclass
class Builder:
    """Rows of one appeal as the core writes them, and what it should count."""

    org: Org
    created: datetime
    channel: str = "telegram"
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    member: str = field(default_factory=lambda: str(uuid.uuid4()))
    entries: list[dict[str, Any]] = field(default_factory=list)
    status: str = "new"
    holder: str | None = None
    merged_into: str | None = None
    tags: list[str] = field(default_factory=list)
    queue: str | None = None

    def entry(self, kind: str, at: datetime, author: str | None = None, **data: Any) -> None:
        self.entries.append({"kind": kind, "at": at, "author": author, "data": data})

    def message_in(self, at: datetime) -> None:
        self.entry("message_in", at)

    def reply(self, at: datetime, author: str | None, **data: Any) -> None:
        self.entry("message_out", at, author, **data)

    def status_to(self, at: datetime, new: str) -> None:
        self.entry("status_changed", at, self.holder, old=self.status, new=new)
        self.status = new

    def assign(self, at: datetime, op: str | None) -> None:
        self.entry("assigned", at, None, old=self.holder, new=op)
        self.holder = op
        if op and self.status == "new":
            self.status_to(at, "open")


def local(org: Org, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=org.zone)


def simple(org: Org, day: date, k: int, n: int, exp: Expect) -> list[Builder]:
    """Member 10:00+k; robot at once; assigned 5 min later; answered R later; resolved 1 h on."""
    r = [30 * MINUTE, 2 * HOUR, 5 * HOUR][n % 3]
    op = org.ops[n % 2]
    t0 = local(org, day, 10, k)
    b = Builder(org, t0)
    b.message_in(t0)
    b.reply(t0 + timedelta(minutes=1), None)  # an automatic acknowledgement
    b.assign(t0 + timedelta(minutes=5), op)
    b.reply(t0 + timedelta(seconds=r), op)
    b.status_to(t0 + timedelta(seconds=r + HOUR), "resolved")
    exp.add(org.id, None, received=1, messages_in=1)
    exp.add(org.id, op, replies=1, held=r + HOUR - 5 * MINUTE)
    exp.first(org.id, op, r, r)
    exp.resolved(org.id, op, r + HOUR, r + HOUR)
    exp.received_by_day[(org.id, day)] += 1
    return [b]


def off_hours(org: Org, day: date, k: int, n: int, exp: Expect) -> list[Builder]:
    """Friday 17:30+k (k < 30); answered Monday 9:30 and resolved at 10:30, unassigned."""
    friday = day - timedelta(days=day.weekday()) + timedelta(days=4)
    monday = friday + timedelta(days=3)
    t0 = local(org, friday, 17, 30 + k % 30)
    b = Builder(org, t0, channel="vk")
    b.message_in(t0)
    op = org.ops[0]
    b.reply(local(org, monday, 9, 30), op)
    b.status_to(local(org, monday, 10, 30), "resolved")
    before_six = (18 * 60 - (17 * 60 + 30 + k % 30)) * MINUTE
    frt = int((local(org, monday, 9, 30) - t0).total_seconds())
    exp.add(org.id, None, received=1, messages_in=1)
    exp.add(org.id, op, replies=1)
    exp.first(org.id, op, frt, before_six + 30 * MINUTE)
    exp.resolved(org.id, None, frt + HOUR, before_six + 90 * MINUTE)
    exp.received_by_day[(org.id, friday)] += 1
    return [b]


def reopened(org: Org, day: date, k: int, n: int, exp: Expect) -> list[Builder]:
    """Answered by one operator in 1 h, resolved; the member writes next day at 10:00 (reopen);
    handed to the other operator at 10:10, answered 11:00, resolved 12:00."""
    one, two = org.ops
    t0 = local(org, day, 10, k)
    nxt = day + timedelta(days=1)
    b = Builder(org, t0)
    b.message_in(t0)
    b.assign(t0 + timedelta(minutes=5), one)
    b.reply(t0 + timedelta(hours=1), one)
    b.status_to(t0 + timedelta(hours=2), "resolved")
    b.message_in(local(org, nxt, 10))
    b.status_to(local(org, nxt, 10), "open")
    b.assign(local(org, nxt, 10, 10), two)
    b.reply(local(org, nxt, 11), two)
    b.status_to(local(org, nxt, 12), "resolved")
    exp.add(org.id, None, received=1, messages_in=1)
    exp.add(org.id, one, replies=1, reopened=1, transfers=1, messages_in=1,
            held=2 * HOUR - 5 * MINUTE + 10 * MINUTE)  # fmt: skip
    exp.add(org.id, two, replies=1, held=HOUR + 50 * MINUTE)
    exp.first(org.id, one, HOUR, HOUR)
    exp.resolved(org.id, one, 2 * HOUR, 2 * HOUR)
    exp.first(org.id, two, HOUR, HOUR)
    exp.resolved(org.id, two, 2 * HOUR, 2 * HOUR)
    exp.received_by_day[(org.id, day)] += 1
    return [b]


def waiting(org: Org, day: date, k: int, n: int, exp: Expect) -> list[Builder]:
    """Answered in 30 min, waits on the member from 1 h on; they write next day at 10:00;
    resolved at 11:00 — the wait is left out of the working time (which comes to 2 h)."""
    op = org.ops[1]
    t0 = local(org, day, 10, k)
    nxt = day + timedelta(days=1)
    b = Builder(org, t0, channel="mail")
    b.message_in(t0)
    b.reply(t0 + timedelta(minutes=30), op)
    b.status_to(t0 + timedelta(minutes=30), "open")
    b.status_to(t0 + timedelta(hours=1), "waiting")
    b.message_in(local(org, nxt, 10))
    b.status_to(local(org, nxt, 10), "open")
    b.status_to(local(org, nxt, 11), "resolved")
    exp.add(org.id, None, received=1, messages_in=2)
    exp.add(org.id, op, replies=1)
    exp.first(org.id, op, 30 * MINUTE, 30 * MINUTE)
    exp.resolved(org.id, None, int((local(org, nxt, 11) - t0).total_seconds()), 2 * HOUR)
    exp.received_by_day[(org.id, day)] += 1
    return [b]


def merged(org: Org, day: date, k: int, n: int, exp: Expect) -> list[Builder]:
    """Two appeals of one member (10:00+k and 10 min later); the first merged into the second
    (its message moves there); answered an hour after the first message, resolved at 2 h."""
    op = org.ops[0]
    t0 = local(org, day, 10, k)
    source = Builder(org, t0)
    target = Builder(org, t0 + timedelta(minutes=10), member=source.member)
    target.entry("message_in", t0, merged_from=source.id)  # moved by the merge
    target.message_in(t0 + timedelta(minutes=10))
    source.merged_into = target.id
    source.status = "closed"
    target.reply(t0 + timedelta(hours=1), op)
    target.status_to(t0 + timedelta(hours=1), "open")
    target.status_to(t0 + timedelta(hours=2), "resolved")
    exp.add(org.id, None, received=1, messages_in=2)
    exp.add(org.id, op, replies=1)
    exp.first(org.id, op, HOUR, HOUR)
    exp.resolved(org.id, None, HOUR + 50 * MINUTE, HOUR + 50 * MINUTE)
    exp.received_by_day[(org.id, day)] += 1
    return [source, target]


def unanswered(org: Org, day: date, k: int, n: int, exp: Expect) -> list[Builder]:
    """Only robots answered; it is still open (in the backlog), held by nobody."""
    t0 = local(org, day, 11, k)
    b = Builder(org, t0)
    b.message_in(t0)
    b.reply(t0 + timedelta(minutes=1), None)
    b.reply(t0 + timedelta(hours=3), None, robot={"rule": "напоминание"})
    exp.add(org.id, None, received=1, messages_in=1, open=1)
    exp.received_by_day[(org.id, day)] += 1
    return [b]


def elsewhere(org: Org, day: date, k: int, n: int, exp: Expect) -> list[Builder]:
    """A reply sent outside Unionline after 10 min does not count; the operator's at 3 h does;
    closed straight from open at 4 h."""
    op = org.ops[1]
    t0 = local(org, day, 9, k)
    b = Builder(org, t0)
    b.message_in(t0)
    b.reply(t0 + timedelta(minutes=10), None, sent_elsewhere=True)
    b.reply(t0 + timedelta(hours=3), op)
    b.status_to(t0 + timedelta(hours=3), "open")
    b.status_to(t0 + timedelta(hours=4), "closed")
    exp.add(org.id, None, received=1, messages_in=1)
    exp.add(org.id, op, replies=1)
    exp.first(org.id, op, 3 * HOUR, 3 * HOUR)
    exp.resolved(org.id, None, 4 * HOUR, 4 * HOUR)
    exp.received_by_day[(org.id, day)] += 1
    return [b]


def long_one(org: Org, day: date, k: int, n: int, exp: Expect) -> list[Builder]:
    """Answered in 1 h, resolved six working days later at 10:00: over the 40 h target."""
    op = org.ops[0]
    t0 = local(org, day, 12, k)
    end = day + timedelta(days=8)  # Monday → Tuesday of the next week (6 working days on)
    b = Builder(org, t0)
    b.message_in(t0)
    b.assign(t0, op)
    b.reply(t0 + timedelta(hours=1), op)
    b.status_to(local(org, end, 10), "resolved")
    business = (18 * 60 - (12 * 60 + k)) * MINUTE + 5 * 9 * HOUR + HOUR
    whole = int((local(org, end, 10) - t0).total_seconds())
    exp.add(org.id, None, received=1, messages_in=1)
    exp.add(org.id, op, replies=1, held=whole)
    exp.first(org.id, op, HOUR, HOUR)
    exp.resolved(org.id, op, whole, business)
    exp.received_by_day[(org.id, day)] += 1
    return [b]


def past_midnight(org: Org, day: date, k: int, n: int, exp: Expect) -> list[Builder]:
    """Written at 00:30+k local (the evening before in UTC), answered an hour later (night: no
    working time), resolved at 9:30 (half an hour of it). Counted on the local day."""
    op = org.ops[1]
    nxt = day + timedelta(days=1)
    t0 = local(org, nxt, 0, 30 + k % 30)
    b = Builder(org, t0)
    b.message_in(t0)
    b.reply(t0 + timedelta(hours=1), op)
    b.status_to(t0 + timedelta(hours=1), "open")
    b.status_to(local(org, nxt, 9, 30), "resolved")
    exp.add(org.id, None, received=1, messages_in=1)
    exp.add(org.id, op, replies=1)
    exp.first(org.id, op, HOUR, 0)
    exp.resolved(org.id, None, int((local(org, nxt, 9, 30) - t0).total_seconds()), 30 * MINUTE)
    exp.received_by_day[(org.id, nxt)] += 1
    return [b]


PATTERNS = [simple, simple, off_hours, reopened, waiting, merged, unanswered, elsewhere,
            long_one, past_midnight]  # fmt: skip


def dataset(orgs: list[Org], exp: Expect) -> list[Builder]:
    out: list[Builder] = []
    counter = itertools.count()
    while sum(1 for b in out if b.merged_into is None) < APPEALS:
        n = next(counter)
        org = orgs[n % len(orgs)]
        week = WEEKS[(n // 7) % 2]  # the third week takes the overflow (reopens, long ones)
        day = week + timedelta(days=(n // 3) % 4)  # Monday to Thursday
        pattern = PATTERNS[n % len(PATTERNS)]
        if pattern is past_midnight and org.zone is not YEKT:
            pattern = simple
        made = pattern(org, day, n % 50, n, exp)
        for b in made:  # queues and tags: an appeal with two tags counts under both
            b.tags = [["зарплата"], ["зарплата", "отпуск"], [], ["отпуск"]][n % 4]
            b.queue = QUEUES[org.code] if n % 3 else None
            if b.merged_into is None:
                exp.received_by["queue"][(org.id, b.queue or "")] += 1
                for tag in b.tags or [""]:
                    exp.received_by["tag"][(org.id, tag)] += 1
                hour = b.created.astimezone(org.zone).hour
                exp.received_by["hour"][(org.id, f"{hour:02d}:00–{hour + 1:02d}:00")] += 1
        out += made
    return out


QUEUES = {code: str(uuid.uuid4()) for code in ("PPO1", "PPO2", "URAL")}  # queues without rows


async def store(h: AppHarness, appeals: list[Builder]) -> None:
    """Insert the rows as the core writes them, many to a statement."""
    seq = Counter[str]()
    rows, entries = [], []
    for b in appeals:
        seq[b.org.code] += 1
        number = f"{b.org.code}-2026-{seq[b.org.code]}"
        rows.append(
            [
                uuid.UUID(b.id),
                number,
                uuid.UUID(b.org.id),
                seq[b.org.code],
                uuid.UUID(b.member),
                f"Вопрос {number}",
                b.channel,
                b.status,
                json.dumps(b.tags),
                "{}",
                b.created,
                b.created,
                uuid.UUID(b.merged_into) if b.merged_into else None,
                uuid.UUID(b.queue) if b.queue else None,
            ]
        )
        created = {"kind": "system", "at": b.created, "author": None, "data": {"action": "created"}}
        for e in [created, *b.entries]:
            data = {k: v for k, v in e["data"].items() if k != "merged_from"}
            merged_from = e["data"].get("merged_from")
            entries.append(
                [
                    uuid.UUID(b.id),
                    uuid.UUID(b.member),
                    e["kind"],
                    uuid.UUID(e["author"]) if e["author"] else None,
                    "",
                    json.dumps(data),
                    b.channel,
                    uuid.UUID(merged_from) if merged_from else None,
                    e["at"],
                ]
            )
    await insert(h, "appeal_appeal", "id, number, organization_id, year, seq, member_id, subject,"
                 " channel, priority, status, tags, custom, created_at, updated_at, merged_into_id,"
                 " queue_id",
                 [[*r[:3], 2026, *r[3:7], "normal", *r[7:]] for r in rows])  # fmt: skip
    await insert(h, "appeal_timeline", "appeal_id, member_id, kind, author_id, body, data, channel,"
                 " merged_from_id, created_at", entries)  # fmt: skip


async def insert(h: AppHarness, table: str, columns: str, rows: list[list[Any]]) -> None:
    per = 60
    for i in range(0, len(rows), per):
        chunk = rows[i : i + per]
        marks = ", ".join("(" + ", ".join("{}" for _ in chunk[0]) + ")" for _ in chunk)
        await h.runtime.db.execute(
            f"INSERT INTO {table} ({columns}) VALUES {marks}", *(v for r in chunk for v in r)
        )


# -- the test -----------------------------------------------------------------------------------


async def federation(h: AppHarness) -> tuple[dict[str, str], list[Org], dict[str, str]]:
    fed = await make_org(h, "FED", kind="federation")
    kom = await make_org(h, "KOM", fed, kind="committee")
    ids = {"FED": str(fed), "KOM": str(kom)}
    orgs, tokens, names = [], {}, {}
    for code, parent, zone in (("PPO1", kom, MSK), ("PPO2", kom, MSK), ("URAL", fed, YEKT)):
        org = await make_org(h, code, parent)
        ids[code] = str(org)
        if zone is YEKT:
            r = await h.client.put(f"/api/calendar/{org}/timezone",
                                   json={"timezone": "Asia/Yekaterinburg"},
                                   headers=h.admin_headers)  # fmt: skip
            assert r.status_code == 200, r.text
        ops = []
        for i in (1, 2):
            login = f"{code.lower()}op{i}"
            op, _ = await h.create_operator(login, "operator", org)
            ops.append(str(op))
            names[str(op)] = login
        orgs.append(Org(str(org), code, zone, ops))
    boss, tokens["boss"] = await h.create_operator("boss", "supervisor", uuid.UUID(ids["PPO1"]))
    await h.runtime.db.execute(
        "UPDATE operator_operator SET email = 'boss@ppo1.test' WHERE id = {}", boss
    )
    admin_row = await h.runtime.db.fetchone(
        "SELECT id FROM operator_operator WHERE login <> 'boss' AND id NOT IN"
        f" ({', '.join('{}' for _ in names)}) ORDER BY created_at LIMIT 1",
        *(uuid.UUID(n) for n in names),
    )
    assert admin_row is not None
    ids["admin"], ids["boss"] = str(admin_row["id"]), str(boss)
    await h.runtime.db.execute(
        "UPDATE operator_operator SET email = 'admin@fed.test' WHERE id = {}", admin_row["id"]
    )
    return ids, orgs, {**tokens, **names}


def subset(got: dict[str, Any], want: dict[str, Any]) -> dict[str, Any]:
    return {k: got[k] for k in want}


async def api(h: AppHarness, token: str | None = None, **params: Any) -> Any:
    params = {"since": SINCE.isoformat(), "until": UNTIL.isoformat(), **params}
    r = await h.client.get("/api/reports/", params=params,
                           headers=bearer(token) if token else h.admin_headers)  # fmt: skip
    assert r.status_code == 200, r.text
    return r.json()


async def test_golden_dataset(unionline_app: AppHarness, smtp: Sink) -> None:
    h = unionline_app
    clock = FakeClock(datetime(2026, 11, 30, 12, 0, tzinfo=MSK))
    with use_clock(clock):
        ids, orgs, _ = await federation(h)
        exp = Expect()
        appeals = dataset(orgs, exp)
        await store(h, appeals)
        assert sum(1 for b in appeals if b.merged_into is None) == APPEALS

        # Kept appeal by appeal (as the events would), then checked against a rebuild.
        await rollup.refresh(uuid.UUID(b.id) for b in appeals)
        await check_api(h, ids, orgs, exp)
        result = await rollup.rebuild()
        assert (result.differing_cells, result.appeals) == (0, len(appeals))
        await check_api(h, ids, orgs, exp)
        ops = await api(h, group="operator", organization_id=ids["FED"])
        await same_in_exports(h, ops)
        await check_mail(h, clock, ids, exp, smtp)


async def check_api(h: AppHarness, ids: dict[str, str], orgs: list[Org], exp: Expect) -> None:
    fed = await api(h)
    want = figures(exp.total())
    assert subset(fed["totals"], want) == want
    kom = await api(h, organization_id=ids["KOM"])
    for row in kom["rows"]:
        want = figures(exp.total({row["organization_id"]}))
        assert subset(row["figures"], want) == want, row["label"]
    ops = await api(h, group="operator", organization_id=ids["FED"])
    assert len(ops["rows"]) == 7  # six operators and "nobody"
    for row in ops["rows"]:
        op = None if row["operator_id"] == str(uuid.UUID(int=0)) else row["operator_id"]
        want = figures(exp.total(op=op))
        want.pop("backlog_end")
        assert subset(row["figures"], want) == want, row["label"]
    days = await api(h, group="day")
    by_day: Counter[str] = Counter()
    for (_, day), n in exp.received_by_day.items():
        by_day[day.isoformat()] += n
    assert {r["key"]: r["figures"]["received"] for r in days["rows"] if r["figures"]["received"]} \
        == dict(by_day)  # fmt: skip
    labels = {q: q for q in QUEUES.values()} | {"": "Без очереди"}
    for group in ("queue", "tag", "hour"):
        found = await api(h, group=group)
        assert found["totals"] == fed["totals"], group
        want = received_by(exp, group)
        if group == "queue":
            want = Counter({labels[k]: n for k, n in want.items()})
        elif group == "tag":
            want = Counter({k or "Без метки": n for k, n in want.items()})
        got = {r["label"]: r["figures"]["received"] for r in found["rows"]}
        assert {k: n for k, n in got.items() if n} == dict(want), group
        if group != "tag":  # one queue, one hour each: the rows add up to the totals
            for name in ("received", "resolved", "first_responses", "replies", "transfers"):
                assert sum(r["figures"][name] for r in found["rows"]) == fed["totals"][name]


def received_by(exp: Expect, group: str, orgs: set[str] | None = None) -> Counter[str]:
    out: Counter[str] = Counter()
    for (org, value), n in exp.received_by[group].items():
        if orgs is None or org in orgs:
            out[value] += n
    return out


async def check_mail(
    h: AppHarness, clock: FakeClock, ids: dict[str, str], exp: Expect, smtp: Sink
) -> None:
    """A monthly schedule sent on 1 December covers November: the federation admin gets the
    whole, the PPO1 supervisor PPO1 alone — the same numbers in the text and the attachment."""
    r = await h.client.post("/api/reports/schedules", headers=h.admin_headers, json={
        "organization_id": ids["FED"], "name": "Ежемесячный", "period": "month",
        "rrule": "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0", "group": "hour",
        "recipients": [ids["admin"], ids["boss"]],
    })  # fmt: skip
    assert r.status_code == 201, r.text
    clock.moment = datetime(2026, 12, 1, 10, 0, tzinfo=MSK)
    assert await schedules.due() == 2
    assert await schedules.due() == 0  # the same period again: nothing more
    await h.settle()
    mails = {e.rcpt_tos[0]: email.message_from_bytes(e.content, policy=email.policy.default)
             for e in smtp.envelopes}  # fmt: skip
    assert sorted(mails) == ["admin@fed.test", "boss@ppo1.test"] and len(smtp.envelopes) == 2
    for address, scope in (("admin@fed.test", None), ("boss@ppo1.test", {ids["PPO1"]})):
        want = figures(exp.total(scope))
        text = mails[address].get_body(("plain",)).get_content()
        assert f"Поступило обращений: {want['received']}\n" in text
        assert f"Решено: {want['resolved']}\n" in text
        for hour, n in received_by(exp, "hour", scope).items():  # the breakdown: by local hour
            assert f"  {hour}: поступило {n}, " in text, (address, hour)
        [part] = list(mails[address].iter_attachments())
        book = openpyxl.load_workbook(io.BytesIO(part.get_content()), read_only=True)
        rows = list(book.active.iter_rows(values_only=True))
        total = next(r for r in rows if r[0] == "Итого")
        assert (total[1], total[2]) == (want["received"], want["resolved"]), address
        by_hour = {r[0]: r[1] for r in rows[2:] if r[0] not in ("Итого", "Предыдущий период")}
        assert {k: n for k, n in by_hour.items() if n} == dict(received_by(exp, "hour", scope))
