"""Request and response bodies of the operator API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from unionline.text import Text


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    login: Annotated[Text, msgspec.Meta(min_length=1, max_length=150)]
    password: Annotated[Text, msgspec.Meta(min_length=1, max_length=1000)]


class PasswordChange(msgspec.Struct, forbid_unknown_fields=True):
    current_password: Annotated[Text, msgspec.Meta(max_length=1000)]
    new_password: Annotated[Text, msgspec.Meta(max_length=1000)]  # its length: see Password


# -- operator management ----------------------------------------------------------------------

LOGIN_PATTERN = r"^[A-Za-z0-9_.@-]{1,150}$(?!\n)"  # also checked by services.create_operator (CLI)
Login = Annotated[str, msgspec.Meta(min_length=1, max_length=150, pattern=LOGIN_PATTERN)]
# No min_length here: a short password is the service's 422 naming the field with
# extra.min_length (services.MIN_PASSWORD), which the console says at the input.
Password = Annotated[Text, msgspec.Meta(max_length=1000)]
PersonName = Annotated[Text, msgspec.Meta(max_length=200)]
Email = Annotated[Text, msgspec.Meta(max_length=254)]
Locale = Literal["ru", "en"]
TimeZone = Annotated[Text, msgspec.Meta(min_length=1, max_length=64)]
Skill = Annotated[Text, msgspec.Meta(min_length=1, max_length=100)]
Skills = Annotated[list[Skill], msgspec.Meta(max_length=100)]
Capacity = Annotated[int, msgspec.Meta(ge=0, le=1000)]
Role = Literal["admin", "supervisor", "operator", "observer"]


class GrantRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A role over an organization subtree; no ``organization_id``: the whole federation."""

    role: Role
    organization_id: uuid.UUID | None = None


class GrantView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    role: str
    organization_id: uuid.UUID | None


class OperatorCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    login: Login
    password: Password
    name: PersonName = ""
    email: Email = ""
    locale: Locale = "ru"
    timezone: TimeZone | None = None  # None: the organization's of the first grant naming one
    skills: Skills = msgspec.field(default_factory=list)
    capacity: Capacity = 10
    grants: Annotated[list[GrantRequest], msgspec.Meta(max_length=100)] = msgspec.field(
        default_factory=list
    )


class OperatorUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: PersonName | None = None
    email: Email | None = None
    locale: Locale | None = None
    timezone: TimeZone | None = None
    skills: Skills | None = None
    capacity: Capacity | None = None


class PasswordReset(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    new_password: Password


class OperatorDetail(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    login: str
    name: str
    email: str
    locale: str
    timezone: str
    skills: list[str]
    capacity: int
    is_active: bool
    created_at: datetime
    grants: list[GrantView]  # only those inside the caller's own scope


class OperatorPage(msgspec.Struct, kw_only=True):
    """Ordered by login; pass ``next_cursor`` back as ``cursor`` (null: no more)."""

    items: list[OperatorDetail]
    next_cursor: str | None = None


class RoleView(msgspec.Struct, kw_only=True):
    role: str
    permissions: list[str]


class PermissionView(msgspec.Struct, kw_only=True):
    code: str
    description: str
    roles: list[str]
    plugin: str


# -- API tokens -------------------------------------------------------------------------------


class TokenCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Annotated[Text, msgspec.Meta(min_length=1, max_length=200)]
    # Permission codes the token may use (a subset of its operator's); at least one.
    scopes: Annotated[
        list[Annotated[Text, msgspec.Meta(min_length=1, max_length=100)]],
        msgspec.Meta(min_length=1, max_length=200),
    ]


class TokenView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    operator_id: uuid.UUID
    name: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool


class TokenCreated(msgspec.Struct, kw_only=True):
    """The raw ``token`` is shown this once; only its hash is kept."""

    token: str
    details: TokenView


class ProfileUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What operators change about themselves."""

    name: PersonName | None = None
    locale: Locale | None = None
    timezone: TimeZone | None = None
