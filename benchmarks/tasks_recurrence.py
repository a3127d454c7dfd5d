"""Recurring tasks over a simulated year: N series (10,000; ``--quick`` 1,000) — the last working
day of every month (shifted to the working day before in the production calendar), the 15th
of every month, every Monday — made by two schedulers at once that "restart" at random
moments, with downtime of up to three days between them (the clock jumps 1–72 hours; each jump
both schedulers sweep at once and two executors run the occurrence jobs at once).

Rows, each against a baseline from the same run:

- **occurrences made vs expected**: the expected set is computed here with dateutil and the
  calendar, independently of the plugin; every expected (series, date) must have its task — no
  gaps (ratio 1);
- **tasks per occurrence**: duplicates would push it above 1;
- **occurrences per second** made by the product (sweep, keyed jobs, tasks with their history
  and events) against bare single-row ``INSERT``s of the same number of task rows.

Standalone: ``python -m benchmarks.tasks_recurrence [--quick] [--series N]``. PostgreSQL
(``UNIONLINE_BENCH_DATABASE_URL``). Note ``uptime``: other work on the machine moves the
throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

SERIES, QUICK_SERIES = 10_000, 1_000
RULES = (
    ("FREQ=MONTHLY;BYMONTHDAY=-1", "previous"),
    ("FREQ=MONTHLY;BYMONTHDAY=15", "none"),
    ("FREQ=WEEKLY;BYDAY=MO", "none"),
)
TARGETS = {
    "tasks recurrence: occurrences made vs expected": ">= 1",
    "tasks recurrence: tasks per occurrence (duplicates > 1)": "<= 1",
}


async def seed(
    db: Any, series: int, year: int
) -> tuple[uuid.UUID, list[tuple[uuid.UUID, str, str]]]:
    org = (await db.fetch("SELECT id FROM organization_organization LIMIT 1"))[0]["id"]
    template = uuid.uuid4()
    await db.execute(
        "INSERT INTO tasks_template (id, organization_id, name, title, description, priority,"
        " acceptance, observers, checklist, subtasks, tags, created_at) VALUES"
        " ({}, {}, 'Отчёт', 'Ежемесячный отчёт', '', 'normal', false, '[]', '[]', '[]', '[]', {})",
        template,
        org,
        datetime.now(UTC),
    )
    made = []
    async with db.transaction():
        for n in range(series):
            rule, shift = RULES[n % len(RULES)]
            series_id = uuid.uuid4()
            await db.execute(
                "INSERT INTO tasks_series (id, organization_id, template_id, rrule, starts_on,"
                " at_time, timezone, mode, shift, catch_up, next_on, active, created_at) VALUES"
                " ({}, {}, {}, {}, {}, '09:00', '', 'new', {}, 'all', NULL, true, {})",
                series_id,
                org,
                template,
                rule,
                date(year, 1, 1),
                shift,
                datetime.now(UTC),
            )
            made.append((series_id, rule, shift))
    # The first date of each series, as the API sets it.
    from dateutil.rrule import rrulestr

    for series_id, rule, _ in made:
        first = rrulestr(rule, dtstart=datetime(year, 1, 1)).after(datetime(year, 1, 1), inc=True)
        await db.execute(
            "UPDATE tasks_series SET next_on = {} WHERE id = {}", first.date(), series_id
        )
    return org, made


async def expected(
    org: uuid.UUID, made: list[tuple[uuid.UUID, str, str]], year: int, end: datetime
) -> set[tuple[str, date]]:
    """Every (series, nominal date) due by ``end``, computed here, not by the plugin."""
    from zoneinfo import ZoneInfo

    from dateutil.rrule import rrulestr

    from unionline.calendar import calendar_for, timezone_for

    cal = await calendar_for(org)
    tz = ZoneInfo(await timezone_for(org))
    out = set()
    for series_id, rule, shift in made:
        for moment in rrulestr(rule, dtstart=datetime(year, 1, 1)).between(
            datetime(year, 1, 1), datetime(year + 1, 1, 1), inc=True
        ):
            day = moment.date()
            due_day = day
            while shift == "previous" and not cal.is_working_day(due_day):
                due_day -= timedelta(days=1)
            if datetime(due_day.year, due_day.month, due_day.day, 9, tzinfo=tz) <= end:
                out.add((str(series_id), day))
    return out


async def session(url: str, series: int) -> list[tuple[str, float, float, str]]:
    from unionline.jobs import InProcessExecutor
    from unionline.plugins.tasks.recurrence import sweep
    from unionline.testing.support import make_settings, running_app

    year = datetime.now(UTC).year + 1  # ahead of the real clock: the app's own sweep finds nothing
    settings = make_settings(url, plugins=["tasks"])
    async with running_app(settings, migrate=True, execute_jobs=False) as h:
        r = await h.client.post(
            "/api/organizations/", json={"name": "Профком", "code": "PK"}, headers=h.admin_headers
        )
        assert r.status_code == 201, r.text
        db = h.runtime.db
        org, made = await seed(db, series, year)
        clock = datetime(year, 1, 1, tzinfo=UTC)
        end = datetime(year, 12, 31, 23, 0, tzinfo=UTC)
        rng = random.Random(19)
        started = time.perf_counter()
        restarts = 0
        while clock < end:
            clock = min(end, clock + timedelta(hours=rng.uniform(1, 72)))
            await asyncio.gather(sweep(clock), sweep(clock))  # two schedulers at once
            executors = [InProcessExecutor(h.runtime.jobs) for _ in range(2)]
            await asyncio.gather(*(e.drain(timeout=600) for e in executors))
            for e in executors:
                await e.stop()
            restarts += 1
        spent = time.perf_counter() - started
        rows = await db.fetch("SELECT series_id, occurs_on, task_id FROM tasks_occurrence")
        got = {
            (
                str(r["series_id"]),
                r["occurs_on"]
                if isinstance(r["occurs_on"], date)
                else date.fromisoformat(str(r["occurs_on"])),
            )
            for r in rows
        }
        tasks = (await db.fetch("SELECT COUNT(*) AS n FROM tasks_task"))[0]["n"]
        want = await expected(org, made, year, end)
        missing, extra = want - got, got - want
        print(
            f"#   {restarts} restarts; expected {len(want):,}, made {len(got):,};"
            f" missing {len(missing)}, unexpected {len(extra)}; tasks {tasks:,}",
            flush=True,
        )
        bare = await bare_inserts(db, org, len(rows))
        return [
            (
                "tasks recurrence: occurrences made vs expected",
                float(len(want & got)),
                float(len(want)),
                f"occurrences; {series:,} series, {restarts} restarts of two schedulers",
            ),
            (
                "tasks recurrence: tasks per occurrence (duplicates > 1)",
                float(tasks),
                float(len(rows)),
                "tasks per occurrence row",
            ),
            (
                "tasks recurrence: occurrences per second",
                len(rows) / spent,
                bare,
                "per s; baseline: bare single-row INSERTs of task rows",
            ),
        ]


def day_of(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


async def bare_inserts(db: Any, org: uuid.UUID, count: int) -> float:
    count = min(count, 5_000)
    started = time.perf_counter()
    for n in range(count):
        await db.execute(
            "INSERT INTO tasks_task (id, organization_id, rank, title, description, status,"
            " priority,"
            " acceptance, tags, checklist_total, checklist_done, subtasks_total, subtasks_done,"
            " comments, created_at, updated_at) VALUES ({}, {}, 'm', {}, '', 'new', 'normal',"
            " false,"
            " '[]', 0, 0, 0, 0, 0, {}, {})",
            uuid.uuid4(),
            org,
            f"bare {n}",
            datetime.now(UTC),
            datetime.now(UTC),
        )
    return count / (time.perf_counter() - started)


def bench(series: int) -> list[tuple[str, float, float, str]]:
    from unionline.testing import spares
    from unionline.testing.support import fresh_database

    server = os.environ.get(
        "UNIONLINE_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    print(
        f"# tasks recurrence on PostgreSQL: {series:,} series over a year;"
        f" load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), server) as url:
        rows = asyncio.run(session(url, series))
    spares.close()
    return rows


def run(quick: bool) -> list[tuple[str, float, float, str]]:
    return bench(QUICK_SERIES if quick else SERIES)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tasks_recurrence")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--series", type=int)
    args = parser.parse_args(argv)
    from benchmarks.run import Row, table

    rows = bench(args.series or (QUICK_SERIES if args.quick else SERIES))
    print(table([Row("tasks_recurrence", f, v, b, u, TARGETS.get(f, "")) for f, v, b, u in rows]))


if __name__ == "__main__":
    main()
