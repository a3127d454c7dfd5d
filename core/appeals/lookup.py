"""Appeals looked up by id or number, for those who address messages (channels): no actor,
no permission check — the callers are the system itself, acting on a member's own appeal."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from unionline.appeals import store
from unionline.appeals.actions import reply_route
from unionline.runtime import current


class AppealBrief(msgspec.Struct, frozen=True, kw_only=True):
    """What a channel needs of an appeal to address a message: its number and subject."""

    id: uuid.UUID
    number: str
    subject: str
    status: str
    organization_id: uuid.UUID
    member_id: uuid.UUID


async def appeal_brief(appeal_id: uuid.UUID) -> AppealBrief | None:
    """The appeal's number, subject and status (None when it does not exist)."""
    return await _brief("id = {}", appeal_id)


async def appeal_by_number(organization_id: uuid.UUID, number: str) -> AppealBrief | None:
    """The appeal of ``organization_id`` numbered ``number`` (``PPO-2026-42``), if any."""
    return await _brief("organization_id = {} AND number = {}", organization_id, number)


async def _brief(where: str, *args: Any) -> AppealBrief | None:
    return await current().db.fetch_one_as(
        AppealBrief,
        "SELECT id, number, subject, status, organization_id, member_id FROM appeal_appeal"
        f" WHERE {where}",
        *args,
    )


async def reply_target(appeal_id: uuid.UUID) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """The account a reply to the appeal would go out on (the member's last message's, else
    the appeal's own) and the appeal's member; (None, None) when the appeal does not exist."""
    row = await store.find(appeal_id)
    if row is None:
        return None, None
    _, account_id = await reply_route(row)
    return account_id, row.member_id
