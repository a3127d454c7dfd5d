"""Finding members: by name (case- and ё/е-insensitive), phone in any common spelling,
e-mail, messenger user id (Telegram, VK), web visitor id, or card number; scoped to what the
actor may read; cursor-paginated by name."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import re
import uuid
from typing import Any

import msgspec
from piccolo.custom_types import Combinable

from unionline.access import Actor, scope_for
from unionline.errors import Invalid
from unionline.members import normalize
from unionline.members.records import READ, views
from unionline.members.schemas import MemberPage
from unionline.members.tables import Member
from unionline.organizations.services import subtree_ids

MAX_LIMIT = 200
NAMED_LIMIT = 50  # members a name search embeds in another domain's search
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
    """Members holding the phone, e-mail, messenger id or visitor id ``text`` spells (an
    e-mail's local part in any case): :func:`contact_owners_query`."""
    from unionline.runtime import current

    query = contact_owners_query(text)
    if query is None:
        return []
    rows = await current().db.fetch_as(OwnerRow, query.sql, *query.args)
    return [r.member_id for r in rows]


def _messenger_keys(text: str) -> list[str]:
    """Keys of a messenger user id (Telegram, VK) or a web visitor id ``text`` may be."""
    keys = []
    for kind in ("telegram", "vk", "web"):
        try:
            keys.append(normalize.contact_key(kind, normalize.contact(kind, text)))
        except Invalid:
            continue
    return keys


class OwnerRow(msgspec.Struct, frozen=True):
    member_id: uuid.UUID


class Subquery(msgspec.Struct, frozen=True):
    """A one-column SELECT with ``{}`` placeholders and their values, for another domain's
    statement to embed (the appeals search looks members up inside its own statement)."""

    sql: str
    args: tuple[Any, ...] = ()


def contact_owners_query(text: str) -> Subquery | None:
    """``SELECT member_id`` of the members holding the phone, e-mail, messenger id or visitor
    id ``text`` spells (as :func:`_contact_owners` finds them: an e-mail exactly, or else in any
    case of its local part); None when ``text`` spells none of them."""
    text = text.replace("\x00", "").strip()
    if "@" in text:
        try:
            key = normalize.contact_key("email", normalize.email(text))
        except Invalid:
            return None
        return Subquery(
            "SELECT c.member_id FROM member_contact_point c WHERE c.key = {}"
            " UNION ALL SELECT c.member_id FROM member_contact_point c WHERE LOWER(c.key) = {}"
            " AND NOT EXISTS (SELECT 1 FROM member_contact_point e WHERE e.key = {})",
            (key, key.lower(), key),
        )
    keys = _messenger_keys(text)
    if _PHONE_LIKE.match(text):
        with contextlib.suppress(Invalid):
            keys.append(normalize.contact_key("phone", normalize.phone(text)))
    if not keys:
        return None
    marks = ", ".join("{}" for _ in keys)
    return Subquery(
        f"SELECT c.member_id FROM member_contact_point c WHERE c.key IN ({marks})", tuple(keys)
    )


def name_tokens(text: str) -> list[str]:
    """The words of ``text`` as a name is searched (lower case, ё as е, no LIKE wildcards)."""
    tokens = [_LIKE_SPECIAL.sub("", t) for t in normalize.search_key(text).split(" ")]
    return [t for t in tokens if t]


def named_query(text: str, *, sqlite: bool, limit: int = NAMED_LIMIT) -> Subquery | None:
    """``SELECT id`` of at most ``limit`` members (not merged away) whose name holds every word
    of ``text``; None when the words have fewer than three letters in all (one letter would
    match everyone).

    PostgreSQL answers ``LIKE '%word%'`` from the pg_trgm index of the members migration of
    2026-12-07; SQLite from ``member_name_fts``, an FTS5 trigram table of the names kept by
    triggers (members migration of 2026-12-08), for the words of three characters or more
    (shorter ones never match a trigram) — the LIKEs on the names themselves decide.
    """
    tokens = name_tokens(text.replace("\x00", ""))
    if sum(ch.isalpha() for t in tokens for ch in t) < 3:
        return None
    likes = [f"%{t}%" for t in tokens]
    conditions = ["m.merged_into IS NULL", *("m.search_name LIKE {}" for _ in likes)]
    args: list[Any] = list(likes)
    indexed = [like for like, t in zip(likes, tokens, strict=True) if len(t) >= 3]
    if sqlite and indexed:
        trigrams = " AND ".join("f.search_name LIKE {}" for _ in indexed)
        conditions.append(
            "m.id IN (SELECT k.member_id FROM member_name_key k WHERE k.rowid IN"
            f" (SELECT f.rowid FROM member_name_fts f WHERE {trigrams}))"
        )
        args.extend(indexed)
    where = " AND ".join(conditions)
    return Subquery(
        f"SELECT m.id FROM member_member m WHERE {where} LIMIT {int(limit)}", tuple(args)
    )
