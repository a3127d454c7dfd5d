"""Reading the base: one article, the list and the search of what a viewer sees (overrides
resolved in the same statement), revisions and their differences, categories."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from unionline import Actor, NotFound, current, scope_for
from unionline.plugins.knowledge import morphology, search, store
from unionline.plugins.knowledge.schemas import (
    ArticleBrief,
    ArticleView,
    CategoryView,
    DiffView,
    RevisionBrief,
    RevisionView,
    SearchPage,
)
from unionline.plugins.knowledge.store import ArticleRow, columns
from unionline.plugins.knowledge.text import as_message, diff, excerpt, tree
from unionline.plugins.knowledge.viewer import PUBLISH, READ, WRITE, Viewer, seen, viewer_for


def public_link(row: ArticleRow) -> str:
    """Where a member opens a public article ("" for an internal one)."""
    if row.visibility != "public" or not row.live:
        return ""
    base = current().settings.server.public_url.rstrip("/")
    return f"{base}/kb/{row.id}"


async def _base_published(row: ArticleRow) -> int | None:
    if row.base_id is None:
        return None
    found = await current().db.fetchone(
        "SELECT published_revision FROM knowledge_article WHERE id = {}", row.base_id
    )
    return found["published_revision"] if found else None


def _changed(row: ArticleRow, base_published: int | None) -> bool:
    return row.base_id is not None and (base_published or 0) > (row.base_revision or 0)


async def view(actor: Actor, row: ArticleRow) -> ArticleView:
    editing = actor.can(WRITE) and (await scope_for(actor, WRITE)).allows(row.organization_id)
    publishing = actor.can(PUBLISH) and (await scope_for(actor, PUBLISH)).allows(
        row.organization_id
    )
    base_published = await _base_published(row)
    return ArticleView(
        id=row.id,
        family_id=row.family_id,
        base_id=row.base_id,
        organization_id=row.organization_id,
        override_mode=row.override_mode,
        base_revision=row.base_revision,
        base_published_revision=base_published,
        base_changed=_changed(row, base_published),
        category_id=row.category_id,
        visibility=row.visibility,  # type: ignore[arg-type]
        status=row.status,
        publish_at=row.publish_at,
        owner_id=row.owner_id,
        tags=row.tags,
        # Readers get what is published; the latest revision is the editors'.
        revision=row.revision if editing else (row.published_revision or 0),
        title=row.title if editing else row.published_title,
        body=row.body if editing else row.published_body,
        published_revision=row.published_revision,
        published_title=row.published_title,
        published_body=row.published_body,
        published_html=row.published_html,
        published_tree=tree(row.published_html),
        published_at=row.published_at,
        updated_at=row.updated_at,
        can_edit=editing,
        can_publish=publishing,
        link=public_link(row),
        text=as_message(row.published_body),
    )


def brief(row: ArticleRow, rank: float | None = None, *, full: bool = False) -> ArticleBrief:
    published = row.published_revision is not None
    return ArticleBrief(
        id=row.id,
        family_id=row.family_id,
        organization_id=row.organization_id,
        is_override=row.base_id is not None,
        title=row.published_title if published else row.title,
        excerpt=excerpt(row.published_body if published else row.body, 200),
        visibility=row.visibility,  # type: ignore[arg-type]
        status=row.status,
        category_id=row.category_id,
        tags=row.tags,
        revision=row.revision,
        published_revision=row.published_revision,
        updated_at=row.updated_at,
        rank=rank,
        text=as_message(row.published_body) if full else "",
        link=public_link(row),
    )


async def readable(actor: Actor, row: ArticleRow) -> bool:
    """Editors of its organization see every state of it; readers what is published, of an
    organization in their scope or on their organization's line."""
    if actor.can(WRITE) and (await scope_for(actor, WRITE)).allows(row.organization_id):
        return True
    if not row.live or not actor.can(READ):
        return False
    scope = await scope_for(actor, READ)
    if scope.allows(row.organization_id):
        return True
    viewer = await viewer_for(actor, None)
    return row.organization_id in viewer.line


async def get(actor: Actor, article_id: uuid.UUID) -> ArticleView:
    actor.require(READ)
    row = await store.article(article_id)
    if not await readable(actor, row):
        raise NotFound("article does not exist", field="id")
    return await view(actor, row)


async def resolve(viewer: Viewer, family_id: uuid.UUID) -> ArticleRow | None:
    """What ``viewer`` sees of an article's family: one statement."""
    where, args = seen(viewer)
    return await current().db.fetch_one_as(
        ArticleRow,
        f"SELECT {columns('a')} FROM knowledge_article a WHERE a.family_id = {{}} AND {where}",
        family_id,
        *args,
    )


def _filters(category_id: uuid.UUID | None, tag: str | None) -> tuple[str, list[Any]]:
    sql, args = "", list[Any]()
    if category_id is not None:
        sql += " AND a.category_id = {}"
        args.append(category_id)
    if tag:
        # tags is a JSON list of strings: the quoted word, its quotes escaped by JSON itself.
        sql += " AND a.tags LIKE {} ESCAPE '\\'"
        quoted = '"' + tag.strip().lower().replace('"', '\\"') + '"'
        args.append(
            "%" + quoted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
    return sql, args


async def browse(
    viewer: Viewer,
    *,
    q: str = "",
    category_id: uuid.UUID | None = None,
    tag: str | None = None,
    limit: int = 50,
    offset: int = 0,
    full: bool = False,
) -> SearchPage:
    """The articles ``viewer`` sees: matching ``q`` (best first) or all of them by title."""
    extra, args = _filters(category_id, tag)
    if q.strip():
        words = morphology.words(q)
        rows = await search.find(
            viewer, words, limit=limit, offset=offset, extra=extra, args=tuple(args)
        )
        fixed = None
        if not rows and offset == 0:
            fixed = await search.corrected(words)
            if fixed:
                rows = await search.find(viewer, fixed, limit=limit, extra=extra, args=tuple(args))
        return SearchPage(
            query=q,
            corrected=" ".join(fixed) if fixed and rows else None,
            items=[brief(r, r.rank, full=full) for r in rows],
        )
    where, seen_args = seen(viewer)
    listed = await current().db.fetch_as(
        ArticleRow,
        f"SELECT {columns('a')} FROM knowledge_article a WHERE {where}{extra}"
        " ORDER BY a.published_title, a.id LIMIT {} OFFSET {}",
        *seen_args,
        *args,
        limit,
        offset,
    )
    return SearchPage(query="", corrected=None, items=[brief(r, full=full) for r in listed])


async def editing(
    actor: Actor, *, status: str | None, organization_id: uuid.UUID | None, limit: int, offset: int
) -> list[ArticleBrief]:
    """Articles of the organizations the actor edits, any status, latest change first."""
    actor.require(WRITE)
    scope = await scope_for(actor, WRITE)
    sql, args = "1 = 1", list[Any]()
    ids = scope.ids()
    if ids is not None:
        sql += f" AND a.organization_id IN ({', '.join('{}' for _ in ids) or 'NULL'})"
        args.extend(ids)
    if organization_id is not None:
        sql += " AND a.organization_id = {}"
        args.append(organization_id)
    if status:
        sql += " AND a.status = {}"
        args.append(status)
    rows = await current().db.fetch_as(
        ArticleRow,
        f"SELECT {columns('a')} FROM knowledge_article a WHERE {sql}"
        " ORDER BY a.updated_at DESC, a.id LIMIT {} OFFSET {}",
        *args,
        limit,
        offset,
    )
    changed = await _bases_changed(rows)
    return [msgspec.structs.replace(brief(r), base_changed=r.id in changed) for r in rows]


async def _bases_changed(rows: list[ArticleRow]) -> set[uuid.UUID]:
    overrides = [r for r in rows if r.base_id is not None]
    if not overrides:
        return set()
    marks = ", ".join("{}" for _ in overrides)
    bases = await current().db.fetch(
        f"SELECT id, published_revision FROM knowledge_article WHERE id IN ({marks})",
        *(r.base_id for r in overrides),
    )
    published = {str(b["id"]): b["published_revision"] for b in bases}
    return {r.id for r in overrides if _changed(r, published.get(str(r.base_id)))}


async def history(actor: Actor, article_id: uuid.UUID) -> list[RevisionBrief]:
    row = await store.article(article_id)
    await _editor(actor, row)
    return [
        RevisionBrief(
            number=r.number,
            title=r.title,
            author_id=r.author_id,
            note=r.note,
            created_at=r.created_at,
        )
        for r in await store.revisions(article_id)
    ]


async def _editor(actor: Actor, row: ArticleRow) -> None:
    actor.require(WRITE)
    if not (await scope_for(actor, WRITE)).allows(row.organization_id):
        raise NotFound("article does not exist", field="id")


async def revision(actor: Actor, article_id: uuid.UUID, number: int) -> RevisionView:
    await _editor(actor, await store.article(article_id))
    r = await store.revision(article_id, number)
    return RevisionView(
        number=r.number, title=r.title, body=r.body, author_id=r.author_id, note=r.note,
        created_at=r.created_at,
    )  # fmt: skip


async def compare(actor: Actor, article_id: uuid.UUID, old: int, new: int) -> DiffView:
    """Two revisions of an article, line by line (an override's ``base`` diff: pass the base's
    id and the override's ``base_revision`` against the base's published one)."""
    row = await store.article(article_id)
    if not await readable(actor, row):
        raise NotFound("article does not exist", field="id")
    a, b = await store.revision(article_id, old), await store.revision(article_id, new)
    return DiffView(old=old, new=new, title_changed=a.title != b.title, lines=diff(a.body, b.body))


async def categories(viewer: Viewer) -> list[CategoryView]:
    """The categories of the organizations on the viewer's line (every one at the federation
    level; none for a blind viewer)."""
    if viewer.blind:
        return []
    ids = list(viewer.line)
    where = f"organization_id IN ({', '.join('{}' for _ in ids)})" if ids else "1 = 1"
    return await current().db.fetch_as(
        CategoryView,
        "SELECT id, organization_id, parent_id, title, position FROM knowledge_category"
        f" WHERE {where} ORDER BY position, title",
        *ids,
    )


async def base_diff(actor: Actor, article_id: uuid.UUID) -> DiffView:
    """What changed in an override's base since the revision the override follows."""
    row = await store.article(article_id)
    if not await readable(actor, row) or row.base_id is None:
        raise NotFound("override does not exist", field="id")
    base = await store.article(row.base_id)
    new = base.published_revision or base.revision
    old = min(row.base_revision or new, new)
    a, b = await store.revision(base.id, old), await store.revision(base.id, new)
    return DiffView(old=old, new=new, title_changed=a.title != b.title, lines=diff(a.body, b.body))


async def family(
    actor: Actor, family_id: uuid.UUID, organization_id: uuid.UUID | None
) -> ArticleView:
    """What the actor sees of an article from their organization (or ``organization_id``)."""
    row = await resolve(await viewer_for(actor, organization_id), family_id)
    if row is None:
        raise NotFound("article does not exist", field="id")
    return await view(actor, row)
