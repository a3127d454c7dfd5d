"""Request and response bodies of the operator API."""

from __future__ import annotations

from typing import Annotated

import msgspec


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    login: Annotated[str, msgspec.Meta(min_length=1, max_length=150)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class PasswordChange(msgspec.Struct, forbid_unknown_fields=True):
    current_password: Annotated[str, msgspec.Meta(max_length=1000)]
    new_password: Annotated[str, msgspec.Meta(min_length=8, max_length=1000)]
