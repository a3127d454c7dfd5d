"""Listing and full-text search of appeals, scoped to what the actor may read.

PostgreSQL: expression GIN indexes over ``to_tsvector('russian', …) || to_tsvector('english',
…)`` of subjects and message bodies (Russian morphology: "отпуска" finds "отпуск").
SQLite: FTS5 tables kept in sync by triggers; query words are stemmed with Snowball and
matched as prefixes, so "отпуска" → ``"отпуск"*`` finds "отпуск", "отпуска", "отпуском".
Both fold ё to е. The indexes are created by the raw-SQL migration of this app.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from datetime import datetime
from functools import cache
from typing import Any

import msgspec
import snowballstemmer

from unionline.appeals import store
from unionline.appeals.schemas import AppealPage
from unionline.errors import Invalid
from unionline.runtime import current

CONTENT = "('message_in', 'message_out', 'note')"
# Keep in step with the expression indexes of the raw migration (the planner matches text).
PG_DOCUMENT = (
    "(to_tsvector('russian', translate({col}, 'Ёё', 'Ее'))"
    " || to_tsvector('english', translate({col}, 'Ёё', 'Ее')))"
)
PG_QUERY = (
    "(websearch_to_tsquery('russian', translate({}, 'Ёё', 'Ее'))"
    " || websearch_to_tsquery('english', translate({}, 'Ёё', 'Ее')))"
)
_WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-я]")


class AppealFilter(msgspec.Struct, kw_only=True):
    status: list[str] | None = None
    assignee: str | None = None  # "me", "none" or an operator id
    organization_id: uuid.UUID | None = None  # that organization and its subtree
    member_id: uuid.UUID | None = None
    channel: str | None = None
    tag: str | None = None
    priority: str | None = None
    queue_id: uuid.UUID | None = None
    q: str | None = None  # full text over subjects and messages, or an exact number


class Where:
    """SQL conditions and their parameters, built up in order."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.args: list[Any] = []

    def add(self, sql: str, *args: Any) -> None:
        self.parts.append(sql)
        self.args.extend(args)

    def sql(self) -> str:
        return " AND ".join(self.parts) or "1 = 1"


def placeholders(values: list[Any]) -> str:
    return ", ".join("{}" for _ in values)


# -- full text ------------------------------------------------------------------------------


@cache
def _stemmer(language: str) -> Any:
    return snowballstemmer.stemmer(language)


def fold(text: str) -> str:
    return text.replace("ё", "е").replace("Ё", "Е")


def fts5_query(text: str) -> str | None:
    """An FTS5 MATCH expression: every word (stemmed) as a quoted prefix, all required."""
    terms = []
    for word in _WORD.findall(fold(text.lower())):
        language = "russian" if _CYRILLIC.search(word) else "english"
        stem = _stemmer(language).stemWord(word) or word
        terms.append('"' + stem.replace('"', "") + '"*')
    return " ".join(terms) or None


def _plain(f: AppealFilter) -> AppealFilter:
    """Drop NUL characters from free-text filters (PostgreSQL refuses them in text)."""
    texts = {
        name: getattr(f, name).replace("\x00", "")
        for name in ("channel", "tag", "q")
        if getattr(f, name) is not None
    }
    return msgspec.structs.replace(f, **texts)


def add_text_search(where: Where, q: str) -> None:
    """Appeals whose number is ``q``, or whose subject or a message or note matches it.

    A union of three index lookups rather than one OR, so each branch can use its index.
    """
    number = q.strip().upper()
    if current().db.is_postgres:
        query = PG_QUERY.replace("{}", "{q}")
        subjects = (
            f"SELECT s.id FROM appeal_appeal s WHERE {PG_DOCUMENT.format(col='s.subject')}"
            f" @@ {query}"
        )
        bodies = (
            f"SELECT t.appeal_id FROM appeal_timeline t WHERE t.kind IN {CONTENT}"
            f" AND {PG_DOCUMENT.format(col='t.body')} @@ {query}"
        )
        n = 2
    else:
        match = fts5_query(q)
        if match is None:
            where.add("a.number = {}", number)
            return
        subjects = "SELECT appeal_id FROM appeal_subject_fts WHERE appeal_subject_fts MATCH {q}"
        bodies = (
            f"SELECT t.appeal_id FROM appeal_timeline t WHERE t.kind IN {CONTENT} AND t.id IN"
            " (SELECT rowid FROM appeal_timeline_fts WHERE appeal_timeline_fts MATCH {q})"
        )
        q, n = match, 1
    sql = (
        f"a.id IN (SELECT n.id FROM appeal_appeal n WHERE n.number = {{}}"
        f" UNION {subjects} UNION {bodies})"
    ).replace("{q}", "{}")
    where.add(sql, number, *([q] * n), *([q] * n))


# -- listing ------------------------------------------------------------------------------


def encode_cursor(row: dict[str, Any]) -> str:
    raw = f"{row['created_at'].isoformat()}|{row['id']}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, ident = raw.split("|")
        created = datetime.fromisoformat(moment)
        if created.tzinfo is None:
            raise ValueError(moment)
        return created, uuid.UUID(ident)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise Invalid("cursor is not one this API returned", field="cursor") from None


def add_filters(where: Where, f: AppealFilter, me: uuid.UUID) -> None:
    f = _plain(f)
    if f.status:
        where.add(f"a.status IN ({placeholders(f.status)})", *f.status)
    if f.assignee == "me":
        where.add("a.assignee_id = {}", me)
    elif f.assignee == "none":
        where.add("a.assignee_id IS NULL")
    elif f.assignee:
        try:
            where.add("a.assignee_id = {}", uuid.UUID(f.assignee))
        except ValueError:
            raise Invalid(
                "assignee must be 'me', 'none' or an operator id", field="assignee"
            ) from None
    for name in ("member_id", "channel", "priority", "queue_id"):
        value = getattr(f, name)
        if value is not None:
            where.add(f"a.{name} = {{}}", value)
    if f.tag:
        where.add(
            "EXISTS (SELECT 1 FROM appeal_tag g WHERE g.appeal_id = a.id AND g.tag = {})",
            f.tag.strip().lower(),
        )
    if f.q and f.q.strip():
        add_text_search(where, f.q)


async def page(
    where: Where, org_ids: list[uuid.UUID] | None, *, cursor: str | None, limit: int
) -> AppealPage:
    """Appeals matching ``where`` within ``org_ids`` (None: all), newest first."""
    if org_ids is not None:
        if not org_ids:
            return AppealPage(items=[], next_cursor=None)
        where.add(f"a.organization_id IN ({placeholders(org_ids)})", *org_ids)
    if cursor:
        created, ident = decode_cursor(cursor)
        where.add(
            "(a.created_at < {} OR (a.created_at = {} AND a.id < {}))", created, created, ident
        )
    rows = await current().db.fetch(
        f"SELECT a.* FROM appeal_appeal a WHERE {where.sql()}"
        " ORDER BY a.created_at DESC, a.id DESC LIMIT {}",
        *where.args,
        limit + 1,
    )
    rows = [store.normalize(r) for r in rows]
    more = len(rows) > limit
    rows = rows[:limit]
    return AppealPage(
        items=[store.view(r) for r in rows],
        next_cursor=encode_cursor(rows[-1]) if more and rows else None,
    )
