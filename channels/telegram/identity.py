"""A member who shares their own phone number in Telegram is linked to the member with that phone.

Unions import their members with phone numbers; a Telegram user is just a numeric id. When the
user presses "share my phone" (Telegram vouches the number is theirs, see ``decode``), this
``resolve_identity`` implementation joins the two:

* the phone belongs to a member and the Telegram id to nobody: the Telegram id is added to that
  member;
* the Telegram id already made a provisional member (earlier messages): it is merged into the
  member with the phone, so the conversation so far follows;
* nobody has the phone: it is added to the Telegram user's member;
* both belong to different non-provisional members: nothing is changed (an operator decides).
"""

from __future__ import annotations

import logging
import uuid

from unionline.errors import Invalid
from unionline.hookspecs import hookimpl
from unionline.spi import IdentityClaim

log = logging.getLogger("unionline.channels.telegram.identity")


@hookimpl
async def resolve_identity(claim: IdentityClaim) -> uuid.UUID | None:
    phone = claim.profile.get("shared_phone") if claim.kind == "telegram" else None
    if not phone:
        return None
    from unionline.members import normalize

    try:
        phone = normalize.phone(str(phone))
        address = normalize.numeric_id(claim.address, field="address")
    except Invalid:
        return None
    return await link(claim, address, phone)


async def link(claim: IdentityClaim, address: str, phone: str) -> uuid.UUID:
    from unionline.members.identity import find_or_create
    from unionline.members.records import canonical_member, insert_contact, owner_of

    by_phone = await owner_of("phone", phone)
    by_telegram = await owner_of("telegram", address)
    if by_phone is None:
        member_id = by_telegram or await find_or_create(claim)
        await insert_contact(await canonical_member(member_id), "phone", phone, verified=True)
        return member_id
    target = await canonical_member(by_phone)
    if by_telegram is None:
        await insert_contact(target, "telegram", address, verified=True)
        return target
    source = await canonical_member(by_telegram)
    if source == target:
        return target
    if await _provisional(source):
        from unionline.members.merge import merge_members
        from unionline.members.schemas import MergeRequest

        await merge_members(None, MergeRequest(source_id=source, target_id=target))
        return target
    log.warning("telegram %s shared the phone of another member; left for an operator", address)
    return source


async def _provisional(member_id: uuid.UUID) -> bool:
    from unionline.members.tables import Member

    row = await Member.select(Member.provisional).where(Member.id == member_id).first()
    return bool(row and row["provisional"])
