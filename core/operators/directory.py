"""Operators as other packages read them: :class:`OperatorRow`, their role grants, who holds a
role over an organization. Routing, robots and the console ask here instead of reading the
operator tables themselves (the operators package owns them)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

import msgspec

from unionline.runtime import current


class OperatorRow(msgspec.Struct, frozen=True, kw_only=True):
    """One operator account, without its password hash."""

    id: uuid.UUID
    login: str
    name: str
    email: str
    is_active: bool
    locale: str
    timezone: str
    capacity: int
    skills: list[str]
    created_at: datetime


class GrantRow(msgspec.Struct, frozen=True, kw_only=True):
    """A role an operator holds over an organization's subtree (None: the whole federation)."""

    operator_id: uuid.UUID
    role: str
    organization_id: uuid.UUID | None


_OPERATOR = (
    "SELECT id, login, name, email, is_active, locale, timezone, capacity, skills, created_at"
    " FROM operator_operator"
)
_GRANT = "SELECT operator AS operator_id, role, organization_id FROM operator_role_grant"


async def find(operator_id: uuid.UUID | None) -> OperatorRow | None:
    if operator_id is None:
        return None
    return await current().db.fetch_one_as(OperatorRow, f"{_OPERATOR} WHERE id = {{}}", operator_id)


async def name_of(operator_id: uuid.UUID | None) -> str:
    """The operator's display name ("" when there is none)."""
    found = await find(operator_id)
    return found.name if found else ""


async def grants_of(operator_id: uuid.UUID) -> list[GrantRow]:
    return await current().db.fetch_as(GrantRow, f"{_GRANT} WHERE operator = {{}}", operator_id)


async def all_grants() -> list[GrantRow]:
    return await current().db.fetch_as(GrantRow, _GRANT)


async def holders(roles: Iterable[str], organization_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    """Active operators granted one of ``roles`` over one of ``organization_ids`` or over the
    whole federation, in id order."""
    roles, orgs = list(roles), list(organization_ids)
    if not roles:
        return []
    marks = ", ".join("{}" for _ in roles)
    where = "g.organization_id IS NULL"
    if orgs:
        where += f" OR g.organization_id IN ({', '.join('{}' for _ in orgs)})"
    rows = await current().db.fetch_as(
        _Holder,
        "SELECT DISTINCT g.operator AS operator_id FROM operator_role_grant g"
        " JOIN operator_operator o ON o.id = g.operator"
        f" WHERE o.is_active = {{}} AND g.role IN ({marks}) AND ({where})",
        True,
        *roles,
        *orgs,
    )
    return sorted(r.operator_id for r in rows)


class _Holder(msgspec.Struct):
    operator_id: uuid.UUID
