"""The core ``resolve_identity`` default: a known contact point's member, else a new
provisional member — exactly one, even when two messages from a new address race. A
provisional member still without a name takes the first name a later message brings (a web
chat visitor who introduces themselves); a name an operator or a member record gave is kept.

The race is settled by the unique ``key`` column: the contact point is inserted with
``ON CONFLICT DO NOTHING`` (no error aborts the caller's transaction), and the loser reads
the winner's row.
"""

from __future__ import annotations

import uuid

from unionline.errors import Invalid
from unionline.hookspecs import hookimpl
from unionline.members import normalize
from unionline.members.events import MemberCreated, MemberUpdated
from unionline.members.records import canonical_member, now, organization_path, owner_of
from unionline.members.tables import Member
from unionline.runtime import current, publish
from unionline.spi import IdentityClaim

_INSERT_CONTACT = (
    "INSERT INTO member_contact_point"
    " (id, member_id, kind, address, key, verified, blocked, blocked_reason, created_at)"
    " VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}) ON CONFLICT (key) DO NOTHING RETURNING id"
)


@hookimpl(trylast=True)
async def resolve_identity(claim: IdentityClaim) -> uuid.UUID:
    """Core default: find the member by the normalized contact point, or create one."""
    return await find_or_create(claim)


async def find_or_create(claim: IdentityClaim) -> uuid.UUID:
    address = normalize.contact(claim.kind, claim.address, field="address")
    owner = await owner_of(claim.kind, address)
    if owner is not None:
        member_id = await canonical_member(owner)
        await _name_if_unnamed(member_id, claim)
        return member_id
    member_id = uuid.uuid4()
    db = current().db
    async with db.transaction():
        await organization_path(claim.organization_id)
        stamp = now()
        won = await db.fetch(
            _INSERT_CONTACT,
            uuid.uuid4(),
            member_id,
            claim.kind,
            address,
            normalize.contact_key(claim.kind, address),
            claim.verified,
            False,
            "",
            stamp,
        )
        if won:
            await _insert_provisional(member_id, claim)
    if won:
        return member_id
    owner = await owner_of(claim.kind, address)
    if owner is None:  # the winner's member was erased between the two statements
        return await find_or_create(claim)
    return await canonical_member(owner)


def _name(claim: IdentityClaim) -> str:
    return _clean(claim.display_name)


def _clean(name: str) -> str:
    return name.replace("\x00", "").strip()[:300]


async def name_unnamed(kind: str, address: str, name: str) -> bool:
    """Give the provisional member holding a contact point ``name`` when they have none yet —
    for a channel that learned the name after it stored their first message. False when nobody
    holds the contact point or the member has a name already (an operator's, an earlier one)."""
    try:
        address = normalize.contact(kind, address, field="address")
    except Invalid:
        return False
    owner = await owner_of(kind, address)
    if owner is None:
        return False
    return await _give_name(await canonical_member(owner), _clean(name))


async def _name_if_unnamed(member_id: uuid.UUID, claim: IdentityClaim) -> None:
    """Give a provisional member without a name the one this message brings."""
    await _give_name(member_id, _name(claim))


async def _give_name(member_id: uuid.UUID, name: str) -> bool:
    if not name:
        return False
    db = current().db
    async with db.transaction():
        row = await db.fetchone(
            "UPDATE member_member SET full_name = {}, search_name = {}, updated_at = {}"
            " WHERE id = {} AND provisional = {} AND full_name = '' AND erased_at IS NULL"
            " RETURNING organization_id",
            name,
            normalize.search_key(name),
            now(),
            member_id,
            True,
        )
        if row is not None:
            org = row["organization_id"]
            await publish(
                MemberUpdated(organization_id=org, member_id=member_id, fields=["full_name"])
            )
    return row is not None


async def _insert_provisional(member_id: uuid.UUID, claim: IdentityClaim) -> None:
    name = _name(claim)
    stamp = now()
    await Member.insert(
        Member(
            id=member_id,
            organization_id=claim.organization_id,
            full_name=name,
            search_name=normalize.search_key(name),
            status="not_member",
            provisional=True,
            created_at=stamp,
            updated_at=stamp,
        )
    )
    await publish(
        MemberCreated(organization_id=claim.organization_id, member_id=member_id, provisional=True)
    )
