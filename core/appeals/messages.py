"""An appeal's conversation as a plugin reads it: the member's messages and the replies, without
notes or lifecycle entries (``unionline.appeal_messages``; the knowledge base suggests articles
from them and drafts an article from a resolved appeal)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

import msgspec

from unionline.runtime import current


class AppealMessage(msgspec.Struct, frozen=True, kw_only=True):
    """One message of an appeal: the member's (``message_in``) or a reply (``message_out``)."""

    id: int
    kind: Literal["message_in", "message_out"]
    body: str
    author_id: uuid.UUID | None  # the operator who replied (None: the member, a robot)
    created_at: datetime


async def appeal_messages(appeal_id: uuid.UUID, *, limit: int = 50) -> list[AppealMessage]:
    """The last ``limit`` messages and replies of the appeal, oldest first (none for an unknown
    appeal). The caller checks the reader's scope (``load_appeal`` and ``scope_for``)."""
    rows = await current().db.fetch_as(
        AppealMessage,
        "SELECT id, kind, body, author_id, created_at FROM appeal_timeline"
        " WHERE appeal_id = {} AND kind IN ('message_in', 'message_out')"
        " ORDER BY id DESC LIMIT {}",
        appeal_id,
        max(1, limit),
    )
    return rows[::-1]
