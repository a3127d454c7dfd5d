"""Who reads, from where: the organization whose view of the base is asked for, its line of
ancestors, and the SQL that resolves overrides in the same statement as everything else.

An article row is seen from organization O when its organization is O or an ancestor of O, it is
live (published, not archived) and no other live row of its family lies deeper on O's line: an
operator sees their organization's override, else the nearest ancestor's, else the
federation's — one statement, whatever else it does (a list, a search, one article).
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from unionline import Actor, filter_scope, organization_ancestors, scope_for

READ = "knowledge.read"
WRITE = "knowledge.write"
PUBLISH = "knowledge.publish"
COURSES = "knowledge.courses"


class Viewer(msgspec.Struct, frozen=True, kw_only=True):
    """``line``: the organization's ancestors from the root, itself last (empty: the
    federation level, where only root organizations' articles are seen); ``blind``: from an
    organization the reader cannot see (or of none at all) nothing is seen."""

    organization_id: uuid.UUID | None
    line: tuple[uuid.UUID, ...]
    public_only: bool = False
    blind: bool = False


async def viewer_at(organization_id: uuid.UUID | None, *, public_only: bool = False) -> Viewer:
    line = tuple(await organization_ancestors(organization_id)) if organization_id else ()
    return Viewer(organization_id=organization_id, line=line, public_only=public_only)


async def home_organization(actor: Actor, permission: str = READ) -> uuid.UUID | None:
    """Where ``actor`` reads by default: the organization of their first grant carrying
    ``permission`` (None: a federation-wide grant)."""
    scope = await scope_for(actor, permission)
    if scope.everything:
        return None
    for grant in actor.grants:
        if grant.organization_id is not None and scope.allows(grant.organization_id):
            return grant.organization_id
    return None


async def viewer_for(actor: Actor, organization_id: uuid.UUID | None) -> Viewer:
    """The view of ``actor`` (``knowledge.read``) from ``organization_id`` or their own
    organization; from an organization outside their scope, or of none at all, nothing is seen
    (a list answers empty: ``filter_scope``)."""
    actor.require(READ)
    if organization_id is None:
        return await viewer_at(await home_organization(actor))
    if not (await filter_scope(actor, READ, organization_id)).allows(organization_id):
        return Viewer(organization_id=organization_id, line=(), blind=True)
    return await viewer_at(organization_id)


def _marks(values: tuple[Any, ...]) -> str:
    return ", ".join("{}" for _ in values)


def _live(alias: str, viewer: Viewer) -> str:
    sql = f"{alias}.published_revision IS NOT NULL AND {alias}.status <> 'archived'"
    return sql + (f" AND {alias}.visibility = 'public'" if viewer.public_only else "")


def seen(viewer: Viewer, alias: str = "a") -> tuple[str, list[Any]]:
    """A condition on ``alias`` (a ``knowledge_article``): the row is what ``viewer`` sees of
    its family. Its placeholders and arguments, in order."""
    if viewer.blind:
        return "1 = 0", []
    if not viewer.line:
        return f"{alias}.depth = 0 AND {_live(alias, viewer)}", []
    marks = _marks(viewer.line)
    sql = (
        f"{alias}.organization_id IN ({marks}) AND {_live(alias, viewer)}"
        f" AND NOT EXISTS (SELECT 1 FROM knowledge_article o WHERE o.family_id = {alias}.family_id"
        f" AND o.depth > {alias}.depth AND o.organization_id IN ({marks}) AND {_live('o', viewer)})"
    )
    return sql, [*viewer.line, *viewer.line]
