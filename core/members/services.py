"""Members: create, read, change, contact points; the stable entry points other domains use.

Every read and write of a member goes through :func:`unionline.access.require_scope` with the
member's primary organization; out-of-scope members answer 404, exactly like missing ones.
``actor=None`` means the system itself (channels, imports, other domains' tests): no checks.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import msgspec
from unionline.access import Actor, require_scope
from unionline.errors import Conflict, Invalid, NotFound
from unionline.members import normalize
from unionline.members.events import MemberCreated
from unionline.members.schemas import (
    STATUSES,
    ConsentView,
    ContactIn,
    ContactView,
    MemberView,
)
from unionline.members.tables import ContactPoint, Member
from unionline.organizations.tables import Organization
from unionline.runtime import current, publish
from unionline.spi import IdentityClaim

READ = "members.read"
WRITE = "members.write"
MERGE = "members.merge"
IMPORT = "members.import"
MAX_CUSTOM_FIELDS_BYTES = 16_384
ContactSpec = ContactIn | tuple[str, str]


# -- helpers shared by the members modules ------------------------------------------------


def now() -> datetime:
    return datetime.now(UTC)


async def organization_path(org_id: uuid.UUID, *, field: str = "organization_id") -> str:
    """The organization's materialized path; NotFound when it does not exist or is archived."""
    row = (
        await Organization.select(Organization.path, Organization.archived_at)
        .where(Organization.id == org_id)
        .first()
    )
    if row is None or row["archived_at"] is not None:
        raise NotFound(f"organization {org_id} does not exist", field=field)
    return str(row["path"])


def federation_of(path: str) -> str:
    """The root (federation) id of an organization path ``/<root>/.../<own>/``."""
    return path.strip("/").split("/")[0]


def card_key(path: str, card_number: str | None) -> str | None:
    return f"{federation_of(path)}:{card_number}" if card_number else None


def clean_card(card_number: str | None) -> str | None:
    card = (card_number or "").strip()
    return card or None


def encode_custom_fields(fields: dict[str, Any], *, field: str = "custom_fields") -> str:
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    if len(text.encode()) > MAX_CUSTOM_FIELDS_BYTES:
        raise Invalid(f"custom fields exceed {MAX_CUSTOM_FIELDS_BYTES} bytes", field=field)
    return text


def merge_consents(current_json: str, changes: dict[str, bool]) -> str:
    """Apply consent changes; a channel's timestamp moves only when its answer changes."""
    consents: dict[str, Any] = json.loads(current_json or "{}")
    stamp = now().isoformat()
    for channel, granted in changes.items():
        if consents.get(channel, {}).get("granted") is not granted:
            consents[channel] = {"granted": granted, "at": stamp}
    return json.dumps(consents, sort_keys=True)


def as_contact(spec: ContactSpec) -> ContactIn:
    return spec if isinstance(spec, ContactIn) else ContactIn(kind=spec[0], address=spec[1])  # type: ignore[arg-type]


async def owner_of(kind: str, address: str) -> uuid.UUID | None:
    row = (
        await ContactPoint.select(ContactPoint.member_id)
        .where(ContactPoint.key == normalize.contact_key(kind, address))
        .first()
    )
    return row["member_id"] if row else None


async def card_owner(key: str | None, *, besides: uuid.UUID | None = None) -> uuid.UUID | None:
    if key is None:
        return None
    query = Member.select(Member.id).where(Member.card_key == key)
    if besides is not None:
        query = query.where(Member.id != besides)
    row = await query.first()
    return row["id"] if row else None


async def audit(actor: Actor | None, member_id: uuid.UUID, action: str) -> None:
    """AUDIT CALL SITE: record a read or change of a member's personal data.

    Delegates to ``unionline.audit.services.record`` once the audit domain exists; until
    then this is a no-op (the audit log is owned by another part of the core).
    """
    try:
        from unionline.audit.services import record  # type: ignore[import-not-found]
    except ImportError:
        return
    await record(actor, member_id, action)


# -- create ---------------------------------------------------------------------------------


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
            actor,
            WRITE,
            organization_id,
            what=f"organization {organization_id}",
            field="organization_id",
        )
    if status not in STATUSES:
        raise Invalid(f"status must be one of {', '.join(STATUSES)}", field="status")
    specs = [as_contact(c) for c in contacts]
    normalized = [
        (c.kind, normalize.contact(c.kind, c.address, field=f"contacts[{i}].address"), c.verified)
        for i, c in enumerate(specs)
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
                consents=merge_consents("{}", consents or {}),
                custom_fields=encode_custom_fields(custom_fields or {}),
                provisional=provisional,
                created_at=stamp,
                updated_at=stamp,
            )
        )
        for kind, address, verified in normalized:
            await _insert_contact(member_id, kind, address, verified=verified)
        await publish(
            MemberCreated(
                organization_id=organization_id, member_id=member_id, provisional=provisional
            )
        )
    await audit(actor, member_id, "member.create")
    return member_id


async def _insert_contact(
    member_id: uuid.UUID, kind: str, address: str, *, verified: bool = False
) -> uuid.UUID:
    contact_id = uuid.uuid4()
    await ContactPoint.insert(
        ContactPoint(
            id=contact_id,
            member_id=member_id,
            kind=kind,
            address=address,
            key=normalize.contact_key(kind, address),
            verified=verified,
            created_at=now(),
        )
    )
    return contact_id


# -- read -----------------------------------------------------------------------------------


def contact_view(row: dict[str, Any]) -> ContactView:
    return ContactView(
        id=row["id"],
        kind=row["kind"],
        address=row["address"],
        verified=row["verified"],
        blocked=row["blocked"],
        blocked_reason=row["blocked_reason"],
        created_at=row["created_at"],
    )


def member_view(row: dict[str, Any], contacts: list[ContactView] | None = None) -> MemberView:
    consents = {k: msgspec.convert(v, ConsentView) for k, v in json.loads(row["consents"]).items()}
    return MemberView(
        id=row["id"],
        organization_id=row["organization_id"],
        full_name=row["full_name"],
        status=row["status"],
        card_number=row["card_number"],
        employer=row["employer"],
        position=row["position"],
        consents=consents,
        custom_fields=json.loads(row["custom_fields"] or "{}"),
        provisional=row["provisional"],
        merged_into=row["merged_into"],
        erased=row["erased_at"] is not None,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        contacts=contacts or [],
    )


async def contacts_of(member_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[ContactView]]:
    found: dict[uuid.UUID, list[ContactView]] = {m: [] for m in member_ids}
    if not member_ids:
        return found
    rows = (
        await ContactPoint.select()
        .where(ContactPoint.member_id.is_in(member_ids))
        .order_by(ContactPoint.created_at)
        .order_by(ContactPoint.id)
    )
    for row in rows:
        found[row["member_id"]].append(contact_view(row))
    return found


async def member_row(member_id: uuid.UUID, *, field: str = "id") -> dict[str, Any]:
    row = await Member.select().where(Member.id == member_id).first()
    if row is None:
        raise NotFound(f"member {member_id} does not exist", field=field)
    return row


async def scoped_row(
    actor: Actor | None, permission: str, member_id: uuid.UUID, *, field: str = "id"
) -> dict[str, Any]:
    """The member's row, or NotFound when missing or outside ``actor``'s scope."""
    row = await member_row(member_id, field=field)
    if actor is not None:
        await require_scope(
            actor, permission, row["organization_id"], what=f"member {member_id}", field=field
        )
    return row


async def get_member(actor: Actor | None, member_id: uuid.UUID) -> MemberView:
    """One member with its contact points (audited: it is personal data)."""
    row = await scoped_row(actor, READ, member_id)
    await audit(actor, member_id, "member.read")
    return member_view(row, (await contacts_of([member_id]))[member_id])


async def canonical_member(member_id: uuid.UUID) -> uuid.UUID:
    """Follow ``merged_into`` to the member that absorbed ``member_id`` (itself if none)."""
    seen = {member_id}
    while True:
        row = await Member.select(Member.merged_into).where(Member.id == member_id).first()
        if row is None or row["merged_into"] is None or row["merged_into"] in seen:
            return member_id
        member_id = row["merged_into"]
        seen.add(member_id)


async def resolve_member(claim: IdentityClaim) -> uuid.UUID:
    """The member behind a contact point, via the ``resolve_identity`` hook (channels call it)."""
    result = await current().hooks.resolve_identity(claim)
    if result is None:
        raise NotFound(f"no member for {claim.kind} {claim.address}", field="address")
    return result if isinstance(result, uuid.UUID) else uuid.UUID(str(result))
