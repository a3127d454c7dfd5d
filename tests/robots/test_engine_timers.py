"""Timers and schedules: a timer due while nothing ran fires exactly once after the restart;
a schedule fires once per slot (missed slots of a downtime collapse into the latest)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from robots_support import (
    PLUGINS,
    create_rule,
    executions,
    make_appeal,
    make_org,
    robots_settings,
    timeline_kinds,
)

from unionline.appeals.clock import use_clock
from unionline.robots import jobs
from unionline.testing.support import AppHarness, lifespan_task, running_app


class FakeClock:
    """A clock the test moves by hand (strictly increasing, like real time)."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # Monday 10:00 in Moscow

    def __call__(self) -> datetime:
        self.moment += timedelta(microseconds=1)
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


def app(settings: Any) -> Any:
    return running_app(settings, migrate=True, extra_plugins=PLUGINS)


@contextlib.asynccontextmanager
async def restarted(settings: Any) -> AsyncIterator[AppHarness]:
    """The app started again on the same database (its admin exists already)."""
    from unionline.app import create_app

    started = create_app(settings, migrate=True, extra_plugins=PLUGINS)
    async with lifespan_task(started):
        yield AppHarness(started, None)


async def test_a_timer_due_during_downtime_fires_exactly_once_after_restart(
    unionline_database_url: str,
) -> None:
    """ "Waiting for the member for 3 days": the appeal waits, the app is down when the three
    days pass; the next start fires the rule once, and later starts and sweeps do not again."""
    from unionline.appeals.actions import set_status

    settings = robots_settings(unionline_database_url, sweep_seconds=3600)
    clock = FakeClock()
    with use_clock(clock):
        async with app(settings) as h:
            org = await make_org(h, "T")
            rule = await create_rule(
                h,
                org,
                name="Напоминание",
                trigger={
                    "kind": "timer",
                    "field": "status_since",
                    "offset_minutes": 3 * 24 * 60,
                    "statuses": ["waiting"],
                },
                actions=[{"action": "test.note", "params": {"text": "ждём ответа 3 дня"}}],
            )
            appeal = await make_appeal(org)
            other = await make_appeal(org)  # stays new: the timer is for waiting appeals
            await set_status(None, appeal, "waiting")
            clock.advance(days=1)
            assert await jobs.sweep() == 0
            await h.settle()
            assert await executions(rule["id"]) == []

        clock.advance(days=3)  # the app is down when the timer comes due

        for _restart in range(2):
            async with restarted(settings) as h:
                await h.settle()  # startup sweeps at once
                assert await jobs.sweep() == 0  # and sweeping again finds nothing new
                await h.settle()
                rows = await executions(rule["id"])
                assert [r["status"] for r in rows] == ["done"]
                assert str(rows[0]["appeal_id"]) == str(appeal)
                notes = [r["body"] for r in await timeline_kinds(appeal, "note")]
                assert notes == ["ждём ответа 3 дня"]
                assert await timeline_kinds(other, "note") == []
            clock.advance(hours=5)


async def test_a_new_value_of_the_field_starts_a_new_timer(unionline_database_url: str) -> None:
    from unionline.appeals.actions import set_status

    settings = robots_settings(unionline_database_url, sweep_seconds=3600)
    clock = FakeClock()
    with use_clock(clock):
        async with app(settings) as h:
            org = await make_org(h, "V")
            rule = await create_rule(
                h,
                org,
                trigger={
                    "kind": "timer",
                    "field": "status_since",
                    "offset_minutes": 60,
                    "statuses": ["waiting"],
                },
                actions=[{"action": "test.note", "params": {"text": "час ожидания"}}],
            )
            appeal = await make_appeal(org)
            await set_status(None, appeal, "waiting")
            clock.advance(minutes=90)
            await jobs.sweep()
            await h.settle()
            await set_status(None, appeal, "open")
            await set_status(None, appeal, "waiting")  # waits again: a new timer
            clock.advance(minutes=30)
            await jobs.sweep()
            await h.settle()
            assert len(await executions(rule["id"])) == 1
            clock.advance(minutes=40)
            await jobs.sweep()
            await jobs.sweep()
            await h.settle()
            assert [r["status"] for r in await executions(rule["id"])] == ["done", "done"]
            assert len(await timeline_kinds(appeal, "note")) == 2


async def test_a_schedule_fires_once_per_slot(unionline_database_url: str) -> None:
    settings = robots_settings(unionline_database_url, sweep_seconds=3600)
    clock = FakeClock()
    with use_clock(clock):
        async with app(settings) as h:
            org = await make_org(h, "S")
            rule = await create_rule(
                h,
                org,
                trigger={"kind": "schedule", "every_minutes": 60, "appeal_statuses": ["new"]},
                conditions={"kind": "tags", "values": ["просрочено"]},
                actions=[{"action": "test.note", "params": {"text": "ежечасно"}}],
            )
            tagged = await make_appeal(org, tags=("просрочено",))
            plain = await make_appeal(org)
            clock.advance(minutes=30)  # 10:30: the 10:00 slot came before the rule
            assert await jobs.sweep() == 0
            clock.advance(minutes=40)  # 11:10: the 11:00 slot, once per appeal
            assert await jobs.sweep() == 2
            assert await jobs.sweep() == 0
            clock.advance(hours=3)  # 14:10: 12, 13 and 14 o'clock missed: the latest fires
            assert await jobs.sweep() == 2
            await h.settle()
            rows = await executions(rule["id"])
            by_appeal: dict[str, list[str]] = {}
            for row in rows:
                by_appeal.setdefault(str(row["appeal_id"]), []).append(row["status"])
            assert by_appeal == {
                str(tagged): ["done", "done"],
                str(plain): ["not_matched", "not_matched"],
            }
            assert len(await timeline_kinds(tagged, "note")) == 2
            log = await h.client.get(f"/api/robots/rules/{rule['id']}/log", headers=h.admin_headers)
            assert len(log.json()["items"]) == 2  # what did not match is left out by default
            everything = await h.client.get(
                f"/api/robots/rules/{rule['id']}/log?all=true", headers=h.admin_headers
            )
            assert len(everything.json()["items"]) == 4
            assert uuid.UUID(rule["id"])
