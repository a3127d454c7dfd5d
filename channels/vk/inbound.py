"""Decoding with what it needs beyond the event itself: names from VK (:mod:`.names`), the
member's messaging permission (:mod:`.permissions`) and dropping the echoes of our own sends
(:mod:`.sent`). The Callback endpoint and Bots Long Poll both decode through here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from unionline.channel import InboundMessage, SentElsewhere
from unionline.channels.vk import permissions
from unionline.channels.vk.decode import decode_event, owner_ids, permission_change
from unionline.channels.vk.names import name_later, names_for
from unionline.channels.vk.sent import without_our_own
from unionline.channels.vk.types import Event

if TYPE_CHECKING:
    from unionline.channels.vk.channel import Account

Item = InboundMessage | SentElsewhere


async def names_of(account: Account, events: Sequence[Event]) -> dict[int, str]:
    """The names the events' messages show, asked of VK in one batch."""
    return await names_for(account, set().union(*(owner_ids(e) for e in events)))


async def decode_one(account: Account, event: Event, names: dict[int, str]) -> list[Item]:
    """What to store of ``event``; a change of the member's messaging permission is applied
    here and stores nothing. Raises like :func:`.decode.decode_event`."""
    change = permission_change(event)
    if change is not None:
        user_id, allowed = change
        await (permissions.allow if allowed else permissions.deny)(account, user_id)
        return []
    items: list[Item] = list(decode_event(event, names))
    for item in items:
        if isinstance(item, InboundMessage):
            sender = int(item.sender.address)
            if event.type == "message_new":
                await permissions.wrote(account, sender)
            if not item.sender.display_name and sender not in names:
                await name_later(account, sender)  # VK did not answer in time
    if any(isinstance(item, SentElsewhere) for item in items):
        return await without_our_own(account.id, items)
    return items
