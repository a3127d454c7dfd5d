"""Finished jobs do not pile up: a daily housekeeping job deletes the old ones, keeps the recent
ones and the dead letters, and schedules the next day's run (one per day, whoever asks)."""

from __future__ import annotations

import time

from unionline.jobs.periodic import DAY
from unionline.system.housekeeping import PURGE
from unionline.testing import AppHarness


async def _jobs(h: AppHarness) -> list[dict]:
    return await h.runtime.db.fetch(
        "SELECT name, status, idempotency_key, run_at FROM system_job ORDER BY id"
    )


async def test_the_daily_purge_keeps_recent_and_dead_jobs(unionline_app: AppHarness) -> None:
    h = unionline_app
    db = h.runtime.db
    await h.settle()
    scheduled = [j for j in await _jobs(h) if j["name"] == PURGE.name]
    tomorrow = int(time.time() // DAY) + 1
    assert [j["idempotency_key"] for j in scheduled] == [f"{PURGE.name}:{tomorrow}"]
    await PURGE.schedule()  # a second process starting asks again: still one
    assert len([j for j in await _jobs(h) if j["name"] == PURGE.name]) == 1

    old, recent = time.time() - 8 * DAY, time.time() - 6 * DAY
    insert = (
        "INSERT INTO system_job (name, payload, idempotency_key, status, attempts, max_attempts,"
        " run_at, created_at, finished_at) VALUES ({}, 'null', {}, {}, 1, 8, {}, {}, {})"
    )
    for key, status, finished in (
        ("old-done", "done", old),
        ("recent-done", "done", recent),
        ("old-dead", "dead", old),
    ):
        await db.execute(insert, "x.test", key, status, finished, finished, finished)

    await PURGE.run(None, None)
    keys = {j["idempotency_key"] for j in await _jobs(h)}
    assert "old-done" not in keys
    assert {"recent-done", "old-dead"} <= keys
    assert f"{PURGE.name}:{tomorrow}" in keys  # the next run is still scheduled
