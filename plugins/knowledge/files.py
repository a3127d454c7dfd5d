"""Files and images of an article: the bytes go to the core's attachment storage (the same
store, size limit and accepted types as the files of replies, ``unionline.channel``); the
plugin keeps a row per file (``knowledge_file``; its ``sha256`` column holds the bytes against
the storage sweep). Its editors upload; whoever may read the article downloads
(``/api/knowledge/files/{id}``); members open the files of a published public article without
signing in (``/kb/files/{id}``). An upload answers the Markdown to put in the text — an image
as ``![name](…)``, anything else as a link — and publishing writes the address that fits the
article's visibility into its HTML."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from unionline import Actor, Forbidden, Invalid, NotFound, current, now, scope_for
from unionline.channel import clean_name, clean_type, refusal, release_stored, storage
from unionline.plugins.knowledge import store
from unionline.plugins.knowledge.reading import readable
from unionline.plugins.knowledge.schemas import ArticleFileView
from unionline.plugins.knowledge.viewer import WRITE

IMAGES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
PRIVATE = "/api/knowledge/files/"
PUBLIC = "/kb/files/"


class _Row(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    article_id: uuid.UUID
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: uuid.UUID | None
    uploaded_at: datetime


class FileBytes(msgspec.Struct, kw_only=True):
    name: str
    content_type: str
    content: bytes
    inline: bool


def address(file_id: uuid.UUID, public: bool) -> str:
    return f"{PUBLIC if public else PRIVATE}{file_id}"


def for_visibility(html: str, public: bool) -> str:
    """An article's HTML with its files' addresses fitting its visibility: members reach a
    public article's files at ``/kb/files/``, staff an internal one's through the API."""
    return html.replace(PRIVATE, PUBLIC) if public else html.replace(PUBLIC, PRIVATE)


def _view(row: _Row, public: bool) -> ArticleFileView:
    link = address(row.id, public)
    image = row.content_type in IMAGES
    label = row.name.replace("[", "(").replace("]", ")")
    return ArticleFileView(
        id=row.id,
        name=row.name,
        content_type=row.content_type,
        size=row.size,
        uploaded_at=row.uploaded_at,
        url=link,
        markdown=f"![{label}]({link})" if image else f"[{label}]({link})",
    )


async def _editable(actor: Actor, article_id: uuid.UUID) -> store.ArticleRow:
    actor.require(WRITE)
    row = await store.article(article_id)
    if not await readable(actor, row):
        raise NotFound("article does not exist", field="id")
    if not (await scope_for(actor, WRITE)).allows(row.organization_id):
        raise Forbidden("only the article's editors add files to it", field="id")
    return row


async def listing(actor: Actor, article_id: uuid.UUID) -> list[ArticleFileView]:
    row = await store.article(article_id)
    if not await readable(actor, row):
        raise NotFound("article does not exist", field="id")
    rows = await current().db.fetch_as(
        _Row,
        "SELECT * FROM knowledge_file WHERE article_id = {} ORDER BY uploaded_at, id",
        article_id,
    )
    return [_view(r, row.visibility == "public") for r in rows]


async def upload(
    actor: Actor, article_id: uuid.UUID, filename: str, content_type: str, content: bytes
) -> ArticleFileView:
    row = await _editable(actor, article_id)
    kind = clean_type(content_type)
    if not content:
        raise Invalid("the file is empty", field="file")
    reason = refusal(kind, len(content))
    if reason:
        raise Invalid(reason, field="file")
    found = _Row(
        id=uuid.uuid4(),
        article_id=row.id,
        name=clean_name(filename),
        content_type=kind,
        size=len(content),
        sha256=await storage().put(content),
        uploaded_by=actor.operator_id,
        uploaded_at=now(),
    )
    await current().db.execute(
        "INSERT INTO knowledge_file (id, article_id, name, content_type, size, sha256,"
        " uploaded_by, uploaded_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
        found.id,
        found.article_id,
        found.name,
        found.content_type,
        found.size,
        found.sha256,
        found.uploaded_by,
        found.uploaded_at,
    )
    return _view(found, row.visibility == "public")


async def _find(file_id: uuid.UUID) -> _Row:
    found = await current().db.fetch_one_as(
        _Row, "SELECT * FROM knowledge_file WHERE id = {}", file_id
    )
    if found is None:
        raise NotFound("file does not exist", field="file_id")
    return found


async def _bytes(found: _Row) -> FileBytes:
    return FileBytes(
        name=found.name,
        content_type=found.content_type,
        content=await storage().get(found.sha256),
        inline=found.content_type in IMAGES,
    )


async def download(actor: Actor, file_id: uuid.UUID) -> FileBytes:
    found = await _find(file_id)
    if not await readable(actor, await store.article(found.article_id)):
        raise NotFound("file does not exist", field="file_id")
    return await _bytes(found)


async def public_download(file_id: uuid.UUID) -> FileBytes:
    """A file of a published public article (anything else answers 404)."""
    found = await _find(file_id)
    row = await store.article(found.article_id)
    if not row.live or row.visibility != "public":
        raise NotFound("file does not exist", field="file_id")
    return await _bytes(found)


async def remove(actor: Actor, article_id: uuid.UUID, file_id: uuid.UUID) -> None:
    await _editable(actor, article_id)
    found = await _find(file_id)
    if found.article_id != article_id:
        raise NotFound("file does not exist", field="file_id")
    await current().db.execute("DELETE FROM knowledge_file WHERE id = {}", file_id)
    await release_stored(found.sha256)
