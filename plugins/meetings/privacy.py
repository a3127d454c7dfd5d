"""Meetings in a member's personal-data export and erasure (152-FZ): the meetings a member was
invited to are listed in the export (an appeal's meeting only when the exporter may see the
appeal); the erasure blanks the member's name and e-mail address on their participant rows —
the meetings themselves stay, as the office's record."""

from __future__ import annotations

import uuid
from typing import Any

from unionline import current

ERASED = "[удалено]"


class MeetingsSection:
    name = "meetings"

    async def _rows(self, member_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
        if not member_ids:
            return []
        marks = ", ".join("{}" for _ in member_ids)
        return await current().db.fetch(
            "SELECT m.id, m.title, m.starts_at, m.ends_at, m.status, m.appeal_id,"
            " p.role, p.appeal_id AS link_appeal_id, p.email, p.joined_at"
            " FROM meetings_participant p JOIN meetings_meeting m ON m.id = p.meeting_id"
            f" WHERE p.member_id IN ({marks}) ORDER BY m.starts_at",
            *member_ids,
        )

    async def export(self, member_ids: list[uuid.UUID], appeal_ids: list[uuid.UUID]) -> Any:
        visible = {str(a) for a in appeal_ids}
        found = []
        for r in await self._rows(member_ids):
            appeal = r["appeal_id"] or r["link_appeal_id"]
            if appeal and str(appeal) not in visible:
                continue
            found.append(
                {
                    "id": str(r["id"]),
                    "title": r["title"],
                    "starts_at": str(r["starts_at"]),
                    "ends_at": str(r["ends_at"]),
                    "status": r["status"],
                    "role": r["role"],
                    "email": r["email"],
                    "joined_at": str(r["joined_at"]) if r["joined_at"] else None,
                }
            )
        return found

    async def erase(self, member_ids: list[uuid.UUID]) -> None:
        if not member_ids:
            return
        marks = ", ".join("{}" for _ in member_ids)
        await current().db.execute(
            f"UPDATE meetings_participant SET name = {{}}, email = '' WHERE member_id IN ({marks})",
            ERASED,
            *member_ids,
        )
