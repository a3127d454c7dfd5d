"""Litestar's server-side session store, kept in the database so every process shares it.

Rows are keyed by the SHA-256 of the session id, as API tokens are: the id in the cookie is a
bearer secret, and a copy of the table (a backup, a read-only SQL account) must not sign anyone in.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import msgspec
from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.stores.base import Store

from unionline.operators.tables import SessionRecord


def _seconds(value: int | timedelta | None) -> float | None:
    if value is None:
        return None
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def session_hash(session_id: str) -> str:
    """What the table keeps of a session id (hex SHA-256; the id itself is 32 random bytes)."""
    return hashlib.sha256(session_id.encode()).hexdigest()


class DatabaseSessionStore(Store):
    """Sessions as rows; the operator id is kept beside the data so sessions can be ended."""

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        data = value.decode() if isinstance(value, bytes) else value
        operator_id = _operator_of(data)
        ttl = _seconds(expires_in)
        expires_at = time.time() + ttl if ttl is not None else None
        record = SessionRecord(
            key_hash=session_hash(key), value=data, operator_id=operator_id, expires_at=expires_at
        )
        await SessionRecord.insert(record).on_conflict(
            target=SessionRecord.key_hash,
            action="DO UPDATE",
            values=[SessionRecord.value, SessionRecord.operator_id, SessionRecord.expires_at],
        )

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        row = (
            await SessionRecord.select(SessionRecord.value, SessionRecord.expires_at)
            .where(SessionRecord.key_hash == session_hash(key))
            .first()
        )
        if row is None:
            return None
        if row["expires_at"] is not None and row["expires_at"] < time.time():
            await self.delete(key)
            return None
        ttl = _seconds(renew_for)
        if ttl is not None and row["expires_at"] is not None:
            await SessionRecord.update({SessionRecord.expires_at: time.time() + ttl}).where(
                SessionRecord.key_hash == session_hash(key)
            )
        return row["value"].encode()

    async def delete(self, key: str) -> None:
        await SessionRecord.delete().where(SessionRecord.key_hash == session_hash(key))

    async def delete_all(self) -> None:
        await SessionRecord.delete(force=True)

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        row = (
            await SessionRecord.select(SessionRecord.expires_at)
            .where(SessionRecord.key_hash == session_hash(key))
            .first()
        )
        if row is None or row["expires_at"] is None:
            return None
        return int(row["expires_at"] - time.time())


def _operator_of(data: str) -> uuid.UUID | None:
    try:
        value = msgspec.json.decode(data)
    except msgspec.DecodeError:
        return None
    raw = value.get("operator_id") if isinstance(value, dict) else None
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


# -- a fresh session id at every login ----------------------------------------------------------

NEW_SESSION = "unionline_new_session"


class RotatingSessionBackend(ServerSideSessionBackend):
    """Litestar's server-side backend, but a request marked by :func:`start_new_session` gets a
    new session id instead of the one its cookie carried. Logging in under a fresh id defeats
    session fixation (a planted cookie never becomes an authenticated session)."""

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        scope: Any = connection.scope
        if scope.get(NEW_SESSION) is True:
            scope[NEW_SESSION] = self.generate_session_id()
        if isinstance(scope.get(NEW_SESSION), str):
            return str(scope[NEW_SESSION])
        return super().get_session_id(connection)

    async def store_in_message(
        self, scope_session: Any, message: Any, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        # A request that came without a session and leaves without one (a provider's webhook,
        # an API token call, a health check) gets no session row and no cookie: otherwise every
        # webhook would write a row on its hot path and the table would grow with each update.
        scope: Any = connection.scope
        if (
            scope_session == {}
            and not scope.get(NEW_SESSION)
            and not connection.cookies.get(self.config.key)
        ):
            return
        await super().store_in_message(scope_session, message, connection)


@dataclass
class OperatorSessionConfig(ServerSideSessionConfig):
    """Server-side sessions with a new id at every login (see :class:`RotatingSessionBackend`)."""

    _backend_class = RotatingSessionBackend


async def start_new_session(request: ASGIConnection[Any, Any, Any, Any], key: str) -> None:
    """Drop the session the request came with (if any); the response gets a new session id."""
    old = request.cookies.get(key)
    if old:
        await SessionRecord.delete().where(SessionRecord.key_hash == session_hash(old))
    scope: Any = request.scope
    scope[NEW_SESSION] = True
