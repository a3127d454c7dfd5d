"""Operator accounts and what authenticates them."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    UUID,
    Boolean,
    DoublePrecision,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class Operator(Table, tablename="operator_operator"):
    id = UUID(primary_key=True, default=UUID4())
    login = Varchar(length=150, unique=True)
    name = Varchar(length=200, default="")
    email = Varchar(length=254, default="")
    password_hash = Text(default="")
    is_active = Boolean(default=True)
    locale = Varchar(length=8, default="ru")
    timezone = Varchar(length=64, default="Europe/Moscow")
    capacity = Integer(default=10)  # open appeals at once
    skills = JSON(default=[])  # list of strings matched against queue skills by routing
    created_at = Timestamptz(default=TimestamptzNow())
    password_changed_at = DoublePrecision(default=0.0)


class RoleGrant(Table, tablename="operator_role_grant"):
    """A role over an organization subtree; a null organization means the whole federation."""

    id = UUID(primary_key=True, default=UUID4())
    operator = ForeignKey(references=Operator, index=True)
    role = Varchar(length=50)
    organization_id = UUID(null=True, default=None, index=True)


class SessionRecord(Table, tablename="operator_session"):
    """Server-side session storage (the Litestar session store lives here).

    Only the SHA-256 of the session id is kept (``session_store.session_hash``), as for API tokens.
    """

    key_hash = Varchar(length=128, primary_key=True)  # 64 hex characters
    value = Text()
    operator_id = UUID(null=True, default=None, index=True)
    expires_at = DoublePrecision(null=True, default=None)


class ApiToken(Table, tablename="operator_api_token"):
    """An integration token: only its SHA-256 is stored; scopes narrow the owner's rights."""

    id = UUID(primary_key=True, default=UUID4())
    operator = ForeignKey(references=Operator, index=True)
    name = Varchar(length=200)
    token_hash = Varchar(length=64, unique=True)
    scopes = Text(default="")  # space-separated permission codes; empty: all of the owner's
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = DoublePrecision(null=True, default=None)
    revoked = Boolean(default=False)


class LoginFailure(Table, tablename="operator_login_failure"):
    """One failed login, counted per login, per (login, address) and per address (see ratelimit).

    Kept in the database (not process memory) so every web process sees the same counts.
    """

    id = Serial(primary_key=True)
    # "login:<login>", "pair:<client address> <login>" or "address:<client address>"
    key = Varchar(length=300, index=True)
    at = DoublePrecision(index=True)  # unix time
