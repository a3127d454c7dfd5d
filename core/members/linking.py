"""Which member a channel's sender is, when a channel vouches for more than an address.

Policy of the members domain that channels apply (through the channel SDK, which re-exports
these in ``unionline.channel.contacts`` and ``unionline.channel.identity``): the canonical
spelling of a contact point and who holds it; a member a site vouches for (a signed widget
identity); a phone a messenger vouches for (Telegram's "share my phone"), which joins two
contact points and may merge a provisional member into the phone's member; an address the
sender only typed (a site form's e-mail), which joins unverified.
"""

from __future__ import annotations

import logging
import uuid

from unionline.errors import Invalid
from unionline.members import normalize
from unionline.members.identity import find_or_create
from unionline.members.merge import merge_members
from unionline.members.records import canonical_member, insert_contact, now, owner_of
from unionline.members.schemas import MergeRequest
from unionline.members.tables import ContactPoint, Member
from unionline.runtime import current
from unionline.spi import IdentityClaim

log = logging.getLogger("unionline.members")


def normalize_contact(kind: str, address: str, *, field: str) -> str:
    """The canonical spelling of ``address`` (``phone``: ``+79123456789`` from any common
    spelling; ``email``: domain lower-cased); ``unionline.Invalid`` naming ``field`` otherwise."""
    return normalize.contact(kind, address, field=field)


async def contact_owner(kind: str, address: str) -> uuid.UUID | None:
    """The member holding the (normalized) contact point, following merges; None if nobody."""
    owner = await owner_of(kind, address)
    return await canonical_member(owner) if owner is not None else None


async def member_of_contact(kind: str, address: str) -> uuid.UUID | None:
    """Like :func:`contact_owner` for an address as a provider spells it (normalized here);
    None for an address that is no contact point at all, without creating anyone."""
    try:
        return await contact_owner(kind, normalize.contact(kind, address))
    except Invalid:
        return None


async def contact_address(member_id: uuid.UUID, kind: str) -> str | None:
    """The member's first usable (not blocked) contact point of ``kind``."""
    row = (
        await ContactPoint.select(ContactPoint.address)
        .where(
            (ContactPoint.member_id == member_id)
            & (ContactPoint.kind == kind)
            & (ContactPoint.blocked == False)  # noqa: E712 - piccolo builds SQL from ==
        )
        .order_by(ContactPoint.created_at)
        .first()
    )
    return row["address"] if row else None


async def known_member(member_id: uuid.UUID) -> uuid.UUID | None:
    """The member ``member_id`` now is (following merges), or None when there is no such
    member or they were erased."""
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


async def link_verified_phone(claim: IdentityClaim, phone: str) -> uuid.UUID:
    """The member for ``claim`` whose provider vouched that ``phone`` is the sender's own
    (Telegram's "share my phone"), joining the two contact points:

    * the phone's member gets the claim's contact point when nobody has it;
    * a provisional member made from the claim's earlier messages is merged into the phone's
      member, so the conversation follows;
    * a phone nobody has is added to the claim's member;
    * two different non-provisional members are left alone (an operator decides).
    """
    phone = normalize.phone(phone)
    address = normalize.contact(claim.kind, claim.address)
    by_phone, by_claim = await owner_of("phone", phone), await owner_of(claim.kind, address)
    if by_phone is None:
        member_id = await canonical_member(by_claim or await find_or_create(claim))
        await insert_contact(member_id, "phone", phone, verified=True)
        return member_id
    target = await canonical_member(by_phone)
    if by_claim is None:
        await insert_contact(target, claim.kind, address, verified=True)
        return target
    source = await canonical_member(by_claim)
    row = await Member.select(Member.provisional).where(Member.id == source).first()
    if source != target and row is not None and row["provisional"]:
        await merge_members(None, MergeRequest(source_id=source, target_id=target))
        return target
    if source != target:
        log.warning(
            "%s %s shared the phone of another member; left to an operator", claim.kind, address
        )
    return source


async def link_typed_contact(claim: IdentityClaim, kind: str, address: str) -> uuid.UUID:
    """The member for ``claim`` (found or made as usual), with a contact point the sender
    typed beside it — a site form's e-mail next to its phone — added **unverified** when
    nobody holds it yet, so a later reply can use it and the card shows it unconfirmed. What a
    stranger types is no proof: an address another member holds stays theirs (an operator
    decides), and nothing is verified or merged. An address that does not parse is ignored."""
    try:
        typed = normalize.contact(kind, address)
    except Invalid:
        typed = ""
    member_id = await canonical_member(await find_or_create(claim))
    if not typed:
        return member_id
    db = current().db
    async with db.transaction():
        if await owner_of(kind, typed) is None:
            # ON CONFLICT: a concurrent submission with the same address must not abort ours.
            await db.execute(
                "INSERT INTO member_contact_point (id, member_id, kind, address, key, verified,"
                " blocked, blocked_reason, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {})"
                " ON CONFLICT (key) DO NOTHING",
                uuid.uuid4(),
                member_id,
                kind,
                typed,
                normalize.contact_key(kind, typed),
                False,
                False,
                "",
                now(),
            )
    return member_id
