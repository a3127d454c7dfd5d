"""REST API of the knowledge base (docs/knowledge.md)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from litestar import Controller, Response, delete, get, post, put
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody, Parameter, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from unionline import TextQuery
from unionline.plugins.knowledge import (
    articles,
    categories,
    courses,
    drafts,
    files,
    reading,
    suggestions,
)
from unionline.plugins.knowledge.schemas import (
    MAX_INTEGER,
    ArticleBrief,
    ArticleCreate,
    ArticleFileView,
    ArticleSave,
    ArticleView,
    CategoryCreate,
    CategoryView,
    CourseBrief,
    CourseCreate,
    CourseView,
    DiffView,
    LessonAnswers,
    LessonResult,
    OverrideCreate,
    Rebase,
    RevisionBrief,
    RevisionView,
    SearchPage,
    StafferProgress,
    StatusChange,
    SuggestionAction,
    Suggestions,
)
from unionline.plugins.knowledge.viewer import viewer_for
from unionline.web import CurrentActor

UPLOAD_LIMIT = 26 * 1024 * 1024  # the channels' attachment limit decides; this bounds the body


@dataclass
class FileUpload:
    file: UploadFile


def file_response(found: files.FileBytes) -> Response[bytes]:
    """A file as a download (an image inline), never run as a page of ours."""
    fallback = found.name.encode("ascii", "replace").decode().replace("?", "_")
    kind = "inline" if found.inline else "attachment"
    return Response(
        content=found.content,
        media_type=found.content_type,
        headers={
            "Content-Disposition": f'{kind}; filename="{fallback}"; '
            f"filename*=UTF-8''{quote(found.name)}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


Limit = Annotated[int, QueryParameter(ge=1, le=100)]
Offset = Annotated[int, QueryParameter(ge=0, le=10_000)]
# A revision number in the path or the query: an INTEGER column (a bigger one answered 500).
Number = Annotated[int, Parameter(ge=0, le=MAX_INTEGER)]
QueryNumber = Annotated[int, QueryParameter(ge=0, le=MAX_INTEGER)]
Status = Annotated[
    str | None, QueryParameter(pattern=r"^(draft|review|scheduled|published|archived)$(?!\n)")
]


class ArticlesController(Controller):
    path = "/api/knowledge"
    tags = ("knowledge",)

    @get("/articles")
    async def list_articles(
        self,
        actor: CurrentActor,
        organization_id: FromQuery[uuid.UUID | None] = None,
        q: TextQuery = None,
        category_id: FromQuery[uuid.UUID | None] = None,
        tag: TextQuery = None,
        limit: Limit = 50,
        offset: Offset = 0,
        full: FromQuery[bool] = False,
    ) -> SearchPage:
        """What the caller reads from their organization (or ``organization_id`` of their
        scope): overrides resolved, matching ``q`` best first, else by title; ``full`` adds
        each article's text as a reply carries it. Requires ``knowledge.read``."""
        viewer = await viewer_for(actor, organization_id)
        return await reading.browse(
            viewer,
            q=q or "",
            category_id=category_id,
            tag=tag,
            limit=limit,
            offset=offset,
            full=full,
        )

    @get("/editing")
    async def editing_articles(
        self,
        actor: CurrentActor,
        status: Status = None,
        organization_id: FromQuery[uuid.UUID | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> list[ArticleBrief]:
        """Articles of the organizations the caller edits, in every status, latest change
        first. Requires ``knowledge.write``."""
        return await reading.editing(
            actor, status=status, organization_id=organization_id, limit=limit, offset=offset
        )

    @post("/articles")
    async def create_article(
        self, actor: CurrentActor, data: JSONBody[ArticleCreate]
    ) -> ArticleView:
        """A new article (a draft, revision 1). Requires ``knowledge.write`` there."""
        return await reading.view(actor, await articles.create(actor, data))

    @get("/articles/{article_id:uuid}")
    async def get_article(
        self, actor: CurrentActor, article_id: FromPath[uuid.UUID]
    ) -> ArticleView:
        """One article: its latest revision for its editors, what is published for readers."""
        return await reading.get(actor, article_id)

    @get("/articles/{article_id:uuid}/files")
    async def list_article_files(
        self, actor: CurrentActor, article_id: FromPath[uuid.UUID]
    ) -> list[ArticleFileView]:
        """The article's files and images, each with the Markdown that shows it."""
        return await files.listing(actor, article_id)

    @post("/articles/{article_id:uuid}/files", request_max_body_size=UPLOAD_LIMIT)
    async def upload_article_file(
        self,
        actor: CurrentActor,
        article_id: FromPath[uuid.UUID],
        data: Annotated[FileUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> ArticleFileView:
        """Add a file or an image (the multipart part ``file``; the channels' size and type
        limits). Requires ``knowledge.write`` over the article's organization."""
        content = await data.file.read()
        return await files.upload(
            actor, article_id, data.file.filename, data.file.content_type, content
        )

    @delete("/articles/{article_id:uuid}/files/{file_id:uuid}")
    async def delete_article_file(
        self, actor: CurrentActor, article_id: FromPath[uuid.UUID], file_id: FromPath[uuid.UUID]
    ) -> None:
        """Remove a file of the article (its editors)."""
        await files.remove(actor, article_id, file_id)

    @get("/files/{file_id:uuid}", media_type="*/*")
    async def download_article_file(
        self, actor: CurrentActor, file_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        """A file of an article the caller may read."""
        return file_response(await files.download(actor, file_id))

    @get("/families/{family_id:uuid}")
    async def read_family(
        self,
        actor: CurrentActor,
        family_id: FromPath[uuid.UUID],
        organization_id: FromQuery[uuid.UUID | None] = None,
    ) -> ArticleView:
        """What the caller sees of an article from their organization: its override there, else
        the nearest ancestor's, else the article itself."""
        return await reading.family(actor, family_id, organization_id)

    @put("/articles/{article_id:uuid}")
    async def save_article(
        self, actor: CurrentActor, article_id: FromPath[uuid.UUID], data: JSONBody[ArticleSave]
    ) -> ArticleView:
        """Save a new revision. 409 with the current text and a diff when ``revision`` is not
        the latest (someone saved in between)."""
        return await reading.view(actor, await articles.save(actor, article_id, data))

    @post("/articles/{article_id:uuid}/status")
    async def change_status(
        self, actor: CurrentActor, article_id: FromPath[uuid.UUID], data: JSONBody[StatusChange]
    ) -> ArticleView:
        """Review, publish (now or at ``at``), send back to draft or archive."""
        return await reading.view(actor, await articles.change_status(actor, article_id, data))

    @post("/articles/{article_id:uuid}/overrides")
    async def create_override(
        self, actor: CurrentActor, article_id: FromPath[uuid.UUID], data: JSONBody[OverrideCreate]
    ) -> ArticleView:
        """Override an ancestor organization's article for ``organization_id``'s subtree."""
        return await reading.view(actor, await articles.create_override(actor, article_id, data))

    @get("/articles/{article_id:uuid}/base-diff")
    async def base_diff(self, actor: CurrentActor, article_id: FromPath[uuid.UUID]) -> DiffView:
        """An override's base: what changed since the revision the override follows."""
        return await reading.base_diff(actor, article_id)

    @post("/articles/{article_id:uuid}/rebase")
    async def rebase(
        self, actor: CurrentActor, article_id: FromPath[uuid.UUID], data: JSONBody[Rebase]
    ) -> ArticleView:
        """The override follows the base's current revision from now on."""
        return await reading.view(actor, await articles.rebase(actor, article_id, data))

    @get("/articles/{article_id:uuid}/revisions")
    async def revisions(
        self, actor: CurrentActor, article_id: FromPath[uuid.UUID]
    ) -> list[RevisionBrief]:
        """Every saved revision, newest first. Requires ``knowledge.write``."""
        return await reading.history(actor, article_id)

    @get("/articles/{article_id:uuid}/revisions/{number:int}")
    async def revision(
        self, actor: CurrentActor, article_id: FromPath[uuid.UUID], number: Number
    ) -> RevisionView:
        return await reading.revision(actor, article_id, number)

    @post("/articles/{article_id:uuid}/revisions/{number:int}/restore")
    async def restore(
        self,
        actor: CurrentActor,
        article_id: FromPath[uuid.UUID],
        number: Number,
        data: JSONBody[Rebase],
    ) -> ArticleView:
        """A new revision with revision ``number``'s text (``base_revision``: the latest
        revision the editor saw)."""
        row = await articles.restore(actor, article_id, number, data.base_revision)
        return await reading.view(actor, row)

    @get("/articles/{article_id:uuid}/diff")
    async def diff(
        self,
        actor: CurrentActor,
        article_id: FromPath[uuid.UUID],
        old: QueryNumber,
        new: QueryNumber,
    ) -> DiffView:
        return await reading.compare(actor, article_id, old, new)

    @get("/categories")
    async def list_categories(
        self, actor: CurrentActor, organization_id: FromQuery[uuid.UUID | None] = None
    ) -> list[CategoryView]:
        return await reading.categories(await viewer_for(actor, organization_id))

    @post("/categories")
    async def create_category(
        self, actor: CurrentActor, data: JSONBody[CategoryCreate]
    ) -> CategoryView:
        return await categories.create(actor, data)

    @get("/appeals/{appeal_id:uuid}/suggestions")
    async def appeal_suggestions(
        self, actor: CurrentActor, appeal_id: FromPath[uuid.UUID]
    ) -> Suggestions:
        """The three articles that best match the member's last messages."""
        return await suggestions.for_appeal(actor, appeal_id)

    @post("/appeals/{appeal_id:uuid}/suggestions", status_code=HTTP_204_NO_CONTENT)
    async def suggestion_used(
        self, actor: CurrentActor, appeal_id: FromPath[uuid.UUID], data: JSONBody[SuggestionAction]
    ) -> None:
        """Log that a suggested article was inserted or opened."""
        await suggestions.record(actor, appeal_id, data)

    @post("/appeals/{appeal_id:uuid}/draft")
    async def draft_from_appeal(
        self, actor: CurrentActor, appeal_id: FromPath[uuid.UUID]
    ) -> ArticleView:
        """A draft article from a resolved appeal (its question and the replies)."""
        return await reading.view(actor, await drafts.from_appeal(actor, appeal_id))


class CoursesController(Controller):
    path = "/api/knowledge/courses"
    tags = ("knowledge",)

    @get("/mine")
    async def my_courses(self, actor: CurrentActor) -> list[CourseBrief]:
        """The onboarding courses for the caller's organization, with their progress."""
        return await courses.mine(actor)

    @post("/")
    async def create_course(self, actor: CurrentActor, data: JSONBody[CourseCreate]) -> CourseView:
        """A course of lessons (articles, optional quizzes). Requires ``knowledge.courses``."""
        row = await courses.create(actor, data)
        return await courses.get(actor, row.id)

    @get("/{course_id:uuid}")
    async def get_course(self, actor: CurrentActor, course_id: FromPath[uuid.UUID]) -> CourseView:
        """A course's lessons as the caller's organization reads them (quiz answers withheld)."""
        return await courses.get(actor, course_id)

    @post("/{course_id:uuid}/lessons/{lesson_id:uuid}/complete")
    async def complete_lesson(
        self,
        actor: CurrentActor,
        course_id: FromPath[uuid.UUID],
        lesson_id: FromPath[uuid.UUID],
        data: JSONBody[LessonAnswers],
    ) -> LessonResult:
        """Mark a lesson read; with a quiz, only when every answer is right."""
        return await courses.complete(actor, course_id, lesson_id, data)

    @get("/{course_id:uuid}/progress")
    async def course_progress(
        self, actor: CurrentActor, course_id: FromPath[uuid.UUID]
    ) -> list[StafferProgress]:
        """Who of the course's organization subtree completed what. Requires
        ``knowledge.courses``."""
        return await courses.progress(actor, course_id)
