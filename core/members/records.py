"""Building blocks shared by the members modules: row lookups, views, keys, the audit call site.

Nothing here checks permissions except :func:`scoped_row`; the public entry points live in
:mod:`unionline.members.services`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeAlias

import msgspec

from unionline.access import Actor, require_scope, scope_for
from unionline.audit.services import record
from unionline.errors import Forbidden, Invalid, NotFound
from unionline.members import normalize
from unionline.members.schemas import ConsentView, ContactIn, ContactView, MemberView
from unionline.members.tables import ContactPoint, Member
from unionline.organizations.tables import Organization
from unionline.rows import decode_row
from unionline.runtime import current

READ = "members.read"
WRITE = "members.write"
MERGE = "members.merge"
IMPORT = "members.import"
MAX_CUSTOM_FIELDS_BYTES = 16_384
ContactSpec: TypeAlias = ContactIn | tuple[str, str]


def now() -> datetime:
    return datetime.now(UTC)


class MemberRow(msgspec.Struct, frozen=True, kw_only=True):
    """One row of ``member_member``, its JSON columns decoded: what other packages (appeals,
    robots, privacy) read of a member."""

    id: uuid.UUID
    organization_id: uuid.UUID
    full_name: str
    search_name: str
    status: str
    card_number: str | None
    card_key: str | None
    employer: str
    position: str
    consents: dict[str, Any]  # {"email": {"granted": true, "at": "<ISO 8601>"}}
    custom_fields: dict[str, Any]
    provisional: bool
    merged_into: uuid.UUID | None
    erased_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ContactRow(msgspec.Struct, frozen=True, kw_only=True):
    """One row of ``member_contact_point``."""

    id: uuid.UUID
    member_id: uuid.UUID
    kind: str
    address: str
    key: str
    verified: bool
    blocked: bool
    blocked_reason: str
    created_at: datetime


# -- organizations and card numbers ---------------------------------------------------------


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
    """Value of the unique ``card_key`` column: card numbers are unique per federation."""
    return f"{federation_of(path)}:{card_number}" if card_number else None


def clean_card(card_number: str | None) -> str | None:
    card = (card_number or "").strip()
    return card or None


async def card_owner(key: str | None, *, besides: uuid.UUID | None = None) -> uuid.UUID | None:
    if key is None:
        return None
    query = Member.select(Member.id).where(Member.card_key == key)
    if besides is not None:
        query = query.where(Member.id != besides)
    row = await query.first()
    return row["id"] if row else None


# -- JSON columns ---------------------------------------------------------------------------


def encode_custom_fields(fields: dict[str, Any], *, field: str = "custom_fields") -> str:
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    if len(text.encode()) > MAX_CUSTOM_FIELDS_BYTES:
        raise Invalid(f"custom fields exceed {MAX_CUSTOM_FIELDS_BYTES} bytes", field=field)
    return text


def merge_consents(current: dict[str, Any], changes: dict[str, bool]) -> dict[str, Any]:
    """Apply consent changes; a channel's timestamp moves only when its answer changes."""
    consents = dict(current)
    stamp = now().isoformat()
    for channel, granted in changes.items():
        if consents.get(channel, {}).get("granted") is not granted:
            consents[channel] = {"granted": granted, "at": stamp}
    return consents


def encode_consents(consents: dict[str, Any]) -> str:
    return json.dumps(consents, sort_keys=True)


# -- contact points -------------------------------------------------------------------------


def as_contact(spec: ContactSpec) -> ContactIn:
    if isinstance(spec, ContactIn):
        return spec
    # The kind is checked here (Invalid naming the field); the address is normalized later.
    return ContactIn(kind=normalize.contact_kind(spec[0]), address=spec[1])


async def owner_of(kind: str, address: str) -> uuid.UUID | None:
    """The member holding an already normalized contact point, if any."""
    row = (
        await ContactPoint.select(ContactPoint.member_id)
        .where(ContactPoint.key == normalize.contact_key(kind, address))
        .first()
    )
    return row["member_id"] if row else None


async def insert_contact(
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


# -- rows and views -------------------------------------------------------------------------


def contact_view(row: ContactRow) -> ContactView:
    return ContactView(
        id=row.id,
        kind=row.kind,
        address=row.address,
        verified=row.verified,
        blocked=row.blocked,
        blocked_reason=row.blocked_reason,
        created_at=row.created_at,
    )


def member_view(row: MemberRow, contacts: list[ContactView] | None = None) -> MemberView:
    return MemberView(
        id=row.id,
        organization_id=row.organization_id,
        full_name=row.full_name,
        status=row.status,
        card_number=row.card_number,
        employer=row.employer,
        position=row.position,
        consents={k: msgspec.convert(v, ConsentView) for k, v in row.consents.items()},
        custom_fields=row.custom_fields,
        provisional=row.provisional,
        merged_into=row.merged_into,
        erased=row.erased_at is not None,
        created_at=row.created_at,
        updated_at=row.updated_at,
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
        contact = decode_row(ContactRow, row)
        found[contact.member_id].append(contact_view(contact))
    return found


async def views(rows: Iterable[Mapping[str, Any]]) -> list[MemberView]:
    """Member views of ``member_member`` rows with their contact points, in one query."""
    members = [decode_row(MemberRow, r) for r in rows]
    contacts = await contacts_of([m.id for m in members])
    return [member_view(m, contacts[m.id]) for m in members]


async def find_member(member_id: uuid.UUID | None) -> MemberRow | None:
    """The member's row (merges not followed), or None."""
    if member_id is None:
        return None
    return await current().db.fetch_one_as(
        MemberRow, "SELECT * FROM member_member WHERE id = {}", member_id
    )


async def member_row(member_id: uuid.UUID, *, field: str = "id") -> MemberRow:
    row = await find_member(member_id)
    if row is None:
        raise NotFound(f"member {member_id} does not exist", field=field)
    return row


async def scoped_row(
    actor: Actor | None, permission: str, member_id: uuid.UUID, *, field: str = "id"
) -> MemberRow:
    """The member's row; NotFound when missing or unreadable for ``actor``, Forbidden when
    readable but ``permission`` is not held there."""
    row = await member_row(member_id, field=field)
    if actor is None or (await scope_for(actor, permission)).allows(row.organization_id):
        return row
    await require_scope(actor, READ, row.organization_id, what=f"member {member_id}", field=field)
    raise Forbidden(f"permission {permission!r} is required here", field=field)


async def merged_family(member_id: uuid.UUID) -> dict[uuid.UUID, uuid.UUID]:
    """The member and every member merged into it, directly or through others, with their
    organizations."""
    found: dict[uuid.UUID, uuid.UUID] = {}
    frontier = [member_id]
    rows = await Member.select(Member.id, Member.organization_id).where(Member.id == member_id)
    found.update((r["id"], r["organization_id"]) for r in rows)
    while frontier:
        rows = await Member.select(Member.id, Member.organization_id).where(
            Member.merged_into.is_in(frontier)
        )
        frontier = [r["id"] for r in rows if r["id"] not in found]
        found.update((r["id"], r["organization_id"]) for r in rows)
    return found


async def canonical_member(member_id: uuid.UUID) -> uuid.UUID:
    """Follow ``merged_into`` to the member that absorbed ``member_id`` (itself if none)."""
    seen = {member_id}
    while True:
        row = await Member.select(Member.merged_into).where(Member.id == member_id).first()
        if row is None or row["merged_into"] is None or row["merged_into"] in seen:
            return member_id
        member_id = row["merged_into"]
        seen.add(member_id)


# -- audit log ----------------------------------------------------------------------------------


async def audit(
    actor: Actor | None, action: str, member_id: uuid.UUID, organization_id: uuid.UUID | None
) -> None:
    """Record a read or change of a member's personal data in the audit log.

    Called inside the change's transaction, so the change and its entry commit together.
    """
    await record(actor, action, "member", member_id, organization_id)
