"""Acceptance: a worker making a backlog of recurring tasks is killed with SIGKILL; a second
worker finishes. Every series has exactly one task per occurrence date, from its first date to
today, with no gap — the occurrence jobs are keyed by series and date, and each claims the
unique occurrence key in the transaction that makes its task."""

from __future__ import annotations

import contextlib
import signal
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from plugins_for_tests.support import FAST_JOBS, cli_env, unionline_cli, wait_for, waited

from unionline import Actor, Grant, now, runtime
from unionline.runtime import Runtime
from unionline.testing.support import make_settings

SERIES = 20
DAYS = 30


@contextlib.asynccontextmanager
async def tasks_runtime(url: str) -> AsyncIterator[Runtime]:
    settings = make_settings(url, plugins=["tasks"], jobs=FAST_JOBS)
    rt = runtime.build(*runtime.from_settings(settings))
    async with rt.running(migrate=True, execute_jobs=False):
        yield rt


async def seed(rt: Runtime) -> date:
    """An organization, a template and SERIES daily series from DAYS days ago."""
    from unionline.organizations.schemas import OrganizationCreate
    from unionline.organizations.services import create as create_org
    from unionline.plugins.tasks import recurrence, templates
    from unionline.plugins.tasks.schemas import NewSeries, NewTemplate

    admin = Actor(
        operator_id=uuid.uuid4(),
        grants=(Grant("admin", None),),
        permissions=frozenset(rt.registry.permissions),
    )
    org = await create_org(admin, OrganizationCreate(name="Профком", code="PK"))
    template = await templates.create(
        admin, NewTemplate(organization_id=org.id, name="Обход", title="Ежедневный обход")
    )
    start = now().date() - timedelta(days=DAYS)
    for _ in range(SERIES):
        await recurrence.create(
            admin,
            NewSeries(
                template_id=template.id, rrule="FREQ=DAILY", starts_on=start, at_time="00:00"
            ),
        )
    return start


async def made(rt: Runtime) -> int:
    row = await rt.db.fetchone("SELECT COUNT(*) AS n FROM tasks_task")
    return int(row["n"]) if row else 0


@pytest.mark.slow
async def test_a_killed_worker_makes_each_occurrence_exactly_once(
    unionline_database_url: str, tmp_path: Path
) -> None:
    from unionline.plugins.tasks.recurrence import RECUR

    async with tasks_runtime(unionline_database_url) as rt:
        start = await seed(rt)
        async with rt.db.transaction():
            await RECUR.schedule(now=True)  # the sweep the web app's startup would queue
        env = cli_env(unionline_database_url) | {"UNIONLINE_PLUGINS": "tasks"}
        env.pop("UNIONLINE_PLUGIN_PATHS", None)
        log = tmp_path / "workers.log"
        first = unionline_cli("worker", env=env, cwd=tmp_path, log=log)
        try:

            async def under_way() -> bool:
                running = await rt.db.fetchone(
                    "SELECT COUNT(*) AS n FROM system_job WHERE status = 'running'"
                    " AND name = 'tasks.occurrence'"
                )
                return await made(rt) >= SERIES * DAYS // 4 and bool(running and running["n"])

            await wait_for(under_way, 120, "the first worker to get going")
        finally:
            first.send_signal(signal.SIGKILL)
            await waited(first, 30)
        assert await made(rt) < SERIES * DAYS, "the worker finished before it was killed"

        second = unionline_cli("worker", env=env, cwd=tmp_path, log=log)
        try:

            async def all_made() -> bool:
                pending = await rt.db.fetchone(
                    "SELECT COUNT(*) AS n FROM system_job WHERE name = 'tasks.occurrence'"
                    " AND status IN ('pending', 'running')"
                )
                return await made(rt) >= SERIES * DAYS and not (pending and pending["n"])

            await wait_for(all_made, 180, f"the second worker\n{log.read_text()[-2000:]}")
        finally:
            second.send_signal(signal.SIGTERM)
            await waited(second, 60)

        rows = await rt.db.fetch(
            "SELECT o.series_id, o.occurs_on, o.task_id, t.series_id AS task_series"
            " FROM tasks_occurrence o LEFT JOIN tasks_task t ON t.id = o.task_id"
        )
        by_series: dict[str, list[date]] = {}
        for row in rows:
            assert row["task_id"] is not None and str(row["task_series"]) == str(row["series_id"])
            day = row["occurs_on"]
            day = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
            by_series.setdefault(str(row["series_id"]), []).append(day)
        assert len(by_series) == SERIES
        today = max(max(days) for days in by_series.values())
        for days in by_series.values():
            # one per day (no duplicate), every day from the first to today (no gap)
            assert sorted(days) == [
                start + timedelta(days=n) for n in range((today - start).days + 1)
            ]
        assert await made(rt) == len(rows)  # no task outside an occurrence
        dead = await rt.db.fetchone("SELECT COUNT(*) AS n FROM system_job WHERE status = 'dead'")
        assert dead is not None and int(dead["n"]) == 0
