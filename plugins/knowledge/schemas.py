"""Knowledge base API bodies, views and events."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from unionline import Event, Text
from unionline.plugins.knowledge.text import DiffLine

Visibility = Literal["internal", "public"]
Status = Literal["draft", "review", "scheduled", "published", "archived"]
OverrideMode = Literal["whole", "sections"]
Title = Annotated[Text, msgspec.Meta(min_length=1, max_length=300)]
Body = Annotated[Text, msgspec.Meta(max_length=200_000)]
Tag = Annotated[Text, msgspec.Meta(min_length=1, max_length=60)]
Tags = Annotated[list[Tag], msgspec.Meta(max_length=30)]
# Revision numbers and positions are INTEGER columns: a bigger number is refused as the
# client's (400 naming it) instead of reaching the database (SQLite raised OverflowError: 500).
MAX_INTEGER = 2**31 - 1
RevisionNumber = Annotated[int, msgspec.Meta(ge=0, le=MAX_INTEGER)]
Position = Annotated[int, msgspec.Meta(ge=-MAX_INTEGER, le=MAX_INTEGER)]


class ArticleCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    organization_id: uuid.UUID  # whose article (a root organization: the federation's)
    title: Title
    body: Body = ""
    category_id: uuid.UUID | None = None
    visibility: Visibility = "internal"
    tags: Tags = msgspec.field(default_factory=list)
    owner_id: uuid.UUID | None = None  # who keeps it current (default: the author)


class OverrideCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    organization_id: uuid.UUID  # the organization whose subtree sees the override
    mode: OverrideMode = "whole"  # the whole text, or only the sections it has
    title: Annotated[Text, msgspec.Meta(max_length=300)] = ""  # "" keeps the base's
    body: Body = ""  # "" starts from the base's text (whole) or empty (sections)


class ArticleSave(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A save: ``revision`` is the revision the editor started from (409 when another save
    came first)."""

    revision: RevisionNumber
    title: Title
    body: Body
    category_id: uuid.UUID | None = None
    visibility: Visibility | None = None
    tags: Tags | None = None
    owner_id: uuid.UUID | None = None
    note: Annotated[Text, msgspec.Meta(max_length=300)] = ""


class StatusChange(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Move the article on: ``review`` (ask for review), ``published`` (now, or at ``at``),
    ``draft`` (send back), ``archived``."""

    status: Literal["draft", "review", "published", "archived"]
    revision: RevisionNumber  # the revision being reviewed or published
    at: datetime | None = None  # publish later (scheduled publishing)


class Rebase(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Accept the base's current revision: the override follows it from now on."""

    base_revision: RevisionNumber


class ArticleBrief(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    family_id: uuid.UUID
    organization_id: uuid.UUID
    is_override: bool
    title: str
    excerpt: str
    visibility: Visibility
    status: str
    category_id: uuid.UUID | None
    tags: list[str]
    revision: int
    published_revision: int | None
    updated_at: datetime
    base_changed: bool = False  # an override whose base was published again since
    rank: float | None = None  # search relevance (higher first)
    text: str = ""  # with ``full``: the published article as a member reads it in a reply
    link: str = ""  # a public article's address for members


class ArticleView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    family_id: uuid.UUID
    base_id: uuid.UUID | None
    organization_id: uuid.UUID
    override_mode: str
    base_revision: int | None
    base_published_revision: int | None  # the base's revision readers see now
    base_changed: bool  # «исходная статья изменилась»
    category_id: uuid.UUID | None
    visibility: Visibility
    status: str
    publish_at: datetime | None
    owner_id: uuid.UUID | None
    tags: list[str]
    revision: int
    title: str  # the latest revision (editors)
    body: str
    published_revision: int | None
    published_title: str  # what readers see
    published_body: str
    published_html: str
    published_tree: list[Any]  # the HTML as nodes {"t": tag, "a": attributes, "c": children}
    published_at: datetime | None
    updated_at: datetime
    can_edit: bool = False
    can_publish: bool = False
    link: str = ""  # a public article's address for members
    text: str = ""  # the published article as a member reads it in a reply


class ArticleFileView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    name: str
    content_type: str
    size: int
    uploaded_at: datetime
    url: str  # where the article's readers open it
    markdown: str  # what to put in the text: an image, or a link to the file


class RevisionView(msgspec.Struct, kw_only=True):
    number: int
    title: str
    body: str
    author_id: uuid.UUID | None
    note: str
    created_at: datetime


class RevisionBrief(msgspec.Struct, kw_only=True):
    number: int
    title: str
    author_id: uuid.UUID | None
    note: str
    created_at: datetime


class DiffView(msgspec.Struct, kw_only=True):
    old: int
    new: int
    title_changed: bool
    lines: list[DiffLine]


class SearchPage(msgspec.Struct, kw_only=True):
    query: str
    corrected: str | None  # «Возможно, вы искали»: the query with mistyped words corrected
    items: list[ArticleBrief]


class CategoryCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    organization_id: uuid.UUID
    title: Annotated[Text, msgspec.Meta(min_length=1, max_length=200)]
    parent_id: uuid.UUID | None = None
    position: Position = 0


class CategoryView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    parent_id: uuid.UUID | None
    title: str
    position: int


class Suggestion(msgspec.Struct, kw_only=True):
    article_id: uuid.UUID
    title: str
    excerpt: str
    visibility: Visibility
    link: str  # "" for internal articles
    rank: float
    text: str  # the article as a member reads it in a reply (what «Вставить текст» inserts)


class Suggestions(msgspec.Struct, kw_only=True):
    appeal_id: uuid.UUID
    items: list[Suggestion]


class SuggestionAction(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    article_id: uuid.UUID
    action: Literal["inserted_text", "inserted_link", "opened"]
    rank: Annotated[int, msgspec.Meta(ge=0, le=100)] = 0


class ArticlePublished(Event, kw_only=True, tag="knowledge.article_published"):
    """An article (or an override) was published; ``organization_id`` owns it."""

    article_id: uuid.UUID
    family_id: uuid.UUID
    revision: int


class QuizQuestion(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    question: Annotated[Text, msgspec.Meta(min_length=1, max_length=500)]
    options: Annotated[
        list[Annotated[Text, msgspec.Meta(max_length=300)]],
        msgspec.Meta(min_length=2, max_length=8),
    ]
    answer: Annotated[int, msgspec.Meta(ge=0, le=7)]  # the index of the right option


class LessonCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    article_id: (
        uuid.UUID
    )  # an article (its family: each staffer reads their organization's version)
    quiz: Annotated[list[QuizQuestion], msgspec.Meta(max_length=10)] = msgspec.field(
        default_factory=list
    )


class CourseCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    organization_id: uuid.UUID  # staff of its subtree take the course
    title: Annotated[Text, msgspec.Meta(min_length=1, max_length=200)]
    description: Annotated[Text, msgspec.Meta(max_length=2000)] = ""
    for_new_operators: bool = True
    lessons: Annotated[list[LessonCreate], msgspec.Meta(min_length=1, max_length=50)]


class CourseBrief(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    title: str
    description: str
    lessons: int
    completed: int  # lessons the caller completed
    offered: bool  # offered at sign-in: a course for new operators not yet completed


class LessonView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    position: int
    article_id: uuid.UUID
    title: str
    tree: list[Any]  # the article as the caller's organization sees it
    questions: list[dict[str, Any]]  # {question, options}: the answers stay on the server
    done: bool
    score: int | None


class CourseView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    title: str
    description: str
    lessons: list[LessonView]


class LessonAnswers(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    answers: Annotated[list[int], msgspec.Meta(max_length=10)] = msgspec.field(default_factory=list)


class LessonResult(msgspec.Struct, kw_only=True):
    passed: bool
    correct: int
    total: int
    wrong: list[int]  # the questions answered wrongly (by index)


class StafferProgress(msgspec.Struct, kw_only=True):
    operator_id: uuid.UUID
    name: str
    login: str
    completed: int
    lessons: int
    finished_at: datetime | None  # when the last lesson was completed, once all are
