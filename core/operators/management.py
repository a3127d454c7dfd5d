"""Managing operator accounts on behalf of an actor: list, create, change, (de)activate,
reset passwords, grant and revoke roles. Every function checks the actor's authority first.

Out-of-scope operators and organizations answer 404 (their existence is not revealed);
visible ones the actor may not change answer 403.
"""

from __future__ import annotations

import base64
import binascii
import time
import uuid
import zoneinfo
from typing import Any

import msgspec

from unionline.access import Actor, Grant
from unionline.errors import Conflict, Forbidden, Invalid, NotFound
from unionline.operators import services
from unionline.operators.authority import MANAGE, ORG_READ, READ, Authority
from unionline.operators.schemas import (
    GrantRequest,
    GrantView,
    OperatorCreate,
    OperatorDetail,
    OperatorPage,
    OperatorUpdate,
)
from unionline.operators.tables import Operator, RoleGrant
from unionline.organizations.tables import Organization
from unionline.realtime import access_changed
from unionline.runtime import current


async def _grants(operator_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
    found: dict[uuid.UUID, list[dict[str, Any]]] = {i: [] for i in operator_ids}
    if operator_ids:
        for row in await RoleGrant.select().where(RoleGrant.operator.is_in(operator_ids)):
            found[row["operator"]].append(row)
    return found


def _as_grants(rows: list[dict[str, Any]]) -> list[Grant]:
    return [Grant(r["role"], r["organization_id"]) for r in rows]


def _detail(auth: Authority, row: dict[str, Any], grants: list[dict[str, Any]]) -> OperatorDetail:
    shown = sorted(
        (g for g in grants if auth.shown(g["organization_id"])),
        key=lambda g: (g["role"], str(g["organization_id"])),
    )
    return OperatorDetail(
        id=row["id"],
        login=row["login"],
        name=row["name"],
        email=row["email"],
        locale=row["locale"],
        timezone=row["timezone"],
        skills=_skills(row["skills"]),
        capacity=row["capacity"],
        is_active=row["is_active"],
        created_at=row["created_at"],
        grants=[
            GrantView(id=g["id"], role=g["role"], organization_id=g["organization_id"])
            for g in shown
        ],
    )


def _skills(value: Any) -> list[str]:
    if isinstance(value, str):
        value = msgspec.json.decode(value or "[]")
    return [str(v) for v in value or []]


async def _target(auth: Authority, operator_id: uuid.UUID) -> tuple[dict[str, Any], list[dict]]:
    """The operator row and its grants, or NotFound when the actor cannot see it."""
    row = await Operator.select().where(Operator.id == operator_id).first()
    grants = (await _grants([operator_id]))[operator_id] if row else []
    if row is None or not auth.sees(_as_grants(grants)):
        raise NotFound(f"operator {operator_id} does not exist", field="operator_id")
    return row, grants


async def managed(actor: Actor, operator_id: uuid.UUID) -> tuple[Authority, dict, list[dict]]:
    """The operator, when the actor may manage it (404 when unseen, 403 when not manageable)."""
    actor.require(MANAGE)
    auth = await Authority.of(actor)
    row, grants = await _target(auth, operator_id)
    if not auth.manages(_as_grants(grants)):
        raise Forbidden("this operator holds roles outside what you may grant", field="operator_id")
    return auth, row, grants


# -- reading ------------------------------------------------------------------------------


async def get(actor: Actor, operator_id: uuid.UUID) -> OperatorDetail:
    actor.require(READ)
    auth = await Authority.of(actor)
    row, grants = await _target(auth, operator_id)
    return _detail(auth, row, grants)


def _cursor(login: str) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(["operators", login])).decode().rstrip("=")


def _after(cursor: str) -> str:
    """The last login of the previous page; Invalid for anything this API did not hand out."""
    try:
        kind, login = msgspec.json.decode(
            base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)), type=tuple[str, str]
        )
        if kind != "operators":
            raise ValueError(kind)
        return login
    except (ValueError, binascii.Error, msgspec.DecodeError):
        raise Invalid("cursor is not one this API returned", field="cursor") from None


async def list_operators(
    actor: Actor,
    *,
    q: str | None = None,
    active: bool | None = None,
    role: str | None = None,
    cursor: str | None = None,
    limit: int = 100,
) -> OperatorPage:
    """Operators with a grant inside the actor's read scope, ordered by login."""
    actor.require(READ)
    auth = await Authority.of(actor)
    scope = auth.scope(READ)
    query = Operator.select().order_by(Operator.login).limit(limit + 1)
    grant_filter = RoleGrant.select(RoleGrant.operator)
    if not scope.everything:
        orgs = scope.ids() or []
        if not orgs:  # the permission without a grant (a plugin's actor): nobody is visible
            return OperatorPage(items=[])
        grant_filter = grant_filter.where(RoleGrant.organization_id.is_in(orgs))
    if role is not None:
        grant_filter = grant_filter.where(RoleGrant.role == role)
    if role is not None or not scope.everything:
        ids = list({r["operator"] for r in await grant_filter})
        if not ids:
            return OperatorPage(items=[])
        query = query.where(Operator.id.is_in(ids))
    if q:
        pattern = "%" + q.replace("%", "").replace("_", "").lower() + "%"
        # SQLite's LIKE already ignores (ASCII) case; PostgreSQL needs ILIKE.
        match = "ilike" if current().db.is_postgres else "like"
        query = query.where(
            getattr(Operator.login, match)(pattern) | getattr(Operator.name, match)(pattern)
        )
    if active is not None:
        query = query.where(Operator.is_active == active)
    if cursor:
        query = query.where(Operator.login > _after(cursor))
    rows = await query
    more = len(rows) > limit
    rows = rows[:limit]
    grants = await _grants([r["id"] for r in rows])
    items = [_detail(auth, r, grants[r["id"]]) for r in rows]
    return OperatorPage(items=items, next_cursor=_cursor(rows[-1]["login"]) if more else None)


# -- changing ------------------------------------------------------------------------------


async def _check_grant(auth: Authority, grant: GrantRequest, field: str) -> None:
    org = grant.organization_id
    if org is not None:
        exists = await Organization.exists().where(Organization.id == org)
        if not exists or not auth.scope(ORG_READ).allows(org):
            raise NotFound(f"organization {org} does not exist", field=field)
    if not auth.may_assign(grant.role, org):
        where = "the whole federation" if org is None else "this organization"
        raise Forbidden(f"you may not grant the role {grant.role!r} over {where}", field=field)


def _check_timezone(name: str | None) -> None:
    if name is None:
        return
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"unknown time zone {name!r}", field="timezone") from None


async def create(actor: Actor, data: OperatorCreate) -> OperatorDetail:
    actor.require(MANAGE)
    auth = await Authority.of(actor)
    if not data.grants and not auth.scope(MANAGE).everything:
        raise Invalid("grant the new operator a role inside your organizations", field="grants")
    for i, grant in enumerate(data.grants):
        await _check_grant(auth, grant, f"grants[{i}].organization_id")
    _check_timezone(data.timezone)
    operator_id = await services.create_operator(
        data.login,
        data.password,
        name=data.name.strip(),
        email=data.email.strip(),
        grants=[
            Grant(g.role, g.organization_id)
            for g in {(g.role, g.organization_id): g for g in data.grants}.values()
        ],
        locale=data.locale,
        timezone=data.timezone,
        skills=_unique(data.skills),
        capacity=data.capacity,
    )
    return await get_as(auth, operator_id)


def _unique(skills: list[str]) -> list[str]:
    return list(dict.fromkeys(s.strip() for s in skills if s.strip()))


async def get_as(auth: Authority, operator_id: uuid.UUID) -> OperatorDetail:
    row, grants = await _target(auth, operator_id)
    return _detail(auth, row, grants)


async def update(actor: Actor, operator_id: uuid.UUID, data: OperatorUpdate) -> OperatorDetail:
    auth, _, _ = await managed(actor, operator_id)
    _check_timezone(data.timezone)
    changes: dict[Any, Any] = {}
    for name in ("name", "email", "locale", "timezone", "capacity"):
        value = getattr(data, name)
        if value is not None:
            changes[getattr(Operator, name)] = value.strip() if isinstance(value, str) else value
    if data.skills is not None:
        changes[Operator.skills] = _unique(data.skills)
    if changes:
        await Operator.update(changes).where(Operator.id == operator_id)
    return await get_as(auth, operator_id)


async def set_active(actor: Actor, operator_id: uuid.UUID, active: bool) -> OperatorDetail:
    """Deactivating signs the operator out everywhere and stops its API tokens at once."""
    if not active and operator_id == actor.operator_id:
        raise Conflict("you cannot deactivate yourself", field="operator_id")
    auth, _, _ = await managed(actor, operator_id)
    async with current().db.transaction():
        await Operator.update({Operator.is_active: active}).where(Operator.id == operator_id)
        if not active:
            await services.end_sessions(operator_id)
    access_changed(operator_id, "activated" if active else "deactivated")
    return await get_as(auth, operator_id)


async def reset_password(actor: Actor, operator_id: uuid.UUID, password: str) -> None:
    """Set another operator's password; every session of theirs ends, every API token of theirs
    is revoked."""
    if operator_id == actor.operator_id:
        raise Conflict("change your own password with /api/auth/password", field="operator_id")
    await managed(actor, operator_id)
    hashed = await services.hash_password(password, "new_password")  # before the transaction
    async with current().db.transaction():
        await Operator.update(
            {
                Operator.password_hash: hashed,
                Operator.password_changed_at: time.time(),
            }
        ).where(Operator.id == operator_id)
        await services.end_sessions(operator_id)
        await services.revoke_tokens(operator_id)
    access_changed(operator_id, "password reset")


async def grant(actor: Actor, operator_id: uuid.UUID, data: GrantRequest) -> GrantView:
    actor.require(MANAGE)
    auth = await Authority.of(actor)
    await _target(auth, operator_id)
    await _check_grant(auth, data, "organization_id")
    async with current().db.transaction():
        same = RoleGrant.exists().where(
            (RoleGrant.operator == operator_id) & (RoleGrant.role == data.role)
        )
        same = same.where(
            RoleGrant.organization_id.is_null()
            if data.organization_id is None
            else RoleGrant.organization_id == data.organization_id
        )
        if await same:
            raise Conflict("the operator already holds this role here", field="role")
        grant_id = uuid.uuid4()
        await RoleGrant.insert(
            RoleGrant(
                id=grant_id,
                operator=operator_id,
                role=data.role,
                organization_id=data.organization_id,
            )
        )
    access_changed(operator_id, "role granted")
    return GrantView(id=grant_id, role=data.role, organization_id=data.organization_id)


async def revoke(actor: Actor, operator_id: uuid.UUID, grant_id: uuid.UUID) -> None:
    actor.require(MANAGE)
    auth = await Authority.of(actor)
    _, grants = await _target(auth, operator_id)
    found = next((g for g in grants if g["id"] == grant_id), None)
    if found is None or not auth.shown(found["organization_id"]):
        raise NotFound(f"grant {grant_id} does not exist", field="grant_id")
    if not auth.may_assign(found["role"], found["organization_id"]):
        raise Forbidden(f"you may not revoke the role {found['role']!r} here", field="grant_id")
    await RoleGrant.delete().where(RoleGrant.id == grant_id)
    access_changed(operator_id, "role revoked")
