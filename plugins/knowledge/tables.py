"""The knowledge base's tables: articles (a federation's, an organization's own, and overrides
of either for an organization's subtree), their revisions, categories, the suggestions log and
onboarding courses. Cross-domain ids (organizations, operators, appeals) are plain UUIDs.

The search index is not here: raw-SQL migrations add ``knowledge_article.search_vector`` with
its GIN index on PostgreSQL, and the FTS5 tables ``knowledge_fts`` (stemmed words) and
``knowledge_term_fts`` (the vocabulary's trigrams, for typos) on SQLite.
"""

from __future__ import annotations

from piccolo.columns import (
    UUID,
    Boolean,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class Category(Table, tablename="knowledge_category"):
    """A section of the base («Регламенты», «Инструкции»); an organization's own."""

    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)
    parent_id = UUID(null=True, default=None, index=True)
    title = Varchar(length=200)
    position = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class Article(Table, tablename="knowledge_article"):
    """An article as its editors hold it (``title``/``body``, revision ``revision``, in
    ``status``) and as readers see it (``published_*``, revision ``published_revision``).

    ``family_id`` is the article an override overrides (its own id otherwise); ``depth`` is its
    organization's depth in the tree: among the live rows of a family owned by a reader's
    organization or its ancestors, the deepest is what the reader sees."""

    # Small columns first: a search reads these for every match, and SQLite reads a row's
    # columns in order (the long texts at the end stay on their overflow pages).
    id = UUID(primary_key=True, default=UUID4())
    family_id = UUID(index=True)
    depth = Integer(default=0)
    organization_id = UUID(index=True)
    # draft, review, scheduled, published, archived
    status = Varchar(length=20, default="draft", index=True)
    published_revision = Integer(null=True, default=None)
    visibility = Varchar(length=20, default="internal")  # internal, public
    updated_at = Timestamptz(default=TimestamptzNow())
    base_id = UUID(null=True, default=None, index=True)  # the article overridden (None: original)
    override_mode = Varchar(length=20, default="")  # "", "whole", "sections"
    base_revision = Integer(null=True, default=None)  # the base's revision an override follows
    category_id = UUID(null=True, default=None, index=True)
    publish_at = Timestamptz(null=True, default=None)
    owner_id = UUID(null=True, default=None)
    created_by = UUID(null=True, default=None)
    revision = Integer(default=1)
    published_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    tags = Text(default="[]")  # JSON list of words
    title = Varchar(length=300)
    published_title = Varchar(length=300, default="")
    body = Text(default="")
    published_body = Text(default="")  # what readers see (an override's sections merged in)
    published_html = Text(default="")


class Revision(Table, tablename="knowledge_revision"):
    """Every save of an article (``number`` counts from 1; unique per article)."""

    id = Serial(primary_key=True)
    article_id = UUID(index=True)
    number = Integer()
    title = Varchar(length=300)
    body = Text(default="")
    author_id = UUID(null=True, default=None)
    note = Varchar(length=300, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Term(Table, tablename="knowledge_term"):
    """A word of the published articles (folded), for correcting a mistyped query word."""

    word = Varchar(length=100, primary_key=True)


class SuggestionLog(Table, tablename="knowledge_suggestion_log"):
    """What was suggested for an appeal and what the operator did with it."""

    id = Serial(primary_key=True)
    appeal_id = UUID(index=True)
    organization_id = UUID(index=True)
    article_id = UUID(index=True)
    operator_id = UUID(null=True, default=None)
    action = Varchar(length=20)  # shown, inserted_text, inserted_link, opened
    rank = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)


class Course(Table, tablename="knowledge_course"):
    """An onboarding course of an organization: ordered lessons, each an article."""

    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)
    title = Varchar(length=200)
    description = Text(default="")
    for_new_operators = Boolean(default=True)  # offered at a new operator's first sign-in
    archived = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class Lesson(Table, tablename="knowledge_lesson"):
    id = UUID(primary_key=True, default=UUID4())
    course_id = UUID(index=True)
    position = Integer(default=0)
    article_id = UUID()
    quiz = Text(default="[]")  # JSON: [{question, options, answer}]


class Progress(Table, tablename="knowledge_progress"):
    """A staffer's completion of one lesson (unique per operator and lesson)."""

    id = Serial(primary_key=True)
    course_id = UUID(index=True)
    lesson_id = UUID()
    operator_id = UUID(index=True)
    score = Integer(null=True, default=None)  # correct quiz answers (None: no quiz)
    completed_at = Timestamptz(default=TimestamptzNow())


class ArticleFile(Table, tablename="knowledge_file"):
    """A file or image of an article: its bytes in the core's attachment storage (``sha256``)."""

    id = UUID(primary_key=True, default=UUID4())
    article_id = UUID(index=True)
    name = Varchar(length=255)
    content_type = Varchar(length=120, default="application/octet-stream")
    size = Integer(default=0)
    sha256 = Varchar(length=64, index=True)
    uploaded_by = UUID(null=True, default=None)
    uploaded_at = Timestamptz(default=TimestamptzNow())
