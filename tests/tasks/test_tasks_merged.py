"""Tasks of a merged appeal follow it to the target (the ``appeal_merged`` hook).

The merged appeal is closed; its tasks — and their links — name the target from the merge on:
the target's «Задачи по обращению» lists them, and the ready rule «Решить обращение, когда все
его задачи выполнены» resolves the target only when they are done too (before, the target was
resolved with the merged appeal's task still open, and finishing that task tried the closed one).
"""

from __future__ import annotations

import msgspec
import pytest
from appeals_support import inbound, make_member
from tasks_support import Staff

from unionline.appeals import services
from unionline.robots import templates
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("tasks")


async def test_the_merged_appeals_tasks_are_the_targets(unionline_app: AppHarness) -> None:
    h = unionline_app
    s = await Staff(h).setup()
    ready = msgspec.to_builtins(templates.rule("tasks_resolve_appeal", s.a))
    await s.call("boss", "post", "/api/robots/rules", 201, **ready)
    member = await make_member(s.a)
    source, _ = await inbound(s.a, member, "Не выплатили премию", account=None)
    target = await services.create_appeal(
        None, organization_id=s.a, member_id=member, subject="Премия и отпуск", channel="phone"
    )
    theirs = await s.call("olga", "post", "/api/tasks/", 201, appeal_id=str(source.id))
    ours = await s.call("olga", "post", "/api/tasks/", 201, appeal_id=str(target.id))
    await s.call("boss", "post", f"/api/appeals/{source.id}/merge", target_id=str(target.id))
    await h.settle()

    on_target = await s.call("olga", "get", f"/api/tasks/appeals/{target.id}")
    assert [t["id"] for t in on_target["tasks"]] == [theirs["id"], ours["id"]]
    assert on_target["open"] == 2
    assert (await s.call("olga", "get", f"/api/tasks/appeals/{source.id}"))["tasks"] == []
    card = await s.call("olga", "get", f"/api/tasks/{theirs['id']}")
    assert card["appeal_id"] == str(target.id)
    assert [link["target_id"] for link in card["links"] if link["kind"] == "appeal"] == [
        str(target.id)
    ]
    listed = await s.call("olga", "get", "/api/tasks/", view="all", appeal_id=str(target.id))
    assert len(listed["items"]) == 2

    async def status() -> str:
        row = await h.runtime.db.fetchone(
            "SELECT status FROM appeal_appeal WHERE id = {}", target.id
        )
        return str(row["status"])

    await s.call("olga", "post", f"/api/tasks/{ours['id']}/status", status="done")
    await h.settle()
    assert await status() != "resolved"  # the merged appeal's task is still open
    await s.call("olga", "post", f"/api/tasks/{theirs['id']}/status", status="done")
    await h.settle()
    assert await status() == "resolved"
