"""Tasks in a member's personal-data export and erasure (152-FZ): the tasks about a member
(set from their appeals, or linked to them) are listed in the export; the erasure empties their
titles, descriptions and comments, drops the member's links and the tasks' files (their bytes
too, when nothing else holds them, once the erasure has committed) — the tasks themselves,
their statuses and deadlines stay, as the office's record of work done."""

from __future__ import annotations

import uuid
from typing import Any

from unionline import current
from unionline.channel import release_stored
from unionline.plugins.tasks.store import in_list

ERASED = "[удалено]"


class TasksSection:
    name = "tasks"

    async def _tasks(self, member_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
        if not member_ids:
            return []
        marks = in_list(member_ids)
        return await current().db.fetch(
            "SELECT id, title, description, status, appeal_id, created_at, deadline FROM tasks_task"
            f" WHERE member_id IN ({marks}) OR id IN (SELECT task_id FROM tasks_link"
            f" WHERE kind = 'member' AND target_id IN ({marks})) ORDER BY created_at",
            *member_ids,
            *member_ids,
        )

    async def export(self, member_ids: list[uuid.UUID], appeal_ids: list[uuid.UUID]) -> Any:
        """Tasks about the member; a task of an appeal the exporter may not see stays out."""
        visible = {str(a) for a in appeal_ids}
        return [
            {
                "id": str(r["id"]),
                "title": r["title"],
                "description": r["description"],
                "status": r["status"],
                "appeal_id": str(r["appeal_id"]) if r["appeal_id"] else None,
                "created_at": str(r["created_at"]),
                "deadline": str(r["deadline"]) if r["deadline"] else None,
            }
            for r in await self._tasks(member_ids)
            if not r["appeal_id"] or str(r["appeal_id"]) in visible
        ]

    async def erase(self, member_ids: list[uuid.UUID]) -> None:
        """Inside the erasure's transaction (joined, not opened); the files' bytes are released
        once it has committed — a rolled-back erasure leaves every file row with its bytes."""
        db = current().db
        held: set[str] = set()
        async with db.transaction() as tx:
            for row in await self._tasks(member_ids):
                held.update(await self._erase_task(row["id"]))
            if held:
                tx.on_commit(lambda: _release(held))

    async def _erase_task(self, task_id: Any) -> list[str]:
        """Empty the task's words, drop the member's link and its file rows; their hashes."""
        db = current().db
        await db.execute(
            "UPDATE tasks_task SET title = {}, description = '', member_id = NULL WHERE id = {}",
            ERASED,
            task_id,
        )
        await db.execute("UPDATE tasks_comment SET text = {} WHERE task_id = {}", ERASED, task_id)
        await db.execute("DELETE FROM tasks_link WHERE task_id = {} AND kind = 'member'", task_id)
        files = await db.fetch("SELECT sha256 FROM tasks_file WHERE task_id = {}", task_id)
        await db.execute("DELETE FROM tasks_file WHERE task_id = {}", task_id)
        return [str(f["sha256"]) for f in files]


async def _release(held: set[str]) -> None:
    """The bytes no other row names (a reply's copy of the file stays)."""
    for sha256 in sorted(held):
        await release_stored(sha256)
