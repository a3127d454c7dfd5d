"""Members: the stable entry points — create, read, change, resolve an identity.

Every read and write of a member goes through :func:`unionline.access.require_scope` with the
member's primary organization; out-of-scope members answer 404, exactly like missing ones.
``actor=None`` means the system itself (channels, imports, other domains' tests): no checks.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import msgspec

from unionline.access import Actor, require_scope
from unionline.errors import Conflict, Invalid, NotFound
from unionline.members import normalize
from unionline.members.events import MemberCreated, MemberUpdated
from unionline.members.records import (
    READ,
    WRITE,
    ContactSpec,
    MemberRow,
    as_contact,
    audit,
    canonical_member,
    card_key,
    card_owner,
    clean_card,
    contacts_of,
    encode_consents,
    encode_custom_fields,
    insert_contact,
    member_row,
    member_view,
    merge_consents,
    now,
    organization_path,
    owner_of,
    scoped_row,
)
from unionline.members.schemas import STATUSES, MemberCreate, MemberUpdate, MemberView
from unionline.members.tables import Member
from unionline.runtime import current, publish
from unionline.spi import IdentityClaim

__all__ = [
    "create_member",
    "create_member_from",
    "get_member",
    "resolve_member",
    "update_member",
]


async def create_member(
    actor: Actor | None,
    organization_id: uuid.UUID,
    *,
    full_name: str = "",
    status: str = "applicant",
    card_number: str | None = None,
    employer: str = "",
    position: str = "",
    contacts: Iterable[ContactSpec] = (),
    consents: dict[str, bool] | None = None,
    custom_fields: dict[str, Any] | None = None,
    provisional: bool = False,
) -> uuid.UUID:
    """Create a member with its contact points; returns the new member's id.

    ``contacts`` holds ``ContactIn`` or ``(kind, address)`` pairs, normalized here. A taken
    contact point or card number is a 409 naming the field; ``actor=None`` skips permissions.
    """
    if actor is not None:
        await require_scope(
            actor, WRITE, organization_id, what="organization", field="organization_id"
        )
    if status not in STATUSES:
        raise Invalid(f"status must be one of {', '.join(STATUSES)}", field="status")
    normalized = [
        (c.kind, normalize.contact(c.kind, c.address, field=f"contacts[{i}].address"), c.verified)
        for i, c in enumerate(map(as_contact, contacts))
    ]
    member_id = uuid.uuid4()
    async with current().db.transaction():
        path = await organization_path(organization_id)
        card = clean_card(card_number)
        key = card_key(path, card)
        if await card_owner(key):
            raise Conflict(f"card number {card!r} is taken in this federation", field="card_number")
        for i, (kind, address, _) in enumerate(normalized):
            if await owner_of(kind, address):
                raise Conflict(
                    f"{kind} {address} belongs to another member", field=f"contacts[{i}].address"
                )
        stamp = now()
        await Member.insert(
            Member(
                id=member_id,
                organization_id=organization_id,
                full_name=full_name.strip(),
                search_name=normalize.search_key(full_name),
                status=status,
                card_number=card,
                card_key=key,
                employer=employer.strip(),
                position=position.strip(),
                consents=encode_consents(merge_consents({}, consents or {})),
                custom_fields=encode_custom_fields(custom_fields or {}),
                provisional=provisional,
                created_at=stamp,
                updated_at=stamp,
            )
        )
        for kind, address, verified in normalized:
            await insert_contact(member_id, kind, address, verified=verified)
        await publish(
            MemberCreated(
                organization_id=organization_id, member_id=member_id, provisional=provisional
            )
        )
        await audit(actor, "member.create", member_id, organization_id)
    return member_id


async def create_member_from(actor: Actor | None, data: MemberCreate) -> MemberView:
    """``create_member`` for an API body; returns the new member's view."""
    require_name(data.full_name)
    member_id = await create_member(
        actor,
        data.organization_id,
        full_name=data.full_name,
        status=data.status,
        card_number=data.card_number,
        employer=data.employer,
        position=data.position,
        contacts=data.contacts,
        consents=data.consents,
        custom_fields=data.custom_fields,
    )
    return await member_with_contacts(member_id)


async def get_member(actor: Actor | None, member_id: uuid.UUID) -> MemberView:
    """One member with its contact points (audited: it is personal data)."""
    row = await scoped_row(actor, READ, member_id)
    await audit(actor, "member.read", member_id, row.organization_id)
    return member_view(row, (await contacts_of([member_id]))[member_id])


async def member_with_contacts(member_id: uuid.UUID) -> MemberView:
    """A member's view without permission checks or audit (the caller did both)."""
    row = await member_row(member_id)
    return member_view(row, (await contacts_of([member_id]))[member_id])


def require_name(full_name: str) -> None:
    if not full_name.strip():
        raise Invalid("a name is required", field="full_name")


def ensure_active(row: MemberRow, *, field: str = "id") -> None:
    """Merged-away and erased members are history: they take no changes."""
    if row.merged_into is not None:
        raise Conflict(f"member was merged into {row.merged_into}", field=field)
    if row.erased_at is not None:
        raise Conflict("member's personal data was erased", field=field)


async def update_member(
    actor: Actor | None, member_id: uuid.UUID, data: MemberUpdate
) -> MemberView:
    """Change the fields present in ``data``; publishes ``member.updated`` when any changed."""
    async with current().db.transaction():
        row = await scoped_row(actor, WRITE, member_id)
        ensure_active(row)
        changes = await _changes(actor, row, data)
        if changes:
            changes[Member.updated_at] = now()
            await Member.update(changes).where(Member.id == member_id)
            fields = sorted({c._meta.name for c in changes} - {"updated_at", "search_name"})
            org = changes.get(Member.organization_id, row.organization_id)
            await publish(MemberUpdated(organization_id=org, member_id=member_id, fields=fields))
            await audit(actor, "member.update", member_id, org)
    return await member_with_contacts(member_id)


async def _changes(actor: Actor | None, row: MemberRow, data: MemberUpdate) -> dict[Any, Any]:
    changes: dict[Any, Any] = {}
    if data.full_name is not msgspec.UNSET:
        require_name(data.full_name)
    plain = {
        Member.full_name: data.full_name,
        Member.status: data.status,
        Member.employer: data.employer,
        Member.position: data.position,
    }
    for column, value in plain.items():
        if value is not msgspec.UNSET and value.strip() != getattr(row, column._meta.name):
            changes[column] = value.strip()
    if Member.full_name in changes:
        changes[Member.search_name] = normalize.search_key(changes[Member.full_name])
    if data.consents is not msgspec.UNSET:
        consents = merge_consents(row.consents, data.consents)
        if consents != row.consents:
            changes[Member.consents] = encode_consents(consents)
    if data.provisional is not msgspec.UNSET and data.provisional != row.provisional:
        changes[Member.provisional] = data.provisional
    if data.custom_fields is not msgspec.UNSET:
        changes[Member.custom_fields] = encode_custom_fields(data.custom_fields)
    changes.update(await _organization_and_card(actor, row, data))
    return changes


async def _organization_and_card(
    actor: Actor | None, row: MemberRow, data: MemberUpdate
) -> dict[Any, Any]:
    """A new organization or card number; the card's federation key follows both."""
    org = row.organization_id
    if data.organization_id is not msgspec.UNSET and data.organization_id != org:
        org = data.organization_id
        if actor is not None:
            await require_scope(actor, WRITE, org, what="organization", field="organization_id")
    card = row.card_number if data.card_number is msgspec.UNSET else clean_card(data.card_number)
    key = card_key(await organization_path(org), card)
    changes: dict[Any, Any] = {}
    if org != row.organization_id:
        changes[Member.organization_id] = org
    if card != row.card_number:
        changes[Member.card_number] = card
    if key != row.card_key:
        if await card_owner(key, besides=row.id):
            raise Conflict(f"card number {card!r} is taken in this federation", field="card_number")
        changes[Member.card_key] = key
    return changes


async def resolve_member(claim: IdentityClaim) -> uuid.UUID:
    """The member behind a contact point, via the ``resolve_identity`` hook (channels call it)."""
    result = await current().hooks.resolve_identity(claim)
    if result is None:
        raise NotFound(f"no member for {claim.kind} {claim.address}", field="address")
    member_id = result if isinstance(result, uuid.UUID) else uuid.UUID(str(result))
    return await canonical_member(member_id)
