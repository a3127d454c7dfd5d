"""Matching import rows to existing members (by card number or contact point) and working
out what would change — so a re-import of the same file changes nothing."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import msgspec

from unionline.access import Actor, scope_for
from unionline.members import normalize
from unionline.members.bulk import select_in
from unionline.members.import_schema import RowError
from unionline.members.records import IMPORT, MemberRow, card_key

if TYPE_CHECKING:
    from unionline.members.importer import Row


class _CardOwner(msgspec.Struct):
    id: uuid.UUID
    card_key: str


class _ContactOwner(msgspec.Struct):
    member_id: uuid.UUID
    key: str


async def match(actor: Actor | None, rows: list[Row], errors: list[RowError]) -> list[Row]:
    """Set ``member_id``, ``changes`` and ``new_contacts`` on each row; rows that conflict
    with existing members get errors and are dropped from the result."""
    cards = [r.card_key for r in rows if r.card_key]
    keys = [key for row in rows for _, _, key in row.contacts]
    by_card = {
        r.card_key: r.id for r in await select_in(_CardOwner, "member_member", "card_key", cards)
    }
    by_contact = {
        r.key: r.member_id
        for r in await select_in(_ContactOwner, "member_contact_point", "key", keys)
    }
    kept = [r for r in rows if _identify(r, by_card, by_contact, errors)]
    kept = _one_row_per_member(kept, errors)
    ids = sorted({r.member_id for r in kept if r.member_id}, key=str)
    existing = {r.id: r for r in await select_in(MemberRow, "member_member", "id", ids)}
    scope = None if actor is None else await scope_for(actor, IMPORT)
    result = []
    for row in kept:
        if row.member_id is not None:
            member = existing[row.member_id]
            if not _changeable(row, member, scope, errors):
                continue
            _plan_changes(row, member, by_contact)
        result.append(row)
    return result


def _identify(
    row: Row,
    by_card: dict[str, uuid.UUID],
    by_contact: dict[str, uuid.UUID],
    errors: list[RowError],
) -> bool:
    """The one existing member the row's card and contacts point at (or none)."""
    found: list[tuple[str, uuid.UUID]] = []
    if row.card_key and row.card_key in by_card:
        found.append(("card_number", by_card[row.card_key]))
    found += [(kind, by_contact[key]) for kind, _, key in row.contacts if key in by_contact]
    if not found:
        return True
    first_column, member_id = found[0]
    clashes = [column for column, other in found if other != member_id]
    for column in clashes:
        errors.append(
            RowError(
                row=row.number,
                column=column,
                reason=f"belongs to another member than the row's {first_column}",
            )
        )
    row.member_id = member_id
    return not clashes


def _one_row_per_member(rows: list[Row], errors: list[RowError]) -> list[Row]:
    first: dict[uuid.UUID, int] = {}
    kept = []
    for row in rows:
        if row.member_id is not None:
            seen = first.setdefault(row.member_id, row.number)
            if seen != row.number:
                errors.append(
                    RowError(row=row.number, column="", reason=f"the same member as row {seen}")
                )
                continue
        kept.append(row)
    return kept


def _changeable(row: Row, member: MemberRow, scope: Any, errors: list[RowError]) -> bool:
    reason = None
    if member.merged_into is not None or member.erased_at is not None:
        reason = "matches a merged or erased member"
    elif scope is not None and not scope.allows(member.organization_id):
        reason = "matches a member outside the organizations you may import into"
    if reason:
        errors.append(RowError(row=row.number, column="", reason=reason))
        return False
    return True


def _plan_changes(row: Row, member: MemberRow, by_contact: dict[str, uuid.UUID]) -> None:
    changes: dict[str, Any] = {}
    if row.full_name != member.full_name:
        changes["full_name"] = row.full_name
        changes["search_name"] = normalize.search_key(row.full_name)
    if row.org.id != member.organization_id:
        changes["organization_id"] = row.org.id
    for name, value in (
        ("status", row.status),
        ("card_number", row.card),
        ("employer", row.employer),
        ("position", row.position),
    ):
        if value is not None and value != getattr(member, name):
            changes[name] = value
    card = changes.get("card_number", member.card_number)
    key = card_key(row.org.path, card)
    if key != member.card_key:
        changes["card_key"] = key
    if member.provisional:
        changes["provisional"] = False  # the roster confirms who this is
    row.changes = changes
    row.new_contacts = [c for c in row.contacts if c[2] not in by_contact]
