"""Identities a channel vouches for: a sender the channel proved to be a known member.

A chat widget on a union's site receives the logged-in member's id signed by the site
(``channels/web``); these helpers let such a channel check the member and tie the sender's
contact point to them, without reaching into the members domain itself.
"""

from __future__ import annotations

import logging
import uuid

from unionline.spi import IdentityClaim

log = logging.getLogger("unionline.channel")


async def known_member(member_id: uuid.UUID) -> uuid.UUID | None:
    """The member ``member_id`` now is (following merges), or None when there is no such
    member or they were erased."""
    from unionline.members.records import canonical_member
    from unionline.members.tables import Member

    canonical = await canonical_member(member_id)
    row = await Member.select(Member.erased_at).where(Member.id == canonical).first()
    if row is None or row["erased_at"] is not None:
        return None
    return canonical


async def link_verified_member(claim: IdentityClaim, member_id: uuid.UUID) -> uuid.UUID | None:
    """Resolve ``claim`` to ``member_id``, which the channel proved the sender is: the claim's
    contact point joins that member (verified) when nobody holds it yet. A contact point held
    by another member stays there (logged; an operator decides) and that member is returned.
    None when the member does not exist (any more): resolve the claim as usual then."""
    from unionline.members import normalize
    from unionline.members.records import canonical_member, insert_contact, owner_of
    from unionline.runtime import current

    target = await known_member(member_id)
    if target is None:
        return None
    address = normalize.contact(claim.kind, claim.address)
    async with current().db.transaction():
        owner = await owner_of(claim.kind, address)
        if owner is None:
            await insert_contact(target, claim.kind, address, verified=True)
            return target
    holder = await canonical_member(owner)
    if holder != target:
        log.warning(
            "%s %s is vouched for as another member; left to an operator", claim.kind, address
        )
    return holder
