"""Documents of a merged appeal follow it to the target (``appeal_merged``).

The merged appeal is closed and takes no messages: a document's appeal and its ``appeal`` link
name the target from then on, so the target's documents list it, and a route's decision is told
to the member on the target (``processes.notify_member``).
"""

from __future__ import annotations

import uuid

import msgspec

from unionline import AppealSummary, current


class _Linked(msgspec.Struct):
    id: uuid.UUID
    document_id: uuid.UUID


async def follow_merge(source: AppealSummary, target: AppealSummary) -> None:
    db = current().db
    await db.execute(
        "UPDATE docflow_document SET appeal_id = {} WHERE appeal_id = {}", target.id, source.id
    )
    links = await db.fetch_as(
        _Linked,
        "SELECT id, document_id FROM docflow_link WHERE kind = 'appeal' AND target_id = {}"
        " ORDER BY document_id",
        source.id,
    )
    for link in links:
        # A document linked to both keeps its one link to the target.
        await db.execute("DELETE FROM docflow_link WHERE id = {}", link.id)
        await db.execute(
            "INSERT INTO docflow_link (id, document_id, kind, target_id, key)"
            " VALUES ({}, {}, 'appeal', {}, {}) ON CONFLICT (key) DO NOTHING",
            uuid.uuid4(),
            link.document_id,
            target.id,
            f"{link.document_id}:appeal:{target.id}",
        )
