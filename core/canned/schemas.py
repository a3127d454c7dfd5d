"""Request bodies and views of ``/api/canned-replies``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

from unionline.text import Text

# What follows "/" in the reply box: Latin and Cyrillic letters («/привет»), digits, "-" and
# "_" — spelled out, not \w: a client reads \w as ASCII only, the server as any script. And
# $(?!\n): Python's $ also matches before a final newline («привет\n»), a client's does not.
Key = Annotated[
    str, msgspec.Meta(min_length=1, max_length=60, pattern=r"^[0-9A-Za-zА-Яа-яЁё_-]+$(?!\n)")
]
Title = Annotated[Text, msgspec.Meta(max_length=200)]
Body = Annotated[Text, msgspec.Meta(min_length=1, max_length=4000)]


class CannedCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A shared reply names its ``organization_id``; without one the reply is the caller's own."""

    key: Key
    text: Body
    title: Title = ""
    organization_id: uuid.UUID | None = None


class CannedUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    key: Key | msgspec.UnsetType = msgspec.UNSET
    text: Body | msgspec.UnsetType = msgspec.UNSET
    title: Title | msgspec.UnsetType = msgspec.UNSET


class CannedView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    key: str
    title: str
    text: str
    organization_id: uuid.UUID | None  # shared with this organization's subtree
    operator_id: uuid.UUID | None  # one operator's own
    shared: bool
    editable: bool  # the caller may change or delete it
    updated_at: datetime
