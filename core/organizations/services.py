"""The federation tree: create, rename, move a subtree, archive; subtree lookups for scoping."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec

from unionline.access import Actor, scope_for
from unionline.errors import Conflict, Forbidden, Invalid, NotFound
from unionline.organizations.schemas import (
    OrganizationCreate,
    OrganizationUpdate,
    OrganizationView,
)
from unionline.organizations.tables import Organization
from unionline.rows import IdRow
from unionline.runtime import current

MANAGE = "organizations.manage"
READ = "organizations.read"


def view(row: dict[str, Any]) -> OrganizationView:
    return OrganizationView(
        id=row["id"],
        parent_id=row["parent_id"],
        name=row["name"],
        code=row["code"],
        kind=row["kind"],
        depth=row["path"].count("/") - 2,
        archived=row["archived_at"] is not None,
        created_at=row["created_at"],
    )


async def _row(org_id: uuid.UUID, field: str = "id") -> dict[str, Any]:
    row = await Organization.select().where(Organization.id == org_id).first()
    if row is None:
        raise NotFound(f"organization {org_id} does not exist", field=field)
    return row


async def get(actor: Actor, org_id: uuid.UUID) -> OrganizationView:
    scope = await scope_for(actor, READ)
    if not scope.allows(org_id):
        raise NotFound(f"organization {org_id} does not exist", field="id")
    return view(await _row(org_id))


async def list_visible(actor: Actor, *, include_archived: bool = False) -> list[OrganizationView]:
    scope = await scope_for(actor, READ)
    query = Organization.select().order_by(Organization.path)
    if not include_archived:
        query = query.where(Organization.archived_at.is_null())
    if scope.organization_ids is not None:
        if not scope.organization_ids:
            return []
        query = query.where(Organization.id.is_in(list(scope.organization_ids)))
    return [view(r) for r in await query]


async def _check_code(code: str, own_id: uuid.UUID | None = None) -> str:
    code = code.upper()
    query = Organization.exists().where(Organization.code == code)
    if own_id is not None:
        query = query.where(Organization.id != own_id)
    if await query:
        raise Conflict(f"organization code {code!r} is taken", field="code")
    return code


async def create(actor: Actor, data: OrganizationCreate) -> OrganizationView:
    scope = await scope_for(actor, MANAGE)
    if data.parent_id is None:
        if scope.organization_ids is not None:
            raise Forbidden(
                "only a federation-wide administrator creates a root", field="parent_id"
            )
        parent_path = "/"
    else:
        if not scope.allows(data.parent_id):
            raise NotFound(f"organization {data.parent_id} does not exist", field="parent_id")
        parent = await _row(data.parent_id, "parent_id")
        if parent["archived_at"] is not None:
            raise Conflict("the parent organization is archived", field="parent_id")
        parent_path = parent["path"]
    async with current().db.transaction():
        code = await _check_code(data.code)
        org_id = uuid.uuid4()
        await Organization.insert(
            Organization(
                id=org_id,
                parent_id=data.parent_id,
                path=f"{parent_path}{org_id}/",
                name=data.name.strip(),
                code=code,
                kind=data.kind,
            )
        )
    return view(await _row(org_id))


async def update(actor: Actor, org_id: uuid.UUID, data: OrganizationUpdate) -> OrganizationView:
    await _require(actor, MANAGE, org_id)
    changes: dict[Any, Any] = {}
    async with current().db.transaction():
        if data.name is not None:
            changes[Organization.name] = data.name.strip()
        if data.code is not None:
            changes[Organization.code] = await _check_code(data.code, org_id)
        if data.kind is not None:
            changes[Organization.kind] = data.kind
        if changes:
            await Organization.update(changes).where(Organization.id == org_id)
    return view(await _row(org_id))


async def move(actor: Actor, org_id: uuid.UUID, new_parent_id: uuid.UUID) -> OrganizationView:
    """Re-hang ``org_id`` and its whole subtree under ``new_parent_id``."""
    await _require(actor, MANAGE, org_id)
    await _require(actor, MANAGE, new_parent_id, field="parent_id")
    async with current().db.transaction():
        row, parent = await _row(org_id), await _row(new_parent_id, "parent_id")
        old_path: str = row["path"]
        if parent["path"].startswith(old_path):
            raise Invalid(
                "cannot move an organization under itself or its descendants", field="parent_id"
            )
        new_path = f"{parent['path']}{org_id}/"
        db = current().db
        await db.execute(
            "UPDATE organization_organization SET path = CAST({} AS VARCHAR) || SUBSTR(path, {})"
            " WHERE path LIKE {}",
            new_path,
            len(old_path) + 1,
            _like_prefix(old_path),
        )
        await Organization.update({Organization.parent_id: new_parent_id}).where(
            Organization.id == org_id
        )
    return view(await _row(org_id))


async def archive(actor: Actor, org_id: uuid.UUID) -> OrganizationView:
    """Archive an organization and its subtree: hidden from lists, no new appeals."""
    await _require(actor, MANAGE, org_id)
    row = await _row(org_id)
    await Organization.update({Organization.archived_at: datetime.now(UTC)}).where(
        Organization.path.like(_like_prefix(row["path"])) & Organization.archived_at.is_null()
    )
    return view(await _row(org_id))


async def _require(actor: Actor, permission: str, org_id: uuid.UUID, field: str = "id") -> None:
    scope = await scope_for(actor, permission)
    if not scope.allows(org_id):
        if (await scope_for(actor, READ)).allows(org_id):
            raise Forbidden(f"permission {permission!r} is required here", field=field)
        raise NotFound(f"organization {org_id} does not exist", field=field)


def _like_prefix(path: str) -> str:
    # Paths hold only UUIDs and slashes, so no LIKE wildcard needs escaping.
    return path + "%"


async def subtree_ids(org_ids: list[uuid.UUID]) -> frozenset[uuid.UUID]:
    """The given organizations and all their descendants."""
    if not org_ids:
        return frozenset()
    # One statement (paths hold only UUIDs and slashes: no LIKE wildcard to escape).
    marks = ", ".join("{}" for _ in org_ids)
    rows = await current().db.fetch_as(
        IdRow,
        "SELECT DISTINCT o.id FROM organization_organization o"
        " JOIN organization_organization p ON o.path LIKE p.path || '%'"
        f" WHERE p.id IN ({marks})",
        *org_ids,
    )
    return frozenset(r.id for r in rows)


async def ancestors(org_id: uuid.UUID) -> list[uuid.UUID]:
    """From the root down to ``org_id`` itself; NotFound names ``organization_id``, the field
    every caller was handed the id in."""
    row = await _row(org_id, "organization_id")
    return [uuid.UUID(p) for p in row["path"].strip("/").split("/")]


class OrgRef(msgspec.Struct, frozen=True):
    id: uuid.UUID
    code: str
    name: str


async def by_code(code: str) -> OrgRef | None:
    row = (
        await Organization.select(Organization.id, Organization.code, Organization.name)
        .where(Organization.code == code.upper())
        .first()
    )
    return OrgRef(row["id"], row["code"], row["name"]) if row else None
