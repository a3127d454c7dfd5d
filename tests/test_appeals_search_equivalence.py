"""The appeals search as one statement (#13 item 9) finds exactly what the search of looking
members and numbers up first found: the earlier code is kept here as the reference, and both
answer the same generated queries (names, parts of names, phones in any spelling, e-mails in
any case, messenger ids, numbers that exist or not, words, junk) with the same filters, scopes
and pages. Both engines."""

from __future__ import annotations

import contextlib
import random
import re
import uuid
from typing import Any

from appeals_support import inbound, make_org

from unionline.appeals import services, store
from unionline.appeals.schemas import AppealPage
from unionline.appeals.search import (
    CONTENT,
    NAMED_APPEALS_LIMIT,
    PG_QUERY,
    AppealFilter,
    decode_cursor,
    encode_cursor,
    fts5_query,
    pg_constant,
    placeholders,
)
from unionline.errors import Invalid
from unionline.members import normalize
from unionline.members import services as members
from unionline.members.schemas import MemberUpdate
from unionline.organizations.services import subtree_ids
from unionline.runtime import current
from unionline.testing import AppHarness

NAMES = ["Анна Смирнова", "Анна Смирнов", "Пётр Иванов", "Иван Петров", "Дарья Ёлкина",
         "Alex Smith", "Ann Smithson", "Ольга Иванова-Петрова"]  # fmt: skip
TEXTS = ["Когда дадут отпуск?", "Зарплата задерживается", "Анна просит перезвонить",
         "Иванов из цеха 3 жалуется", "Vacation schedule for Smith", "Позвоните 8 912 345-67-89",
         "Ёлка для детей", "Overtime is not paid"]  # fmt: skip
EMAIL = re.compile(r"^[^@]+@[^@]+$")


# -- the reference: the search as it was before it became one statement ----------------------

_NUMBER = re.compile(r"^\S+-\d{4}-\d+$")
_PHONE_LIKE = re.compile(r"^\+?[\d\s().-]{7,25}$")
_LIKE_SPECIAL = re.compile(r"[%_\\]")


async def _owners(sql: str, *args: Any) -> list[uuid.UUID]:
    rows = await current().db.fetch(
        f"SELECT member_id FROM member_contact_point WHERE {sql}", *args
    )
    return [uuid.UUID(str(r["member_id"])) for r in rows]


async def old_contact_owners(text: str) -> list[uuid.UUID]:
    try:
        if "@" in text:
            key = normalize.contact_key("email", normalize.email(text))
            return await _owners("key = {}", key) or await _owners("LOWER(key) = {}", key.lower())
        keys = []
        for kind in ("telegram", "vk", "web"):
            with contextlib.suppress(Invalid):
                keys.append(normalize.contact_key(kind, normalize.contact(kind, text)))
        if _PHONE_LIKE.match(text):
            with contextlib.suppress(Invalid):
                keys.append(normalize.contact_key("phone", normalize.phone(text)))
        return await _owners(f"key IN ({placeholders(keys)})", *keys) if keys else []
    except Invalid:
        return []


async def old_members_matching(q: str) -> tuple[list[uuid.UUID], bool]:
    text = q.replace("\x00", "").strip()
    owners = await old_contact_owners(text)
    if owners:
        return sorted(set(owners)), True
    tokens = [_LIKE_SPECIAL.sub("", t) for t in normalize.search_key(text).split(" ")]
    tokens = [t for t in tokens if t]
    if sum(ch.isalpha() for t in tokens for ch in t) < 3:
        return [], False
    likes = " AND ".join("search_name LIKE {}" for _ in tokens)
    rows = await current().db.fetch(
        f"SELECT id FROM member_member WHERE merged_into IS NULL AND {likes} LIMIT 50",
        *[f"%{t}%" for t in tokens],
    )
    return [uuid.UUID(str(r["id"])) for r in rows], False


async def old_page(f: AppealFilter, org_ids: list[uuid.UUID] | None, cursor: str | None,
                   limit: int) -> AppealPage:  # fmt: skip
    db = current().db
    parts: list[str] = []
    args: list[Any] = []
    join, organization, order = "", "a.organization_id", ("a.created_at", "a.id")
    q = (f.q or "").replace("\x00", "")
    if f.status:
        parts.append(f"a.status IN ({placeholders(f.status)})")
        args += f.status
    if q.strip():
        text, number, named = q.strip(), q.strip().upper(), []
        found = _NUMBER.match(number) and await db.fetchone(
            "SELECT id FROM appeal_appeal WHERE number = {}", number
        )
        ids, by_contact = ([], False) if found else await old_members_matching(text)
        if not found and ids and not by_contact:
            rows = await db.fetch(
                f"SELECT id FROM appeal_appeal WHERE member_id IN ({placeholders(ids)})"
                f" ORDER BY created_at DESC LIMIT {NAMED_APPEALS_LIMIT}",
                *ids,
            )
            named = [r["id"] for r in rows]
        if found:
            parts.append("a.number = {}")
            args.append(number)
        elif by_contact:
            parts.append(f"a.member_id IN ({placeholders(ids)})")
            args += ids
        elif db.is_postgres:
            join = " JOIN appeal_search s ON s.appeal_id = a.id"
            organization, order = "s.organization_id", ("s.created_at", "s.appeal_id")
            words = f"s.document @@ {PG_QUERY.replace('{}', pg_constant(q))}"
            parts.append(f"({words} OR s.appeal_id IN ({placeholders(named)}))" if named else words)
            args += named
        elif (match := fts5_query(q)) is None:
            parts.append("a.number = {}")
            args.append(number)
        else:
            union = (
                "SELECT n.id FROM appeal_appeal n WHERE n.number = {}"
                " UNION SELECT appeal_id FROM appeal_subject_fts WHERE appeal_subject_fts MATCH {}"
                f" UNION SELECT t.appeal_id FROM appeal_timeline t WHERE t.kind IN {CONTENT}"
                " AND t.id IN (SELECT rowid FROM appeal_timeline_fts"
                " WHERE appeal_timeline_fts MATCH {})"
            )
            if named:
                union += (
                    f" UNION SELECT m.id FROM appeal_appeal m WHERE m.id IN ({placeholders(named)})"
                )
            parts.append(f"a.id IN ({union})")
            args += [number, match, match, *named]
    if org_ids is not None:
        if not org_ids:
            return AppealPage(items=[], next_cursor=None)
        parts.append(f"{organization} IN ({placeholders(org_ids)})")
        args += org_ids
    created, ident = order
    if cursor:
        moment, last = decode_cursor(cursor)
        parts.append(f"({created} < {{}} OR ({created} = {{}} AND {ident} < {{}}))")
        args += [moment, moment, last]
    sql = (
        f"SELECT a.* FROM appeal_appeal a{join} WHERE {' AND '.join(parts) or '1 = 1'}"
        f" ORDER BY {created} DESC, {ident} DESC LIMIT {limit + 1}"
    )
    rows = [store.decode(r) for r in await db.fetch(sql, *args)]
    more = len(rows) > limit
    rows = rows[:limit]
    return AppealPage(
        items=[store.view(r) for r in rows],
        next_cursor=encode_cursor(rows[-1]) if more and rows else None,
    )


# -- the corpus and the queries -----------------------------------------------------------------


async def corpus(h: AppHarness, rng: random.Random) -> dict[str, Any]:
    parent = await make_org(h, "EQP")
    child = await make_org(h, "EQC", parent)
    other = await make_org(h, "EQO")
    orgs = [parent, child, other]
    people, numbers, phones, emails = [], [], [], []
    for i, name in enumerate(NAMES):
        phone = f"+7 912 {i:03d}-{i:02d}-{i + 10:02d}"
        # Two members' e-mails differ only in the case of the local part.
        email = f"{'Member' if i == 7 else 'member'}{i % 7}@Union.example"
        member = await members.create_member(
            None, orgs[i % 3], full_name=name,
            contacts=[("phone", phone), ("email", email), ("telegram", str(7000 + i))],
        )  # fmt: skip
        people.append(member)
        phones.append(phone)
        emails.append(email)
    for k in range(24):
        member = people[k % len(people)]
        org = orgs[(k % len(people)) % 3]
        channel = ("telegram", "email", "vk", "web")[k % 4]
        # Some messages name another member's contacts or an earlier appeal's number.
        text = rng.choice([*TEXTS, f"Мой телеграм {7000 + k % 5}", f"Пишите на {emails[k % 8]}",
                           f"По обращению {numbers[-1] if numbers else ''}"])  # fmt: skip
        appeal, _ = await inbound(org, member, text, channel=channel)
        numbers.append(appeal.number)
    # A member renamed (SQLite's trigram table follows) and one merged away (never found by name).
    await members.update_member(None, people[2], MemberUpdate(full_name="Пётр Сидоренко"))
    await current().db.execute(
        "UPDATE member_member SET merged_into = {} WHERE id = {}", people[0], people[1]
    )
    return {"orgs": orgs, "numbers": numbers, "phones": phones, "emails": emails}


def queries(data: dict[str, Any], rng: random.Random) -> list[str]:
    fixed = ["анна", "Смирнов", "смир", "анна смир", "ан", "иван", "Иванов", "петров",
             "ёлкина", "елкина", "smith", "Alex", "зарплата", "отпуск", "анна перезвонить",
             "Overtime", "vacation", "7003", "7000", "0", "12345", "%", "_", "a%b", "\\",
             "anna@union.example", "nobody@union.example", "@", "x@", "ZZ-2026-1",
             "EQP-2026-999", "+7 (912) 001-01-11", "89120010111", "9120010111", "912 345-67-89",
             "345-67-89", "...", "\x00анна", "   ", "ann smith", "-отпуск", '"', "*",
             "сидоренко", "пётр"]  # fmt: skip
    found = [*data["numbers"], *(n.lower() for n in data["numbers"]), *data["phones"],
             *data["emails"], *(e.lower() for e in data["emails"]),
             *(e.upper() for e in data["emails"])]  # fmt: skip
    words = [w for t in TEXTS + NAMES for w in t.split()]
    made = [" ".join(rng.sample(words, rng.randrange(1, 3))) for _ in range(30)]
    made += ["".join(rng.sample(w, len(w)))[: rng.randrange(2, 6)] for w in rng.sample(words, 15)]
    made += [w[: rng.randrange(1, len(w) + 1)] for w in rng.sample(words, 15)]
    return fixed + found + made


async def test_one_statement_finds_what_the_lookups_found(unionline_app: AppHarness) -> None:
    rng = random.Random(13)
    data = await corpus(unionline_app, rng)
    parent, child, _ = data["orgs"]
    scopes: list[tuple[uuid.UUID | None, list[uuid.UUID] | None]] = [
        (None, None),
        (parent, sorted(await subtree_ids([parent]))),
        (child, [child]),
    ]
    checked = found = 0
    for q in queries(data, rng):
        for organization, org_ids in scopes:
            status = rng.choice([None, None, ["new"], ["new", "open"]])
            f = AppealFilter(q=q, organization_id=organization, status=status)
            cursor: str | None = None
            for _ in range(20):  # every page, three appeals at a time
                got = await services.list_appeals(None, f, cursor=cursor, limit=3)
                want = await old_page(f, org_ids, cursor, 3)
                assert [a.id for a in got.items] == [a.id for a in want.items], (q, f, cursor)
                assert got.next_cursor == want.next_cursor, (q, f, cursor)
                checked += 1
                found += bool(got.items)
                cursor = got.next_cursor
                if cursor is None:
                    break
    assert checked > 400 and found > 150, (checked, found)
