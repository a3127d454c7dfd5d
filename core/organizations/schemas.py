"""Organization API bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from unionline.text import Text

Code = Annotated[
    str, msgspec.Meta(min_length=1, max_length=20, pattern=r"^[A-Za-zА-Яа-яЁё0-9_-]+$(?!\n)")
]
Name = Annotated[Text, msgspec.Meta(min_length=1, max_length=300)]
Kind = Literal["federation", "committee", "primary"]


class OrganizationCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Name
    code: Code
    kind: Kind = "primary"
    parent_id: uuid.UUID | None = None


class OrganizationUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Name | None = None
    code: Code | None = None
    kind: Kind | None = None


class OrganizationMove(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    parent_id: uuid.UUID


class OrganizationView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    parent_id: uuid.UUID | None
    name: str
    code: str
    kind: str
    depth: int
    archived: bool
    created_at: datetime
