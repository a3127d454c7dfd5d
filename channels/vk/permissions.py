"""Whether a member lets the community write to them. ``message_deny`` records it per
community (``vk_denied``) and marks their VK contact point blocked, so the member card says
why; ``message_allow`` — or a message from them, which VK counts as allowing — clears both.

A reply to a member who forbade messages is refused before it is sent: at once in the console
(the ``before_message_send`` hook, :func:`refuse_reply`), and by ``send()`` for replies queued
another way (robots, acknowledgements), without calling VK. VK's events carry no time, so when
an allow and a deny cross in redelivery the one stored last counts; a send VK refuses with
901/902 still marks the contact point (see :mod:`.errors`).
"""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING

from unionline import Conflict, Invalid, OutboundDraft, current, load_appeal
from unionline.channel import block_contact, contact_owner, normalize_contact, unblock_contact
from unionline.channels.vk.decode import CONTACT_KIND

if TYPE_CHECKING:
    from unionline.channels.vk.channel import Account

REFUSED = "vk_messages_denied"  # the console's words for it: channels/vk/static/index.js


def reason(account_name: str) -> str:
    """Why replies do not go out, as the operator reads it on the member card."""
    community = f" «{account_name}»" if account_name else ""
    return f"Заявитель запретил сообщения от сообщества{community} во ВКонтакте"


async def deny(account: Account, user_id: int) -> None:
    member_id = await _member_of(user_id)
    await current().db.execute(
        "INSERT INTO vk_denied (id, key, account_id, user_id, member_id, denied_at)"
        " VALUES ({}, {}, {}, {}, {}, {}) ON CONFLICT (key) DO UPDATE SET"
        " member_id = excluded.member_id, denied_at = excluded.denied_at",
        uuid.uuid4(),
        _key(account.id, user_id),
        account.id,
        user_id,
        member_id,
        time.time(),
    )
    await block_contact(CONTACT_KIND, str(user_id), reason(account.name))


async def allow(account: Account, user_id: int) -> None:
    await _clear(account.id, user_id)
    await unblock_contact(CONTACT_KIND, str(user_id))


async def wrote(account: Account, user_id: int) -> None:
    """The member wrote to the community: a denial of theirs no longer holds."""
    if await _clear(account.id, user_id):
        await unblock_contact(CONTACT_KIND, str(user_id))


async def denied(account_id: uuid.UUID, user_id: int) -> bool:
    row = await current().db.fetchone(
        "SELECT 1 AS found FROM vk_denied WHERE key = {}", _key(account_id, user_id)
    )
    return row is not None


async def refuse_reply(draft: OutboundDraft) -> None:
    """Refuse an operator's reply on VK to a member who forbade the appeal's community's
    messages: nothing is queued, and the console says why (``extra.reason``)."""
    if draft.channel != CONTACT_KIND or draft.automatic:
        return  # automatic messages are refused by send(), visibly, never by raising here
    appeal = await load_appeal(draft.appeal_id)
    if appeal.channel_account_id is None:
        return
    row = await current().db.fetchone(
        "SELECT user_id FROM vk_denied WHERE account_id = {} AND member_id = {}",
        appeal.channel_account_id,
        appeal.member_id,
    )
    if row is not None:
        raise Conflict(
            "the member has forbidden messages from this VK community",
            field="appeal_id",
            extra={"reason": REFUSED},
        )


async def _clear(account_id: uuid.UUID, user_id: int) -> bool:
    gone = await current().db.fetch(
        "DELETE FROM vk_denied WHERE key = {} RETURNING id", _key(account_id, user_id)
    )
    return bool(gone)


async def _member_of(user_id: int) -> uuid.UUID | None:
    try:
        return await contact_owner(
            CONTACT_KIND, normalize_contact(CONTACT_KIND, str(user_id), field="user_id")
        )
    except Invalid:
        return None


def _key(account_id: uuid.UUID, user_id: int) -> str:
    return f"{account_id}:{user_id}"
