"""Finding members: by name (case- and ё/е-insensitive), phone in any common spelling,
e-mail, or card number; scoped to what the actor may read; cursor-paginated by name."""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from typing import Any

from piccolo.columns.combination import WhereRaw
from piccolo.custom_types import Combinable

from unionline.access import Actor, scope_for
from unionline.errors import Invalid
from unionline.members import normalize
from unionline.members.records import READ, views
from unionline.members.schemas import MemberPage
from unionline.members.tables import ContactPoint, Member
from unionline.organizations.services import subtree_ids

MAX_LIMIT = 200
_PHONE_LIKE = re.compile(r"^\+?[\d\s().-]{7,25}$")
_LIKE_SPECIAL = re.compile(r"[%_\\]")


def encode_cursor(search_name: str, member_id: uuid.UUID) -> str:
    raw = json.dumps([search_name, str(member_id)], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, member_id = json.loads(raw)
        return str(name), uuid.UUID(member_id)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise Invalid("not a cursor this API returned", field="cursor") from None


async def search_members(
    actor: Actor | None,
    *,
    q: str | None = None,
    organization_id: uuid.UUID | None = None,
    status: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
    include_merged: bool = False,
) -> MemberPage:
    """Members the actor may read matching ``q`` and the filters, ordered by name.

    ``organization_id`` includes the organization's subtree. Merged-away members are left
    out unless ``include_merged``.
    """
    limit = max(1, min(limit, MAX_LIMIT))
    where = await _scope_filter(actor, organization_id)
    if where is False:
        return MemberPage(items=[])
    query = Member.select()
    for clause in [where, await _text_filter(q)]:
        if clause is not None and clause is not True:
            query = query.where(clause)
    if status:
        query = query.where(Member.status == status)
    if not include_merged:
        query = query.where(Member.merged_into.is_null())
    if cursor:
        name, last_id = decode_cursor(cursor)
        query = query.where(
            (Member.search_name > name) | ((Member.search_name == name) & (Member.id > last_id))
        )
    rows = await query.order_by(Member.search_name).order_by(Member.id).limit(limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1]["search_name"], rows[-1]["id"]) if more else None
    return MemberPage(items=await views(rows), next_cursor=next_cursor)


async def _scope_filter(actor: Actor | None, organization_id: uuid.UUID | None) -> Any:
    """A WHERE clause for the readable organizations; False when nothing is readable."""
    allowed = None if actor is None else (await scope_for(actor, READ)).organization_ids
    if organization_id is not None:
        wanted = await subtree_ids([organization_id])
        allowed = wanted if allowed is None else wanted & allowed
    if allowed is None:
        return True
    if not allowed:
        return False
    return Member.organization_id.is_in(sorted(allowed))


async def _text_filter(q: str | None) -> Any:
    """Name tokens, or a card number, or a contact point the query normalizes to."""
    text = (q or "").replace("\x00", "").strip()
    if not text:
        return None
    clause: Combinable = Member.card_number == text
    tokens = [_LIKE_SPECIAL.sub("", t) for t in normalize.search_key(text).split(" ")]
    tokens = [t for t in tokens if t]
    if tokens:
        name_clause: Combinable = Member.search_name.like(f"%{tokens[0]}%")
        for token in tokens[1:]:
            name_clause &= Member.search_name.like(f"%{token}%")
        clause |= name_clause
    owners = await _contact_owners(text)
    if owners:
        clause |= Member.id.is_in(owners)
    return clause


async def _contact_owners(text: str) -> list[uuid.UUID]:
    """Members holding the phone or e-mail ``text`` spells (an e-mail's local part in any case)."""
    try:
        if "@" in text:
            key = normalize.contact_key("email", normalize.email(text))
            found = await _owners(ContactPoint.key == key)
            # Then any case of the local part (SQLite folds only ASCII; e-mails mostly are).
            return found or await _owners(WhereRaw("LOWER(key) = {}", key.lower()))
        if _PHONE_LIKE.match(text):
            return await _owners(
                ContactPoint.key == normalize.contact_key("phone", normalize.phone(text))
            )
    except Invalid:
        pass
    return []


async def _owners(clause: Any) -> list[uuid.UUID]:
    rows = await ContactPoint.select(ContactPoint.member_id).where(clause)
    return [r["member_id"] for r in rows]
