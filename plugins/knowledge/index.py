"""Keeping the search index in step with what readers see: an article's published title, tags
and text are indexed when it is published and taken out when it is archived, in the caller's
transaction. PostgreSQL: ``search_vector`` (the 'russian' configuration). SQLite: the row of
``knowledge_fts`` keyed by ``knowledge_search_key``, holding Snowball stems. New words go to the
vocabulary (``knowledge_term``) that typo correction reads."""

from __future__ import annotations

import uuid

from unionline import current
from unionline.plugins.knowledge import morphology
from unionline.plugins.knowledge.store import ArticleRow
from unionline.plugins.knowledge.text import plain

_CHUNK = 400  # words per INSERT (SQLite allows 32,766 parameters)
PG_VECTOR = (
    "setweight(to_tsvector('russian', {}), 'A') || setweight(to_tsvector('russian', {}), 'B')"
    " || setweight(to_tsvector('russian', {}), 'C')"
)


class Document:
    """What is indexed of an article: folded title, tags and plain text."""

    def __init__(self, row: ArticleRow) -> None:
        self.title = morphology.fold(row.published_title)
        self.tags = morphology.fold(" ".join(row.tags))
        self.body = morphology.fold(plain(row.published_body))


async def reindex(row: ArticleRow) -> None:
    """Index what readers see of ``row`` (nothing when it is not live)."""
    if current().db.is_postgres:
        await _postgres(row)
    else:
        await _sqlite(row)
    if row.live:
        doc = Document(row)
        await add_terms(f"{doc.title} {doc.tags} {doc.body}")


async def _postgres(row: ArticleRow) -> None:
    db = current().db
    if not row.live:
        await db.execute("UPDATE knowledge_article SET search_vector = NULL WHERE id = {}", row.id)
        return
    doc = Document(row)
    await db.execute(
        f"UPDATE knowledge_article SET search_vector = {PG_VECTOR} WHERE id = {{}}",
        doc.title,
        doc.tags,
        doc.body,
        row.id,
    )


async def _key(article_id: uuid.UUID) -> int:
    db = current().db
    await db.execute(
        "INSERT INTO knowledge_search_key (article_id) VALUES ({})"
        " ON CONFLICT (article_id) DO NOTHING",
        article_id,
    )
    found = await db.fetchone(
        "SELECT rowid AS k FROM knowledge_search_key WHERE article_id = {}", article_id
    )
    assert found is not None
    return int(found["k"])


async def _sqlite(row: ArticleRow) -> None:
    db = current().db
    key = await _key(row.id)
    await db.execute("DELETE FROM knowledge_fts WHERE rowid = {}", key)
    if not row.live:
        return
    doc = Document(row)
    await db.execute(
        "INSERT INTO knowledge_fts (rowid, title, tags, body) VALUES ({}, {}, {}, {})",
        key,
        " ".join(morphology.stems(doc.title)),
        " ".join(morphology.stems(doc.tags)),
        " ".join(morphology.stems(doc.body)),
    )


def vocabulary(text: str) -> list[str]:
    """The words of ``text`` worth correcting a query towards: letters only, 4–40 long."""
    return sorted({w for w in morphology.words(text) if 4 <= len(w) <= 40 and w.isalpha()})


async def add_terms(text: str) -> None:
    db = current().db
    found = vocabulary(text)
    for start in range(0, len(found), _CHUNK):
        chunk = found[start : start + _CHUNK]
        marks = ", ".join("({})" for _ in chunk)
        added = await db.fetch(
            f"INSERT INTO knowledge_term (word) VALUES {marks}"
            " ON CONFLICT (word) DO NOTHING RETURNING word",
            *chunk,
        )
        if added and not db.is_postgres:
            marks = ", ".join("({})" for _ in added)
            await db.execute(
                f"INSERT INTO knowledge_term_fts (word) VALUES {marks}",
                *(r["word"] for r in added),
            )
