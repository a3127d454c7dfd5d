"""Contact points as a channel sees them: normalize what a member typed, find who holds it.

A site form receives a phone number or an e-mail address as the member typed it; these helpers
give the one spelling identity resolution uses (E.164 phones, e-mail with a lower-case domain)
and the member who already holds it, without reaching into the members domain itself.
"""

from __future__ import annotations

import uuid


def normalize_contact(kind: str, address: str, *, field: str) -> str:
    """The canonical spelling of ``address`` (``phone``: ``+79123456789`` from any common
    spelling; ``email``: domain lower-cased); ``unionline.Invalid`` naming ``field`` otherwise."""
    from unionline.members import normalize

    return normalize.contact(kind, address, field=field)


async def contact_owner(kind: str, address: str) -> uuid.UUID | None:
    """The member holding the (normalized) contact point, following merges; None if nobody."""
    from unionline.members.records import canonical_member, owner_of

    owner = await owner_of(kind, address)
    return await canonical_member(owner) if owner is not None else None
