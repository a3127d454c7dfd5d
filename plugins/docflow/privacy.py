"""Docflow in a member's personal-data export and erasure (152-FZ): the documents about a
member (their applications, cards linked to them) are listed in the export; the erasure empties
their titles, content, requisites and correspondent, deletes their files and drops the member's
links — the registration record (kind, number, dates, route and decisions) stays, as the
journal must."""

from __future__ import annotations

import uuid
from typing import Any

from unionline import current

ERASED = "[удалено]"


def _marks(ids: list[uuid.UUID]) -> str:
    return ", ".join("{}" for _ in ids)


class DocflowSection:
    name = "docflow"

    async def _documents(self, member_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
        if not member_ids:
            return []
        marks = _marks(member_ids)
        return await current().db.fetch(
            "SELECT id, title, summary, number, status, appeal_id, created_at, registered_at"
            f" FROM docflow_document WHERE member_id IN ({marks}) OR id IN (SELECT document_id"
            f" FROM docflow_link WHERE kind = 'member' AND target_id IN ({marks}))"
            " ORDER BY created_at",
            *member_ids,
            *member_ids,
        )

    async def export(self, member_ids: list[uuid.UUID], appeal_ids: list[uuid.UUID]) -> Any:
        """Documents about the member; one of an appeal the exporter may not see stays out."""
        visible = {str(a) for a in appeal_ids}
        return [
            {
                "id": str(r["id"]),
                "number": r["number"],
                "title": r["title"],
                "summary": r["summary"],
                "status": r["status"],
                "appeal_id": str(r["appeal_id"]) if r["appeal_id"] else None,
                "created_at": str(r["created_at"]),
                "registered_at": str(r["registered_at"]) if r["registered_at"] else None,
            }
            for r in await self._documents(member_ids)
            if not r["appeal_id"] or str(r["appeal_id"]) in visible
        ]

    async def erase(self, member_ids: list[uuid.UUID]) -> None:
        db = current().db
        for row in await self._documents(member_ids):
            doc = row["id"]
            await db.execute(
                "UPDATE docflow_document SET title = {}, summary = '', requisites = {},"
                " correspondent = {}, member_id = NULL WHERE id = {}",
                ERASED,
                "{}",
                "{}",
                doc,
            )
            await db.execute("DELETE FROM docflow_file WHERE document_id = {}", doc)
            await db.execute(
                "DELETE FROM docflow_link WHERE document_id = {} AND kind = 'member'", doc
            )
            await db.execute("UPDATE docflow_decision SET comment = '' WHERE document_id = {}", doc)
