"""Members' help: the public articles, searchable without signing in (the site's chat widget
before writing, a link an operator sent), each organization seeing its own versions. Only
published articles marked public are ever answered; internal ones are as absent."""

from __future__ import annotations

import html
import uuid
from typing import Any

import msgspec
from litestar import Response, get
from litestar.params import FromPath, FromQuery

from unionline import Invalid, NotFound, TextQuery, current
from unionline.plugins.knowledge import morphology, search, store
from unionline.plugins.knowledge.reading import public_link
from unionline.plugins.knowledge.store import ArticleRow, columns
from unionline.plugins.knowledge.text import as_message, excerpt, tree
from unionline.plugins.knowledge.viewer import seen, viewer_at

CORS = {"Access-Control-Allow-Origin": "*"}  # public, read-only, no credentials
PAGE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


class PublicArticle(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    title: str
    excerpt: str
    link: str
    text: str = ""  # the whole article as plain text (one article only)
    tree: list[Any] = msgspec.field(default_factory=list)  # its HTML as nodes (one article only)


def _brief(row: ArticleRow) -> PublicArticle:
    return PublicArticle(
        id=row.id,
        title=row.published_title,
        excerpt=excerpt(row.published_body, 240),
        link=public_link(row),
    )


async def find(organization_id: uuid.UUID, q: str, limit: int = 10) -> list[PublicArticle]:
    try:
        viewer = await viewer_at(organization_id, public_only=True)
    except NotFound:
        return []
    if q.strip():
        rows: list[ArticleRow] = list(
            await search.find(viewer, morphology.words(q), match="any", limit=limit)
        )
    else:
        where, args = seen(viewer)
        rows = await current().db.fetch_as(
            ArticleRow,
            f"SELECT {columns('a')} FROM knowledge_article a WHERE {where}"
            " ORDER BY a.published_title LIMIT {}",
            *args,
            limit,
        )
    return [_brief(r) for r in rows]


async def public_article(article_id: uuid.UUID) -> ArticleRow:
    try:
        row = await store.article(article_id)
    except NotFound:
        row = None
    if row is None or not row.live or row.visibility != "public":
        raise NotFound("article does not exist", field="id")
    return row


@get("/api/knowledge/public/articles", tags=["knowledge"])
async def public_search(
    organization_id: FromQuery[uuid.UUID], q: TextQuery = None
) -> Response[list[PublicArticle]]:
    """Public articles as ``organization_id`` sees them, best first for ``q`` (no sign-in)."""
    return Response(await find(organization_id, q or ""), headers=CORS)


@get("/api/knowledge/public/articles/{article_id:uuid}", tags=["knowledge"])
async def public_read(article_id: FromPath[uuid.UUID]) -> Response[PublicArticle]:
    """One public article with its text (no sign-in); internal or unpublished: 404."""
    row = await public_article(article_id)
    full = msgspec.structs.replace(
        _brief(row), text=as_message(row.published_body), tree=tree(row.published_html)
    )
    return Response(full, headers=CORS)


@get("/kb/{article_id:uuid}", include_in_schema=False)
async def public_page(article_id: FromPath[uuid.UUID]) -> Response[str]:
    """The page a member opens from a link in a reply: the article, nothing else."""
    row = await public_article(article_id)
    title = html.escape(row.published_title)
    page = (
        '<!doctype html><html lang="ru"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>body{{font:16px/1.5 system-ui,sans-serif;"
        "max-width:44rem;margin:0 auto;padding:1rem;color:#1d2939}"
        "img{max-width:100%}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        f"padding:.3rem}}</style></head><body><main><h1>{title}</h1>"
        f"{row.published_html}</main></body></html>"
    )
    return Response(
        page,
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": PAGE_CSP, "X-Content-Type-Options": "nosniff"},
    )


@get("/kb/files/{file_id:uuid}", media_type="*/*", include_in_schema=False)
async def public_file(file_id: FromPath[uuid.UUID]) -> Response[bytes]:
    """A file or image of a published public article (no sign-in); anything else: 404."""
    from unionline.plugins.knowledge.files import public_download
    from unionline.plugins.knowledge.routes import file_response

    return file_response(await public_download(file_id))


WIDGET_CHANNEL = "web"  # the site chat's channel: its widget key names the organization
WIDGET_LIMIT = 3


async def widget_organization(key: str) -> uuid.UUID | None:
    """The organization of the active site-chat account whose widget key is ``key``."""
    from unionline.channel import find_account

    try:
        account = await find_account(WIDGET_CHANNEL, key)
    except Invalid:  # the web channel is not enabled: no widget to answer
        return None
    if account is None or account.status != "active":
        return None
    return account.organization_id


@get("/api/knowledge/public/widget/{key:str}/articles", tags=["knowledge"])
async def widget_search(key: FromPath[str], q: TextQuery = None) -> Response[list[PublicArticle]]:
    """Public articles for what a visitor types into the site chat before writing (no
    sign-in): the three best, as the widget's organization sees them; a query of under three
    letters, an unknown key or a switched-off widget finds nothing."""
    text = (q or "").strip()
    organization = await widget_organization(key[:100]) if len(text) >= 3 else None
    found = await find(organization, text, WIDGET_LIMIT) if organization else []
    return Response(found, headers=CORS)


HANDLERS = [public_search, public_read, public_page, public_file, widget_search]
