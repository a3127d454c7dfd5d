"""Contact points as a channel sees them: the one spelling identity resolution uses (E.164
phones, e-mail with a lower-case domain), who holds one, marking one (un)reachable, and naming
its member when the name came later than the first message.

The members package decides all of it (:mod:`unionline.members.linking`); this is the SDK's
face of it for channel plugins.
"""

from __future__ import annotations

import logging

from unionline.members.contacts import set_contact_blocked
from unionline.members.identity import name_unnamed
from unionline.members.linking import contact_owner, normalize_contact

__all__ = ["block_contact", "contact_owner", "name_contact", "normalize_contact", "unblock_contact"]

log = logging.getLogger("unionline.channel")


async def block_contact(kind: str, address: str, reason: str) -> None:
    """Mark the contact point blocked, so operators see why messages do not arrive. Never
    raises: a delivery that found the member blocked us still fails visibly, and is not sent
    again because marking failed."""
    try:
        await set_contact_blocked(kind, address, True, reason)
    except Exception:
        log.exception("could not mark %s %s blocked", kind, address)


async def unblock_contact(kind: str, address: str) -> None:
    """Clear a contact point's blocked mark (the member unblocked us, e.g. Telegram)."""
    await set_contact_blocked(kind, address, False, "")


async def name_contact(kind: str, address: str, name: str) -> bool:
    """Name the member holding a contact point when they have no name yet: a channel whose
    provider tells names apart from messages (VK's ``users.get``) and could not ask in time for
    the first one. A member with a name (an operator's, an earlier message's) keeps it; True
    when the name was given."""
    return await name_unnamed(kind, address, name)
