"""Operator accounts, password checks, API tokens, and building the Actor for a request."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import re
import secrets
import time
import uuid
from collections.abc import Iterable
from typing import Any

import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from unionline.access import BUILTIN_ROLES, Actor, Grant, permissions_for
from unionline.calendar import timezone_for
from unionline.errors import Conflict, Invalid
from unionline.operators.schemas import LOGIN_PATTERN, ProfileUpdate
from unionline.operators.session_store import session_hash
from unionline.operators.tables import ApiToken, Operator, RoleGrant, SessionRecord
from unionline.runtime import current

# Argon2id with argon2-cffi's defaults (RFC 9106 low-memory: t=3, m=64 MiB, p=4) is what ships.
# "fast-insecure" exists for test suites only (settings.password_hashing), where thousands of
# operators are created; it is never a default.
_HASHERS = {
    "standard": PasswordHasher(),
    "fast-insecure": PasswordHasher(time_cost=1, memory_cost=64, parallelism=1),
}
TOKEN_PREFIX = "ul_"


def _hasher() -> PasswordHasher:
    try:
        return _HASHERS[current().settings.password_hashing]
    except RuntimeError:  # no runtime (a script): the standard parameters
        return _HASHERS["standard"]


@functools.cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Verifying against this keeps a failed login as slow whether or not the login exists."""
    return hasher.hash(secrets.token_hex(8))


class OperatorView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    login: str
    name: str
    email: str
    locale: str
    timezone: str
    grants: list[Grant]
    permissions: list[str]


MIN_PASSWORD = 8


def check_password_length(password: str, field: str = "password") -> None:
    """A 422 naming ``field`` (the request's own: ``password``, ``new_password``) with
    ``extra.min_length`` when ``password`` is shorter than :data:`MIN_PASSWORD`."""
    if len(password) < MIN_PASSWORD:
        raise Invalid(
            f"{field} must be at least {MIN_PASSWORD} characters",
            field=field,
            extra={"min_length": MIN_PASSWORD},
        )


async def hash_password(password: str, field: str = "password") -> str:
    """Argon2 costs tens of milliseconds of CPU by design: it runs in a thread, not the loop."""
    check_password_length(password, field)
    return await asyncio.to_thread(_hasher().hash, password)


async def check_password(hashed: str, password: str) -> bool:
    return await asyncio.to_thread(_verify, _hasher(), hashed, password)


def _verify(hasher: PasswordHasher, hashed: str, password: str) -> bool:
    try:
        return hasher.verify(hashed or _dummy_hash(hasher), password) and bool(hashed)
    except (VerificationError, InvalidHashError):
        return False


async def home_timezone(grants: Iterable[Grant]) -> str:
    """The time zone of the organization of the first grant naming one (its own, else its
    nearest ancestor's); the installation's for a federation-wide operator."""
    return await timezone_for(next((g.organization_id for g in grants if g.organization_id), None))


async def create_operator(
    login: str,
    password: str,
    *,
    name: str = "",
    email: str = "",
    grants: Iterable[Grant] = (),
    locale: str = "ru",
    timezone: str | None = None,
    skills: Iterable[str] = (),
    capacity: int = 10,
) -> uuid.UUID:
    """Create an account (unchecked: callers acting for someone use ``management.create``).
    Without ``timezone`` the operator gets their organization's (:func:`home_timezone`)."""
    login = login.strip().lower()
    if not login:
        raise Invalid("login must not be empty", field="login")
    if not re.match(LOGIN_PATTERN, login):
        raise Invalid("login: up to 150 latin letters, digits and the signs _ . @ -", field="login")
    grants = list(grants)
    for grant in grants:
        if grant.role not in BUILTIN_ROLES:
            raise Invalid(f"unknown role {grant.role!r}", field="grants.role")
    timezone = timezone or await home_timezone(grants)
    hashed = await hash_password(password)  # before the transaction: no lock held meanwhile
    db = current().db
    async with db.transaction():
        if await Operator.exists().where(Operator.login == login):
            raise Conflict(f"operator {login!r} already exists", field="login")
        operator = Operator(
            login=login,
            name=name or login,
            email=email,
            password_hash=hashed,
            password_changed_at=time.time(),
            locale=locale,
            timezone=timezone,
            skills=list(skills),
            capacity=capacity,
        )
        await operator.save()
        for grant in grants:
            await RoleGrant(
                operator=operator.id, role=grant.role, organization_id=grant.organization_id
            ).save()
    return operator.id


async def authenticate(login: str, password: str) -> uuid.UUID | None:
    row = (
        await Operator.select(Operator.id, Operator.password_hash, Operator.is_active)
        .where(Operator.login == login.strip().lower())
        .first()
    )
    ok = await check_password(row["password_hash"] if row else "", password)
    if not (row and ok and row["is_active"]):
        return None
    return row["id"]


async def change_password(operator_id: uuid.UUID, password: str, keep_session: str | None) -> None:
    """Set a new password, end every other session of the operator and revoke its API tokens."""
    hashed = await hash_password(password, "new_password")  # before the transaction: no lock
    async with current().db.transaction():
        await Operator.update(
            {
                Operator.password_hash: hashed,
                Operator.password_changed_at: time.time(),
            }
        ).where(Operator.id == operator_id)
        await end_sessions(operator_id, keep=keep_session)
        await revoke_tokens(operator_id)


async def end_sessions(operator_id: uuid.UUID, *, keep: str | None = None) -> None:
    """Sign the operator out everywhere (but in session ``keep``)."""
    query = SessionRecord.delete().where(SessionRecord.operator_id == operator_id)
    if keep:
        query = query.where(SessionRecord.key_hash != session_hash(keep))
    await query


async def revoke_tokens(operator_id: uuid.UUID) -> None:
    """Revoke every API token of the operator. A new password means the old credentials may
    have leaked, and a token issued under them is as much a credential as a session."""
    await ApiToken.update({ApiToken.revoked: True}).where(
        (ApiToken.operator == operator_id) & (ApiToken.revoked == False)  # noqa: E712
    )


def role_permissions() -> dict[str, tuple[str, ...]]:
    return {code: p.roles for code, p in current().registry.permissions.items()}


async def actor_for(
    operator_id: uuid.UUID,
    *,
    session_id: str | None = None,
    scopes: frozenset[str] | None = None,
    token_id: uuid.UUID | None = None,
    client_address: str | None = None,
) -> Actor | None:
    row = (
        await Operator.select(Operator.name, Operator.is_active)
        .where(Operator.id == operator_id)
        .first()
    )
    if not row or not row["is_active"]:
        return None
    grants = tuple(
        Grant(g["role"], g["organization_id"])
        for g in await RoleGrant.select(RoleGrant.role, RoleGrant.organization_id).where(
            RoleGrant.operator == operator_id
        )
    )
    return Actor(
        operator_id=operator_id,
        name=row["name"],
        grants=grants,
        permissions=permissions_for((g.role for g in grants), role_permissions()),
        token_scopes=scopes,
        session_id=session_id,
        token_id=token_id,
        client_address=client_address,
    )


async def describe(actor: Actor) -> OperatorView:
    """The signed-in operator; an actor a plugin made (single sign-on) with no account here is
    described from itself — its name, grants and permissions, the Russian console, the zone of
    its first grant's organization."""
    row = await Operator.select().where(Operator.id == actor.operator_id).first()
    if row is None:
        return OperatorView(
            id=actor.operator_id,
            login="",
            name=actor.name,
            email="",
            locale="ru",
            timezone=await home_timezone(actor.grants),
            grants=list(actor.grants),
            permissions=sorted(p for p in actor.permissions if actor.can(p)),
        )
    return OperatorView(
        id=row["id"],
        login=row["login"],
        name=row["name"],
        email=row["email"],
        locale=row["locale"],
        timezone=row["timezone"],
        grants=list(actor.grants),
        permissions=sorted(p for p in actor.permissions if actor.can(p)),
    )


# -- API tokens ---------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(operator_id: uuid.UUID, name: str, scopes: Iterable[str] = ()) -> str:
    """Create an API token; the raw value is returned once and never stored."""
    raw, _ = await issue_token(operator_id, name, scopes)
    return raw


async def issue_token(
    operator_id: uuid.UUID, name: str, scopes: Iterable[str] = ()
) -> tuple[str, uuid.UUID]:
    """Like :func:`create_token`, also answering the new token's id."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = uuid.uuid4()
    await ApiToken.insert(
        ApiToken(
            id=token_id,
            operator=operator_id,
            name=name,
            token_hash=_digest(raw),
            scopes=" ".join(sorted(set(scopes))),
        )
    )
    return raw, token_id


async def actor_for_token(raw: str, *, client_address: str | None = None) -> Actor | None:
    if not raw.startswith(TOKEN_PREFIX):
        return None
    row = (
        await ApiToken.select(ApiToken.id, ApiToken.operator, ApiToken.scopes)
        .where(
            (ApiToken.token_hash == _digest(raw)) & (ApiToken.revoked == False)  # noqa: E712
        )
        .first()
    )
    if row is None:
        return None
    await ApiToken.update({ApiToken.last_used_at: time.time()}).where(ApiToken.id == row["id"])
    scopes = frozenset(row["scopes"].split()) or None
    return await actor_for(
        row["operator"], scopes=scopes, token_id=row["id"], client_address=client_address
    )


async def revoke_token(operator_id: uuid.UUID, token_id: uuid.UUID) -> bool:
    rows = (
        await ApiToken.update({ApiToken.revoked: True})
        .where((ApiToken.id == token_id) & (ApiToken.operator == operator_id))
        .returning(ApiToken.id)
    )
    return bool(rows)


async def update_profile(actor: Actor, data: ProfileUpdate) -> None:
    import zoneinfo

    changes: dict[Any, Any] = {}
    if data.name is not None and data.name.strip():
        changes[Operator.name] = data.name.strip()
    if data.locale is not None:
        changes[Operator.locale] = data.locale
    if data.timezone is not None:
        try:
            zoneinfo.ZoneInfo(data.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise Invalid(f"unknown time zone {data.timezone!r}", field="timezone") from None
        changes[Operator.timezone] = data.timezone
    if changes:
        await Operator.update(changes).where(Operator.id == actor.operator_id)
