"""Listing and full-text search of appeals, scoped to what the actor may read.

PostgreSQL: one document per appeal in ``appeal_search`` — its number, subject and the bodies
of its messages, replies and notes as ``to_tsvector('russian', …) || to_tsvector('english',
…)`` (Russian morphology: "отпуска" finds "отпуск"), kept current by triggers and indexed with
GIN; the table also holds the appeal's organization and ``created_at``, so the planner may
read the newest appeals (of all or of one organization) in index order and stop after a page
(common words) or collect the few matches from GIN (rare ones).

SQLite: FTS5 tables kept in sync by triggers; query words are stemmed with Snowball and
matched as prefixes, so "отпуска" → ``"отпуск"*`` finds "отпуск", "отпуска", "отпуском".

Both fold ё to е. Tables, indexes and triggers come from this app's raw-SQL migrations.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

import msgspec
import snowballstemmer

from unionline.appeals import store
from unionline.appeals.schemas import AppealPage
from unionline.appeals.store import AppealRow
from unionline.errors import Invalid
from unionline.runtime import current

if TYPE_CHECKING:
    from unionline.members.search import Subquery

CONTENT = "('message_in', 'message_out', 'note')"
# Read as the documents are written (appeal_search_words of the raw migration).
PG_QUERY = (
    "(websearch_to_tsquery('russian', translate({}, 'Ёё', 'Ее'))"
    " || websearch_to_tsquery('english', translate({}, 'Ёё', 'Ее')))"
)
_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"^\S+-\d{4}-\d+$")  # numbering.format_number: only these are looked up
_CYRILLIC = re.compile(r"[а-я]")
_UNQUOTED = str.maketrans("${}\x00", "    ")


class AppealFilter(msgspec.Struct, kw_only=True):
    status: list[str] | None = None
    assignee: str | None = None  # "me", "none" or an operator id
    organization_id: uuid.UUID | None = None  # that organization and its subtree
    member_id: uuid.UUID | None = None
    channel: str | None = None
    tag: str | None = None
    priority: str | None = None
    queue_id: uuid.UUID | None = None
    q: str | None = None  # an exact number, a member's name/phone/e-mail/id, or full text


NAMED_APPEALS_LIMIT = 500


class Where:
    """One SELECT of the appeals page: SQL conditions and their parameters, built up in order;
    the words' SELECT on PostgreSQL adds the join of the appeals' documents and scopes and
    orders by their columns (its indexes)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.args: list[Any] = []
        self.join = ""
        self.organization = "a.organization_id"
        self.order = ("a.created_at", "a.id")

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


def pg_constant(text: str) -> str:
    """``text`` as a dollar-quoted SQL constant, ``$q$…$q$``, for the search words.

    The words are written into the statement rather than passed as a parameter so that the
    plan PostgreSQL keeps for a statement is a plan for those words: the driver prepares each
    statement once per connection, and after five runs the server may switch to a generic plan
    that cannot know how common the words are — for a common word the plan of a rare one
    (collect every match, then sort: 150 ms against 1–4 ms, measured at 1,000,000 messages), or
    the other way round. Nothing can end the constant early: every ``$`` becomes a space first,
    and so do ``{`` and ``}``, which the ``{}`` placeholders would read, and NUL, which
    PostgreSQL refuses; none of them means anything to ``websearch_to_tsquery``.
    """
    return "$q$" + text.translate(_UNQUOTED) + "$q$"


def _plain(f: AppealFilter) -> AppealFilter:
    """Drop NUL characters from free-text filters (PostgreSQL refuses them in text)."""
    texts = {
        name: getattr(f, name).replace("\x00", "")
        for name in ("channel", "tag", "q")
        if getattr(f, name) is not None
    }
    return msgspec.structs.replace(f, **texts)


def text_selects(q: str, *, postgres: bool) -> list[Where]:
    """The SELECTs that find ``q`` (non-blank), in one statement: an appeal number that exists
    is exactly that appeal; else a phone, e-mail, messenger or visitor id a member holds is that
    member's appeals; else the words (subject, messages, notes; on SQLite the number too) join
    the newest appeals of the members so named. Each later SELECT carries the earlier ones'
    conditions as ``NOT EXISTS`` gates — uncorrelated, so the database tests each once and
    skips the SELECT when one fails (PostgreSQL: a one-time filter). The member lookups are the
    members domain's subqueries (:mod:`unionline.members.search`)."""
    from unionline.members.search import contact_owners_query, named_query

    text = q.replace("\x00", "").strip()
    selects: list[Where] = []
    gates: list[tuple[str, tuple[Any, ...]]] = []
    number = text.upper()
    if _NUMBER.match(number):
        found = Where()
        found.add("a.number = {}", number)
        selects.append(found)
        gates.append(("NOT EXISTS (SELECT 1 FROM appeal_appeal n WHERE n.number = {})", (number,)))
    owners = contact_owners_query(text)
    if owners is not None:
        theirs = _gated(gates)
        theirs.add(f"a.member_id IN ({owners.sql})", *owners.args)
        selects.append(theirs)
        gates.append((f"NOT EXISTS ({owners.sql})", owners.args))
    words = _gated(gates)
    named = named_query(text, sqlite=not postgres)
    named_appeals = None
    if named is not None:
        named_appeals = msgspec.structs.replace(
            named,
            sql=f"SELECT x.id FROM appeal_appeal x WHERE x.member_id IN ({named.sql})"
            f" ORDER BY x.created_at DESC LIMIT {NAMED_APPEALS_LIMIT}",
        )
    add_words(words, q, named_appeals, postgres=postgres)
    selects.append(words)
    return selects


def _gated(gates: list[tuple[str, tuple[Any, ...]]]) -> Where:
    where = Where()
    for sql, args in gates:
        where.add(sql, *args)
    return where


def add_words(where: Where, q: str, named: Subquery | None, *, postgres: bool) -> None:
    """Appeals whose subject, messages or notes match ``q`` (SQLite: or whose number is
    ``q``), or among ``named`` (``SELECT id`` of appeals)."""
    if postgres:
        # The number is a phrase of the document ("ppo-2026-12" finds PPO-2026-12).
        where.join = " JOIN appeal_search s ON s.appeal_id = a.id"
        where.organization = "s.organization_id"
        where.order = ("s.created_at", "s.appeal_id")
        words = f"s.document @@ {PG_QUERY.replace('{}', pg_constant(q))}"
        if named is None:
            where.add(words)
        else:
            # ANY(ARRAY(…)): the named appeals, found once, are an index condition (a bitmap
            # beside the words' GIN) rather than a test of every row.
            where.add(f"({words} OR s.appeal_id = ANY (ARRAY ({named.sql})))", *named.args)
        return
    number = q.strip().upper()
    match = fts5_query(q)
    if match is None:
        where.add("a.number = {}", number)
        return
    # A union of index lookups rather than one OR, so each branch can use its index.
    union = (
        "SELECT n.id FROM appeal_appeal n WHERE n.number = {}"
        " UNION SELECT appeal_id FROM appeal_subject_fts WHERE appeal_subject_fts MATCH {}"
        f" UNION SELECT t.appeal_id FROM appeal_timeline t WHERE t.kind IN {CONTENT} AND t.id IN"
        " (SELECT rowid FROM appeal_timeline_fts WHERE appeal_timeline_fts MATCH {})"
    )
    args: list[Any] = [number, match, match]
    if named is not None:
        union += f" UNION SELECT * FROM ({named.sql})"
        args.extend(named.args)
    where.add(f"a.id IN ({union})", *args)


# -- listing ------------------------------------------------------------------------------


def encode_cursor(row: AppealRow) -> str:
    raw = f"{row.created_at.isoformat()}|{row.id}".encode()
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
    """The filters other than ``q`` (which :func:`text_selects` turns into SELECTs)."""
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


def selects_for(f: AppealFilter, *, postgres: bool) -> list[Where]:
    """The SELECTs whose union is the list ``f`` asks for (one unless ``q`` may be a number
    or a contact: :func:`text_selects`)."""
    q = _plain(f).q
    return text_selects(q, postgres=postgres) if q and q.strip() else [Where()]


def statement(
    selects: list[Where],
    f: AppealFilter,
    me: uuid.UUID,
    org_ids: list[uuid.UUID] | None,
    *,
    cursor: str | None,
    limit: int,
) -> tuple[str, list[Any]]:
    """The one statement of a page: each SELECT filtered, scoped to ``org_ids`` (None: all),
    after ``cursor``, newest first and stopping after a page; several are a UNION ALL of those
    pages, ordered and cut again."""
    after = decode_cursor(cursor) if cursor else None
    # The page size is written out too (a whole number): a plan cached for a LIMIT parameter
    # assumes a tenth of the rows and would not stop early.
    size = int(limit) + 1
    parts, args = [], []
    for where in selects:
        add_filters(where, f, me)
        if org_ids is not None:
            where.add(f"{where.organization} IN ({placeholders(org_ids)})", *org_ids)
        created, ident = where.order
        if after is not None:
            moment, last = after
            where.add(
                f"({created} < {{}} OR ({created} = {{}} AND {ident} < {{}}))", moment, moment, last
            )
        parts.append(
            f"SELECT a.* FROM appeal_appeal a{where.join} WHERE {where.sql()}"
            f" ORDER BY {created} DESC, {ident} DESC LIMIT {size}"
        )
        args.extend(where.args)
    if len(parts) == 1:
        return parts[0], args
    union = " UNION ALL ".join(f"SELECT * FROM ({part}) p{i}" for i, part in enumerate(parts))
    return f"SELECT * FROM ({union}) u ORDER BY created_at DESC, id DESC LIMIT {size}", args


async def page(
    f: AppealFilter,
    me: uuid.UUID,
    org_ids: list[uuid.UUID] | None,
    *,
    cursor: str | None,
    limit: int,
) -> AppealPage:
    """Appeals matching ``f`` within ``org_ids`` (None: all), newest first: one statement."""
    if org_ids is not None and not org_ids:
        return AppealPage(items=[], next_cursor=None)
    db = current().db
    selects = selects_for(f, postgres=db.is_postgres)
    sql, args = statement(selects, f, me, org_ids, cursor=cursor, limit=limit)
    rows = [store.decode(r) for r in await db.fetch(sql, *args)]
    more = len(rows) > limit
    rows = rows[:limit]
    return AppealPage(
        items=[store.view(r) for r in rows],
        next_cursor=encode_cursor(rows[-1]) if more and rows else None,
    )
