"""The sub-organizations a form lets a member choose: only live ones within the form's subtree.

Read from the federation tree's table (its materialized ``path``: a subtree is every path that
starts with the root's own). The config is checked again at every use, so an organization
moved out of the subtree or archived after the form was set up is never offered or accepted.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import msgspec

from unionline import current


class Choice(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    name: str


async def choices(root_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> list[Choice]:
    """``ids`` (in the config's order) that are live organizations within ``root_id``'s subtree."""
    if not ids:
        return []
    db = current().db
    root = await db.fetchone("SELECT path FROM organization_organization WHERE id = {}", root_id)
    if root is None:
        return []
    marks = ", ".join("{}" for _ in ids)
    rows = await db.fetch_as(
        _Organization,
        "SELECT id, name, path FROM organization_organization"
        f" WHERE id IN ({marks}) AND archived_at IS NULL",
        *ids,
    )
    found = {row.id: row.name for row in rows if row.path.startswith(str(root["path"]))}
    return [Choice(id=i, name=found[i]) for i in ids if i in found]


class _Organization(msgspec.Struct):
    id: uuid.UUID
    name: str
    path: str
