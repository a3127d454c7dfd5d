"""The monthly T-13 time sheet for 500 staff (``--quick``: 100) on PostgreSQL: a month of
workdays — two work stretches and a lunch break each working day, a night shift crossing
midnight for one in ten, a vacation for one in twenty — then the sheet the plugin builds
(every day's codes, day and night hours split by the person's calendar day, work on days off,
absences, the month's norm per person) and its XLSX.

Rows, each beside a baseline from the same run:

- **sheet, s** — ``timekeeping.sheet.compute`` for the whole organization, against the **bare
  SQL aggregation** of the same month (hours per person and local day in one ``GROUP BY``:
  no night split, no codes, no norm, no absences) — target: under 5 s whatever the baseline;
- **sheet + XLSX, s** — the sheet and its XLSX file, against the same baseline.

Standalone: ``python -m benchmarks.timesheet [--quick] [--staff N]``. PostgreSQL
(``UNIONLINE_BENCH_DATABASE_URL``). The load average is printed: other work on the machine
moves the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

STAFF, QUICK_STAFF = 500, 100
YEAR, MONTH = 2025, 11
MSK = ZoneInfo("Europe/Moscow")
TARGETS = {
    "timesheet: T-13 month, sheet (s)": "<= 0 + 5",
    "timesheet: T-13 month, sheet + XLSX (s)": "<= 0 + 5",
}


async def insert_many(db: Any, table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    width = len(rows[0]) if rows else 0
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        marks = ", ".join("(" + ", ".join("{}" for _ in range(width)) + ")" for _ in chunk)
        await db.execute(
            f"INSERT INTO {table} ({columns}) VALUES {marks}", *[v for row in chunk for v in row]
        )


async def seed(db: Any, org: uuid.UUID, staff: int) -> int:
    """Operators, their cards, a month of workdays and intervals, some vacations."""
    from unionline.calendar import calendar_for

    now = datetime.now(UTC)
    people = [uuid.uuid4() for _ in range(staff)]
    await insert_many(
        db,
        "operator_operator",
        "id, login, name, email, password_hash, is_active, locale, timezone, capacity, skills,"
        " created_at, password_changed_at",
        [
            (
                p,
                f"bench{n}",
                f"Сотрудник {n:04d}",
                "",
                "",
                True,
                "ru",
                "Europe/Moscow",
                10,
                "[]",
                now,
                0.0,
            )
            for n, p in enumerate(people)
        ],
    )
    await insert_many(
        db,
        "timekeeping_staff",
        "operator_id, organization_id, schedule_id, timezone, personnel_number, position,"
        " created_at",
        [(p, org, None, "", f"{n:05d}", "Оператор", now) for n, p in enumerate(people)],
    )
    cal = await calendar_for(org)
    days, workdays, intervals, absences = [], [], [], []
    d = date(YEAR, MONTH, 1)
    while d.month == MONTH:
        days.append(d)
        d += timedelta(days=1)
    for n, person in enumerate(people):
        if n % 20 == 0:
            first, last = date(YEAR, MONTH, 10), date(YEAR, MONTH, 16)
            absences.append(
                (uuid.uuid4(), person, org, "ОТ", first, last,
                 datetime.combine(first, datetime.min.time(), MSK),
                 datetime.combine(last + timedelta(days=1), datetime.min.time(), MSK),
                 "approved", "", None, None, now)
            )  # fmt: skip
        for day in days:
            night = n % 10 == 0
            if not night and not cal.is_working_day(day):
                continue
            if night and day.day % 4 not in (1, 2):
                continue
            start = datetime(day.year, day.month, day.day, 20 if night else 9, tzinfo=MSK)
            end = start + timedelta(hours=12 if night else 9)
            wid = uuid.uuid4()
            workdays.append(
                (wid, person, org, day, f"{person}:{day}", str(wid), "finished", start, end,
                 None, None, end, False, int((end - start).total_seconds()) - 3600, 3600, now)
            )  # fmt: skip
            lunch = start + timedelta(hours=4)
            for kind, a, b in (
                ("work", start, lunch),
                ("break", lunch, lunch + timedelta(hours=1)),
                ("work", lunch + timedelta(hours=1), end),
            ):
                intervals.append((uuid.uuid4(), wid, person, kind, a, b))
    await insert_many(
        db,
        "timekeeping_workday",
        "id, operator_id, organization_id, day, key, open_key, state, started_at, ended_at,"
        " planned_start, planned_end, close_after, auto_closed, worked_seconds, break_seconds,"
        " updated_at",
        workdays,
    )
    await insert_many(
        db,
        "timekeeping_interval",
        "id, workday_id, operator_id, kind, started_at, ended_at",
        intervals,
    )
    await insert_many(
        db,
        "timekeeping_absence",
        "id, operator_id, organization_id, code, first, last, starts_at, ends_at, status, note,"
        " requested_by, decided_by, created_at",
        absences,
    )
    return len(intervals)


async def bare(db: Any) -> float:
    """Hours per person and local day, in one statement (what the sheet computes more of)."""
    started = time.perf_counter()
    await db.fetch(
        "SELECT i.operator_id, (i.started_at AT TIME ZONE 'Europe/Moscow')::date AS day,"
        " SUM(EXTRACT(EPOCH FROM i.ended_at - i.started_at)) / 3600 AS hours"
        " FROM timekeeping_interval i JOIN timekeeping_staff s ON s.operator_id = i.operator_id"
        " WHERE i.kind = 'work' AND i.started_at >= {} AND i.started_at < {}"
        " GROUP BY 1, 2",
        datetime(YEAR, MONTH, 1, tzinfo=MSK) - timedelta(days=1),
        datetime(YEAR, MONTH + 1, 1, tzinfo=MSK),
    )
    return time.perf_counter() - started


async def session(url: str, staff: int) -> list[tuple[str, float, float, str]]:
    from unionline.plugins.timekeeping import sheet, xlsx
    from unionline.plugins.timekeeping.staff import COLUMNS, StaffRow
    from unionline.runtime import current
    from unionline.testing.support import make_settings, running_app

    settings = make_settings(url, plugins=["timekeeping"])
    async with running_app(settings, migrate=True, execute_jobs=False) as h:
        r = await h.client.post(
            "/api/organizations/", json={"name": "Профком", "code": "PK"}, headers=h.admin_headers
        )
        org = uuid.UUID(r.json()["id"])
        db = current().db
        count = await seed(db, org, staff)
        await db.execute("ANALYZE")
        cards = await db.fetch_as(StaffRow, f"SELECT {COLUMNS} FROM timekeeping_staff")
        baseline = min([await bare(db) for _ in range(3)])
        runs, with_file = [], []
        for _ in range(3):
            started = time.perf_counter()
            made = await sheet.compute(org, cards, YEAR, MONTH, today=date(YEAR, MONTH + 1, 1))
            runs.append(time.perf_counter() - started)
            data = xlsx.write(made)
            with_file.append(time.perf_counter() - started)
        assert len(made.rows) == staff and data[:2] == b"PK"
        print(
            f"# {staff} staff, {count:,} intervals: sheet {min(runs):.2f} s (runs {runs[0]:.2f}/"
            f"{runs[1]:.2f}/{runs[2]:.2f}), XLSX {len(data) / 1024:.0f} KiB;"
            f" bare SQL {baseline * 1000:.0f} ms; load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        return [
            ("timesheet: T-13 month, sheet (s)", min(runs), baseline, "s"),
            ("timesheet: T-13 month, sheet + XLSX (s)", min(with_file), baseline, "s"),
        ]


def bench(staff: int) -> list[tuple[str, float, float, str]]:
    from unionline.testing import spares
    from unionline.testing.support import fresh_database

    server = os.environ.get(
        "UNIONLINE_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    print(
        f"# timesheet on PostgreSQL: {staff} staff, {MONTH:02d}.{YEAR};"
        f" load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), server) as url:
        rows = asyncio.run(session(url, staff))
    spares.close()
    return rows


def run(quick: bool) -> list[tuple[str, float, float, str]]:
    return bench(QUICK_STAFF if quick else STAFF)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.timesheet")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--staff", type=int)
    args = parser.parse_args(argv)
    from benchmarks.run import Row, table

    rows = bench(args.staff or (QUICK_STAFF if args.quick else STAFF))
    print(table([Row("timesheet", f, v, b, u, TARGETS.get(f, "")) for f, v, b, u in rows]))


if __name__ == "__main__":
    main()
