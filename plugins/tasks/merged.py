"""Tasks of a merged appeal follow it to the target (``appeal_merged``).

The merged appeal is closed and nobody works on it: its tasks name the target from then on
(``tasks_task.appeal_id`` and the ``appeal`` link), so the target's «Задачи по обращению» lists
them, and «all the appeal's tasks are done» (``tasks.appeal_tasks_done``) counts them on the
target. Each task's history says so: the link went from the merged appeal to the target.
"""

from __future__ import annotations

import uuid

import msgspec

from unionline import AppealSummary, current
from unionline.plugins.tasks.store import record


class _Linked(msgspec.Struct):
    id: uuid.UUID
    task_id: uuid.UUID


async def follow_merge(source: AppealSummary, target: AppealSummary) -> None:
    db = current().db
    await db.execute(
        "UPDATE tasks_task SET appeal_id = {} WHERE appeal_id = {}", target.id, source.id
    )
    links = await db.fetch_as(
        _Linked,
        "SELECT id, task_id FROM tasks_link WHERE kind = 'appeal' AND target_id = {}"
        " ORDER BY task_id",
        source.id,
    )
    for link in links:
        # A task linked to both keeps its one link to the target.
        await db.execute("DELETE FROM tasks_link WHERE id = {}", link.id)
        await db.execute(
            "INSERT INTO tasks_link (id, task_id, kind, target_id, key)"
            " VALUES ({}, {}, 'appeal', {}, {}) ON CONFLICT (key) DO NOTHING",
            uuid.uuid4(),
            link.task_id,
            target.id,
            f"{link.task_id}:appeal:{target.id}",
        )
        await record(
            link.task_id,
            None,
            "linked",
            {"kind": "appeal", "target_id": source.id},
            {"kind": "appeal", "target_id": target.id},
        )
