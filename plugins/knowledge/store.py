"""Rows of the knowledge base's tables as Structs, and the few statements every service shares."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec

from unionline import NotFound, current, now

ARTICLE_COLUMNS = (
    "id, family_id, base_id, organization_id, depth, override_mode, base_revision, category_id,"
    " visibility, status, publish_at, owner_id, created_by, tags, revision, title, body,"
    " published_revision, published_title, published_body, published_html, published_at,"
    " created_at, updated_at"
)


def columns(alias: str) -> str:
    """:data:`ARTICLE_COLUMNS` of a table named ``alias`` in a query."""
    return ", ".join(f"{alias}.{c.strip()}" for c in ARTICLE_COLUMNS.split(","))


class ArticleRow(msgspec.Struct, frozen=True, kw_only=True):
    """A row of ``knowledge_article`` (columns: :class:`.tables.Article`)."""

    id: uuid.UUID
    family_id: uuid.UUID
    base_id: uuid.UUID | None
    organization_id: uuid.UUID
    depth: int
    override_mode: str
    base_revision: int | None
    category_id: uuid.UUID | None
    visibility: str
    status: str
    publish_at: datetime | None
    owner_id: uuid.UUID | None
    created_by: uuid.UUID | None
    tags: list[str]
    revision: int
    title: str
    body: str
    published_revision: int | None
    published_title: str
    published_body: str
    published_html: str
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @property
    def live(self) -> bool:
        """Readers see it: published once, not archived."""
        return self.published_revision is not None and self.status != "archived"


class RankedRow(ArticleRow, frozen=True, kw_only=True):
    rank: float = 0.0


class RevisionRow(msgspec.Struct, frozen=True, kw_only=True):
    article_id: uuid.UUID
    number: int
    title: str
    body: str
    author_id: uuid.UUID | None
    note: str
    created_at: datetime


async def article(article_id: uuid.UUID, *, field: str = "id") -> ArticleRow:
    row = await current().db.fetch_one_as(
        ArticleRow, f"SELECT {ARTICLE_COLUMNS} FROM knowledge_article WHERE id = {{}}", article_id
    )
    if row is None:
        raise NotFound("article does not exist", field=field)
    return row


async def overrides_of(article_id: uuid.UUID) -> list[ArticleRow]:
    return await current().db.fetch_as(
        ArticleRow,
        f"SELECT {ARTICLE_COLUMNS} FROM knowledge_article WHERE base_id = {{}}",
        article_id,
    )


async def update(
    article_id: uuid.UUID, changes: dict[str, Any], *, revision: int | None = None
) -> ArticleRow | None:
    """Apply ``changes``; with ``revision``, only while the article is at that revision (a
    compare-and-set: None when another save came first)."""
    names = list(changes)
    sets = ", ".join(f"{n} = {{}}" for n in names)
    where, args = "id = {}", list[Any]([article_id])
    if revision is not None:
        where += " AND revision = {}"
        args.append(revision)
    return await current().db.fetch_one_as(
        ArticleRow,
        f"UPDATE knowledge_article SET {sets} WHERE {where} RETURNING {ARTICLE_COLUMNS}",
        *(changes[n] for n in names),
        *args,
    )


async def add_revision(
    article_id: uuid.UUID, number: int, title: str, body: str, author: uuid.UUID | None, note: str
) -> None:
    await current().db.execute(
        "INSERT INTO knowledge_revision (article_id, number, title, body, author_id, note,"
        " created_at) VALUES ({}, {}, {}, {}, {}, {}, {})",
        article_id,
        number,
        title,
        body,
        author,
        note,
        now(),
    )


async def revision(article_id: uuid.UUID, number: int) -> RevisionRow:
    row = await current().db.fetch_one_as(
        RevisionRow,
        "SELECT * FROM knowledge_revision WHERE article_id = {} AND number = {}",
        article_id,
        number,
    )
    if row is None:
        raise NotFound(f"revision {number} does not exist", field="revision")
    return row


async def revisions(article_id: uuid.UUID) -> list[RevisionRow]:
    return await current().db.fetch_as(
        RevisionRow,
        "SELECT * FROM knowledge_revision WHERE article_id = {} ORDER BY number DESC",
        article_id,
    )
