"""A member's contact points: add, remove, and mark blocked (a channel says it cannot deliver)."""

from __future__ import annotations

import uuid

from unionline.access import Actor
from unionline.errors import Conflict, NotFound
from unionline.members import normalize
from unionline.members.events import MemberUpdated
from unionline.members.records import (
    WRITE,
    ContactRow,
    audit,
    contact_view,
    insert_contact,
    owner_of,
    scoped_row,
)
from unionline.members.schemas import ContactIn, ContactView
from unionline.members.services import ensure_active
from unionline.members.tables import ContactPoint
from unionline.rows import decode_row
from unionline.runtime import current, publish


async def add_contact(actor: Actor | None, member_id: uuid.UUID, data: ContactIn) -> ContactView:
    """Attach a contact point; 409 when another member (or this one) already has it."""
    address = normalize.contact(data.kind, data.address, field="address")
    async with current().db.transaction():
        row = await scoped_row(actor, WRITE, member_id)
        ensure_active(row)
        owner = await owner_of(data.kind, address)
        if owner is not None:
            whose = "this member" if owner == member_id else "another member"
            raise Conflict(f"{data.kind} {address} already belongs to {whose}", field="address")
        contact_id = await insert_contact(member_id, data.kind, address, verified=data.verified)
        await publish(
            MemberUpdated(
                organization_id=row.organization_id, member_id=member_id, fields=["contacts"]
            )
        )
        await audit(actor, "member.contact_add", member_id, row.organization_id)
    created = await ContactPoint.select().where(ContactPoint.id == contact_id).first()
    assert created is not None
    return contact_view(decode_row(ContactRow, created))


async def remove_contact(actor: Actor | None, member_id: uuid.UUID, contact_id: uuid.UUID) -> None:
    async with current().db.transaction():
        row = await scoped_row(actor, WRITE, member_id)
        ensure_active(row)
        found = await ContactPoint.exists().where(
            (ContactPoint.id == contact_id) & (ContactPoint.member_id == member_id)
        )
        if not found:
            raise NotFound(f"contact point {contact_id} does not exist", field="contact_id")
        await ContactPoint.delete().where(ContactPoint.id == contact_id)
        await publish(
            MemberUpdated(
                organization_id=row.organization_id, member_id=member_id, fields=["contacts"]
            )
        )
        await audit(actor, "member.contact_remove", member_id, row.organization_id)


async def set_contact_blocked(kind: str, address: str, blocked: bool, reason: str = "") -> bool:
    """Mark a contact point (un)reachable, e.g. Telegram's "bot was blocked by the user".

    For channels (system calls, no actor). Returns False when no such contact point exists.
    """
    address = normalize.contact(kind, address, field="address")
    key = normalize.contact_key(kind, address)
    async with current().db.transaction():
        exists = await ContactPoint.exists().where(ContactPoint.key == key)
        if exists:
            await ContactPoint.update(
                {ContactPoint.blocked: blocked, ContactPoint.blocked_reason: reason[:300]}
            ).where(ContactPoint.key == key)
    return bool(exists)
