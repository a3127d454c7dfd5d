"""The robots engine: event rules fire once per event, run their steps in order, record them
in the rules log and on the appeal's timeline; the loop guard stops a self-triggering rule."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest
from robots_support import (
    PLUGINS,
    create_rule,
    executions,
    make_appeal,
    make_org,
    robots_settings,
    timeline_kinds,
)

from unionline.robots import engine
from unionline.testing import AppHarness
from unionline.testing.support import running_app

CREATED = {"kind": "event", "event_type": "appeal.created"}
NOTE_ACTION = {"action": "test.note", "params": {"text": "заметка"}}


@pytest.fixture
def unionline_settings(unionline_database_url: str) -> Any:
    return robots_settings(unionline_database_url, loop_limit=3)


@pytest.fixture
async def h(unionline_settings: Any) -> AsyncIterator[AppHarness]:
    async with running_app(unionline_settings, migrate=True, extra_plugins=PLUGINS) as harness:
        yield harness


async def test_event_rule_runs_its_actions_once_and_records_them(h: AppHarness) -> None:
    org = await make_org(h, "R1")
    rule = await create_rule(
        h,
        org,
        trigger=CREATED,
        conditions={"kind": "channel", "values": ["telegram"]},
        actions=[
            {"action": "test.note", "params": {"text": "первая"}},
            {"action": "test.note", "params": {"text": "вторая"}},
        ],
    )
    appeal = await make_appeal(org)
    other = await make_appeal(org, channel="vk")  # the condition does not hold for it
    await h.settle()

    notes = [r["body"] for r in await timeline_kinds(appeal, "note")]
    assert notes == ["первая", "вторая"]
    assert await timeline_kinds(other, "note") == []
    robot_entries = [
        r["body"] for r in await timeline_kinds(appeal, "system") if "robot" in r["data"]
    ]
    assert robot_entries == [
        "Робот «Правило»: заметка «первая»",
        "Робот «Правило»: заметка «вторая»",
    ]
    # Each reaches the consoles as it is written (the console appends an event's `entry`).
    noted = await h.runtime.db.fetch("SELECT payload FROM system_event WHERE type = 'robots.noted'")
    published = [msgspec.json.decode(r["payload"]) for r in noted]
    assert [(p["appeal_id"], p["entry"]["body"]) for p in published] == [
        (str(appeal), body) for body in robot_entries
    ]

    log = (
        await h.client.get(f"/api/robots/rules/{rule['id']}/log", headers=h.admin_headers)
    ).json()
    assert [i["status"] for i in log["items"]] == ["done"]
    assert [s["summary"] for s in log["items"][0]["steps"]] == [
        "заметка «первая»",
        "заметка «вторая»",
    ]
    appeal_log = await h.client.get(f"/api/robots/appeals/{appeal}/log", headers=h.admin_headers)
    assert [i["rule_id"] for i in appeal_log.json()["items"]] == [rule["id"]]

    # The event delivered again (a second process, a retried listener): nothing more happens.
    created = await h.runtime.db.fetchone(
        "SELECT id FROM system_event WHERE type = 'appeal.created' ORDER BY id LIMIT 1"
    )
    event = await engine.load_event(int(created["id"]))
    await engine.on_event(event)
    await engine.fire(
        engine.Fire(
            rule_id=uuid.UUID(rule["id"]),
            trigger=f"event:{event.id}",
            event_id=event.id,
            appeal_id=appeal,
        )
    )
    await h.settle()
    assert len(await timeline_kinds(appeal, "note")) == 2
    assert len(await executions(rule["id"])) == 1


async def test_rules_of_an_organization_apply_to_its_subtree_only(h: AppHarness) -> None:
    parent = await make_org(h, "P")
    child = await make_org(h, "C", parent)
    sibling = await make_org(h, "S")
    await create_rule(
        h, parent, trigger=CREATED, actions=[{"action": "test.note", "params": {"text": "сверху"}}]
    )
    in_child = await make_appeal(child)
    elsewhere = await make_appeal(sibling)
    await h.settle()
    assert [r["body"] for r in await timeline_kinds(in_child, "note")] == ["сверху"]
    assert await timeline_kinds(elsewhere, "note") == []


async def test_loop_guard_stops_a_self_triggering_rule(h: AppHarness) -> None:
    """A rule reacting to notes by writing a note would run forever; the guard stops it at
    the limit (3 in these settings), says so in the log, on the rule and on the timeline."""
    org = await make_org(h, "L")
    rule = await create_rule(
        h,
        org,
        name="Эхо",
        trigger={"kind": "event", "event_type": "appeal.note_added", "include_robot_events": True},
        actions=[{"action": "test.note", "params": {"text": "эхо"}}],
    )
    appeal = await make_appeal(org)
    from unionline.appeals.actions import add_note

    await add_note(None, appeal, "начало")
    for _ in range(10):
        await h.settle()

    statuses = [r["status"] for r in await executions(rule["id"])]
    assert statuses == ["done", "done", "done", "blocked"]
    assert len(await timeline_kinds(appeal, "note")) == 1 + 3
    view = (await h.client.get(f"/api/robots/rules/{rule['id']}", headers=h.admin_headers)).json()
    assert view["last_blocked_at"] is not None and view["loop_limit"] == 3
    log = (
        await h.client.get(f"/api/robots/rules/{rule['id']}/log", headers=h.admin_headers)
    ).json()
    assert "loop guard" in log["items"][0]["reason"]
    assert any(
        "защитой от зацикливания" in r["body"] for r in await timeline_kinds(appeal, "system")
    )


async def test_rules_ignore_robots_changes_unless_asked(h: AppHarness) -> None:
    org = await make_org(h, "N")
    rule = await create_rule(
        h,
        org,
        trigger={"kind": "event", "event_type": "appeal.note_added"},
        actions=[{"action": "test.note", "params": {"text": "ответ"}}],
    )
    appeal = await make_appeal(org)
    from unionline.appeals.actions import add_note

    await add_note(None, appeal, "от оператора")
    for _ in range(4):
        await h.settle()
    assert [r["status"] for r in await executions(rule["id"])] == ["done"]
    assert [r["body"] for r in await timeline_kinds(appeal, "note")] == ["от оператора", "ответ"]


async def test_a_failed_step_ends_the_execution_visibly(h: AppHarness) -> None:
    org = await make_org(h, "F")
    rule = await create_rule(
        h,
        org,
        trigger=CREATED,
        actions=[
            {"action": "test.fail", "params": {"reason": "сервис недоступен"}},
            {"action": "test.note", "params": {"text": "не будет"}},
        ],
    )
    appeal = await make_appeal(org)
    await h.settle()
    [row] = await executions(rule["id"])
    assert row["status"] == "failed" and row["reason"] == "сервис недоступен"
    assert await timeline_kinds(appeal, "note") == []


async def test_a_wait_resumes_the_rest_later(h: AppHarness) -> None:
    org = await make_org(h, "W")
    rule = await create_rule(
        h,
        org,
        trigger=CREATED,
        actions=[
            {"action": "test.note", "params": {"text": "сразу"}},
            {"action": "test.wait", "params": {"seconds": 0.3}},
            {"action": "test.note", "params": {"text": "потом"}},
        ],
    )
    appeal = await make_appeal(org)
    await h.settle()
    [row] = await executions(rule["id"])
    assert row["status"] == "waiting"
    assert [r["body"] for r in await timeline_kinds(appeal, "note")] == ["сразу"]
    deadline = time.monotonic() + 20
    while (await executions(rule["id"]))[0]["status"] != "done":
        assert time.monotonic() < deadline, "the continuation never ran"
        await asyncio.sleep(0.1)
        await h.settle()
    assert [r["body"] for r in await timeline_kinds(appeal, "note")] == ["сразу", "потом"]


async def test_disabled_rules_do_not_fire(h: AppHarness) -> None:
    org = await make_org(h, "D")
    rule = await create_rule(
        h,
        org,
        trigger=CREATED,
        enabled=False,
        actions=[{"action": "test.note", "params": {"text": "нет"}}],
    )
    appeal = await make_appeal(org)
    await h.settle()
    assert await executions(rule["id"]) == []
    r = await h.client.post(f"/api/robots/rules/{rule['id']}/enable", headers=h.admin_headers)
    assert r.status_code == 200 and r.json()["enabled"] is True
    second = await make_appeal(org)
    await h.settle()
    assert await timeline_kinds(appeal, "note") == []
    assert [r["body"] for r in await timeline_kinds(second, "note")] == ["нет"]


async def test_deleting_a_rule_stops_what_it_left_waiting(h: AppHarness) -> None:
    org = await make_org(h, "X")
    rule = await create_rule(
        h,
        org,
        trigger=CREATED,
        actions=[
            {"action": "test.wait", "params": {"seconds": 3600}},
            {"action": "test.note", "params": {"text": "через час"}},
        ],
    )
    appeal = await make_appeal(org)
    await h.settle()
    [row] = await executions(rule["id"])
    assert row["status"] == "waiting"
    r = await h.client.delete(f"/api/robots/rules/{rule['id']}", headers=h.admin_headers)
    assert r.status_code == 204
    [row] = await executions(rule["id"])
    assert row["status"] == "stopped" and row["reason"] == "the rule was deleted"
    resumed = await engine.resume(engine.Resume(execution_id=row["id"], step=1))
    assert resumed == "stale"
    assert await timeline_kinds(appeal, "note") == []


async def test_old_finished_log_entries_are_purged(h: AppHarness) -> None:
    from unionline.robots import jobs

    org = await make_org(h, "O")
    rule = await create_rule(h, org, trigger=CREATED, actions=[NOTE_ACTION])
    await make_appeal(org)
    await make_appeal(org)
    await h.settle()
    first, second = await executions(rule["id"])
    await h.runtime.db.execute(
        "UPDATE robot_execution SET created_at = {} WHERE id = {}",
        time.time() - 91 * 86400,
        first["id"],
    )
    await jobs.purge_log(time.time())
    assert [r["id"] for r in await executions(rule["id"])] == [second["id"]]
