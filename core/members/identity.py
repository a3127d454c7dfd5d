"""The core ``resolve_identity`` default: a known contact point's member, else a new
provisional member — exactly one, even when two messages from a new address race.

The race is settled by the unique ``key`` column: the contact point is inserted with
``ON CONFLICT DO NOTHING`` (no error aborts the caller's transaction), and the loser reads
the winner's row.
"""

from __future__ import annotations

import uuid

from unionline.hookspecs import hookimpl
from unionline.members import normalize
from unionline.members.events import MemberCreated
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
        return await canonical_member(owner)
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


async def _insert_provisional(member_id: uuid.UUID, claim: IdentityClaim) -> None:
    name = claim.display_name.replace("\x00", "").strip()[:300]
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
