"""An ended series makes no more tasks, not even from an occurrence job queued before the end:
the job re-reads the series in the transaction that would make the task. Ended at once —
nothing; ended on a day — only the dates up to that day. Before, a job already queued for a
date that had come due made its task after «Завершить серию»."""

from __future__ import annotations

import time
import uuid
from datetime import date
from typing import Any

import pytest
from tasks_support import Staff

from unionline import current, enqueue, now
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("tasks")


async def queue(series_id: str, day: date) -> None:
    """An occurrence job as the sweep queues it, held back (due in an hour) until :func:`run`."""
    from unionline.plugins.tasks.recurrence import OCCURRENCE, OccurrencePayload

    await enqueue(
        OCCURRENCE,
        OccurrencePayload(series_id=uuid.UUID(series_id), occurs_on=day),
        key=f"{OCCURRENCE}:{series_id}:{day.isoformat()}",
        delay=3600,
    )


async def run(h: AppHarness) -> None:
    """Every held-back occurrence job comes due now and runs."""
    await current().db.execute(
        "UPDATE system_job SET run_at = {} WHERE name = 'tasks.occurrence' AND status = 'pending'",
        time.time() - 1,
    )
    await h.settle()


async def tasks_of(h: AppHarness, series_id: str) -> list[Any]:
    return await h.runtime.db.fetch(
        "SELECT id FROM tasks_task WHERE series_id = {}", uuid.UUID(series_id)
    )


async def new_series(s: Staff, rule: dict[str, Any], mode: str = "new") -> dict[str, Any]:
    template = await s.call(
        "boss", "post", "/api/tasks/templates/", 201, organization_id=str(s.a), name="Обход",
        title="Обход цехов",
    )  # fmt: skip
    return await s.call(  # type: ignore[no-any-return]
        "boss", "post", "/api/tasks/series/", 201, template_id=template["id"], mode=mode, **rule
    )


@pytest.mark.parametrize("mode", ["new", "reopen"])
async def test_a_job_queued_before_an_end_at_once_makes_nothing(
    unionline_app: AppHarness, mode: str
) -> None:
    h = unionline_app
    s = await Staff(h).setup()
    year = now().year + 2  # ahead of the real clock: the app's own sweep finds nothing due
    daily = await new_series(s, {"rrule": "FREQ=DAILY", "starts_on": f"{year}-03-01"}, mode)
    await queue(daily["id"], date(year, 3, 1))
    await s.call("boss", "post", f"/api/tasks/series/{daily['id']}/end")
    await run(h)
    assert await tasks_of(h, daily["id"]) == []
    assert await h.runtime.db.fetch("SELECT id FROM tasks_occurrence") == []

    after = await new_series(s, {"after_done_days": 2, "starts_on": f"{year}-03-01"})
    await queue(after["id"], date(year, 3, 1))
    await s.call("boss", "post", f"/api/tasks/series/{after['id']}/end")
    await run(h)
    assert await tasks_of(h, after["id"]) == []


async def test_a_job_queued_before_an_end_on_a_day_keeps_to_that_day(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    s = await Staff(h).setup()
    year = now().year + 2
    daily = await new_series(s, {"rrule": "FREQ=DAILY", "starts_on": f"{year}-03-01"})
    for day in (1, 2, 3):
        await queue(daily["id"], date(year, 3, day))
    await s.call("boss", "post", f"/api/tasks/series/{daily['id']}/end", last_on=f"{year}-03-02")
    await run(h)
    made = await h.runtime.db.fetch(
        "SELECT occurs_on FROM tasks_occurrence WHERE series_id = {} ORDER BY occurs_on",
        uuid.UUID(daily["id"]),
    )
    assert [str(r["occurs_on"])[:10] for r in made] == [f"{year}-03-01", f"{year}-03-02"]
    assert len(await tasks_of(h, daily["id"])) == 2
    # A series still running makes its queued occurrence as before.
    running = await new_series(s, {"rrule": "FREQ=DAILY", "starts_on": f"{year}-03-01"})
    await queue(running["id"], date(year, 3, 1))
    await run(h)
    assert len(await tasks_of(h, running["id"])) == 1
