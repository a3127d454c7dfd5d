"""When two members are merged, their appeals and timeline entries follow the target (and
the merge preview counts the appeals that would)."""

from __future__ import annotations

import uuid

from unionline.runtime import current


async def move_member_history(source_id: uuid.UUID, target_id: uuid.UUID) -> None:
    """A members merge step: runs inside the merge transaction."""
    db = current().db
    await db.execute(
        "UPDATE appeal_appeal SET member_id = {} WHERE member_id = {}", target_id, source_id
    )
    await db.execute(
        "UPDATE appeal_timeline SET member_id = {} WHERE member_id = {}", target_id, source_id
    )


async def count_member_appeals(source_id: uuid.UUID) -> int:
    """How many appeals a merge of ``source_id`` moves (the merge preview shows it)."""
    row = await current().db.fetchone(
        "SELECT COUNT(*) AS n FROM appeal_appeal WHERE member_id = {}", source_id
    )
    return int(row["n"]) if row else 0
