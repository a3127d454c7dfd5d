"""Writing articles: create, override, save (a revision each, compare-and-set on the revision the
editor started from: a stale save is a 409 with the diff, never a lost update), review and
publish (now or at a time), archive, restore and rebase an override onto its changed base.

Editors act on articles of the organizations their ``knowledge.write`` grants cover (404
outside, as if absent); publishing and archiving need ``knowledge.publish`` there.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import msgspec

from unionline import (
    Actor,
    Conflict,
    Invalid,
    NotFound,
    current,
    enqueue,
    now,
    organization_ancestors,
    publish,
    scope_for,
)
from unionline.plugins.knowledge import index, store
from unionline.plugins.knowledge.files import for_visibility
from unionline.plugins.knowledge.schemas import (
    ArticleCreate,
    ArticlePublished,
    ArticleSave,
    OverrideCreate,
    Rebase,
    StatusChange,
)
from unionline.plugins.knowledge.store import ArticleRow
from unionline.plugins.knowledge.text import diff, merge_sections, render
from unionline.plugins.knowledge.viewer import PUBLISH, WRITE
from unionline.rows import db_value

PUBLISH_JOB = "knowledge.publish_scheduled"


class PublishPayload(msgspec.Struct, frozen=True):
    article_id: uuid.UUID
    revision: int


async def require(actor: Actor, permission: str, organization_id: uuid.UUID) -> None:
    """``permission`` over the organization, else 404 (its articles are not revealed)."""
    actor.require(permission)
    if not (await scope_for(actor, permission)).allows(organization_id):
        raise NotFound("article does not exist", field="id")


def _tags(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(t.strip().lower() for t in tags if t.strip()))


async def _insert(values: dict[str, object]) -> ArticleRow:
    names = list(values)
    row = await current().db.fetch_one_as(
        ArticleRow,
        f"INSERT INTO knowledge_article ({', '.join(names)})"
        f" VALUES ({', '.join('{}' for _ in names)}) RETURNING {store.ARTICLE_COLUMNS}",
        *(db_value(values[n]) for n in names),
    )
    assert row is not None
    return row


async def create(actor: Actor, data: ArticleCreate) -> ArticleRow:
    await require(actor, WRITE, data.organization_id)
    line = await organization_ancestors(data.organization_id)
    article_id, moment = uuid.uuid4(), now()
    async with current().db.transaction():
        row = await _insert(
            {
                "id": article_id,
                "family_id": article_id,
                "organization_id": data.organization_id,
                "depth": len(line) - 1,
                "category_id": data.category_id,
                "visibility": data.visibility,
                "owner_id": data.owner_id or actor.operator_id,
                "created_by": actor.operator_id,
                "tags": _tags(data.tags),
                "title": data.title.strip(),
                "body": data.body,
                "created_at": moment,
                "updated_at": moment,
            }
        )
        await store.add_revision(row.id, 1, row.title, row.body, actor.operator_id, "")
    return row


async def create_override(actor: Actor, base_id: uuid.UUID, data: OverrideCreate) -> ArticleRow:
    await require(actor, WRITE, data.organization_id)
    base = await store.article(base_id)
    line = await organization_ancestors(data.organization_id)
    if base.base_id is not None:
        raise Invalid("an override is overridden through its base article", field="base_id")
    if base.organization_id not in line[:-1]:
        raise Invalid(
            "only an article of an ancestor organization can be overridden",
            field="organization_id",
        )
    taken = await current().db.fetchone(
        "SELECT id FROM knowledge_article WHERE family_id = {} AND organization_id = {}",
        base.family_id,
        data.organization_id,
    )
    if taken:
        raise Conflict(
            "this organization overrides the article already", extra={"id": str(taken["id"])}
        )
    source = base.published_body if base.published_revision else base.body
    body = data.body or (source if data.mode == "whole" else "")
    article_id, moment = uuid.uuid4(), now()
    async with current().db.transaction():
        row = await _insert(
            {
                "id": article_id,
                "family_id": base.family_id,
                "base_id": base.id,
                "organization_id": data.organization_id,
                "depth": len(line) - 1,
                "override_mode": data.mode,
                "base_revision": base.published_revision or base.revision,
                "category_id": base.category_id,
                "visibility": base.visibility,
                "owner_id": actor.operator_id,
                "created_by": actor.operator_id,
                "tags": base.tags,
                "title": data.title.strip() or base.published_title or base.title,
                "body": body,
                "created_at": moment,
                "updated_at": moment,
            }
        )
        await store.add_revision(row.id, 1, row.title, row.body, actor.operator_id, "")
    return row


def conflict(current_row: ArticleRow, theirs: int, old_body: str) -> Conflict:
    """The 409 of a stale save: the article's revision now, its text, and what changed since
    the revision the editor started from."""
    changes = diff(old_body, current_row.body)
    return Conflict(
        "the article was saved by someone else since your revision",
        field="revision",
        extra={
            "revision": current_row.revision,
            "your_revision": theirs,
            "title": current_row.title,
            "body": current_row.body,
            "diff": msgspec.to_builtins(changes),
        },
    )


async def save(actor: Actor, article_id: uuid.UUID, data: ArticleSave) -> ArticleRow:
    row = await store.article(article_id)
    await require(actor, WRITE, row.organization_id)
    changes: dict[str, object] = {
        "revision": data.revision + 1,
        "title": data.title.strip(),
        "body": data.body,
        "updated_at": now(),
        "status": "archived" if row.status == "archived" else "draft",
    }
    for name in ("category_id", "visibility", "owner_id"):
        if getattr(data, name) is not None:
            changes[name] = getattr(data, name)
    if data.tags is not None:
        changes["tags"] = db_value(_tags(data.tags))
    async with current().db.transaction():
        saved = await store.update(article_id, changes, revision=data.revision)
        if saved is None:
            latest = await store.article(article_id)
            theirs = await store.revision(article_id, min(data.revision, latest.revision))
            raise conflict(latest, data.revision, theirs.body)
        await store.add_revision(
            article_id, saved.revision, saved.title, saved.body, actor.operator_id, data.note
        )
    return saved


async def restore(actor: Actor, article_id: uuid.UUID, number: int, revision: int) -> ArticleRow:
    old = await store.revision(article_id, number)
    return await save(
        actor,
        article_id,
        ArticleSave(revision=revision, title=old.title, body=old.body, note=f"restored:{number}"),
    )


async def change_status(actor: Actor, article_id: uuid.UUID, data: StatusChange) -> ArticleRow:
    row = await store.article(article_id)
    needs = PUBLISH if data.status in ("published", "archived") else WRITE
    await require(actor, needs, row.organization_id)
    if data.revision != row.revision:
        old = await store.revision(article_id, min(data.revision, row.revision))
        raise conflict(row, data.revision, old.body)
    async with current().db.transaction():
        if data.status == "published":
            if data.at is not None and data.at > now() + timedelta(seconds=5):
                return await schedule(row, data.at)
            return await publish_now(row)
        changed = await store.update(
            article_id, {"status": data.status, "updated_at": now()}, revision=row.revision
        )
        if changed is None:
            raise conflict(await store.article(article_id), data.revision, row.body)
        await index.reindex(changed)
        return changed


async def schedule(row: ArticleRow, at: datetime) -> ArticleRow:
    changed = await store.update(
        row.id, {"status": "scheduled", "publish_at": at, "updated_at": now()}
    )
    assert changed is not None
    await enqueue(
        PUBLISH_JOB,
        PublishPayload(article_id=row.id, revision=row.revision),
        key=f"{PUBLISH_JOB}:{row.id}:{row.revision}:{at.isoformat()}",
        delay=max(0.0, (at - now()).total_seconds()),
    )
    return changed


async def effective(row: ArticleRow) -> tuple[str, str]:
    """The title and Markdown readers get of ``row``: an override of sections is its base's
    published text with those sections replaced."""
    if row.override_mode != "sections" or row.base_id is None:
        return row.title, row.body
    base = await store.article(row.base_id)
    return row.title, merge_sections(base.published_body or base.body, row.body)


async def publish_now(row: ArticleRow) -> ArticleRow:
    """Make the latest revision what readers see (in the caller's transaction)."""
    title, body = await effective(row)
    moment = now()
    changed = await store.update(
        row.id,
        {
            "status": "published",
            "publish_at": None,
            "published_revision": row.revision,
            "published_title": title,
            "published_body": body,
            "published_html": for_visibility(render(body), row.visibility == "public"),
            "published_at": moment,
            "updated_at": moment,
        },
    )
    assert changed is not None
    await index.reindex(changed)
    await publish(
        ArticlePublished(
            organization_id=changed.organization_id,
            article_id=changed.id,
            family_id=changed.family_id,
            revision=changed.revision,
        )
    )
    if changed.base_id is None:
        await _follow_base(changed)
    return changed


async def _follow_base(base: ArticleRow) -> None:
    """Overrides of sections show the base's new text outside their own sections at once (and
    say «исходная статья изменилась» until rebased)."""
    for override in await store.overrides_of(base.id):
        if override.override_mode != "sections" or override.published_revision is None:
            continue
        body = merge_sections(base.published_body, await _published_source(override))
        changed = await store.update(
            override.id,
            {
                "published_body": body,
                "published_html": for_visibility(render(body), override.visibility == "public"),
            },
        )
        assert changed is not None
        await index.reindex(changed)


async def _published_source(override: ArticleRow) -> str:
    assert override.published_revision is not None
    return (await store.revision(override.id, override.published_revision)).body


async def publish_scheduled(payload: PublishPayload) -> None:
    """The job at a scheduled time: publish when the article still waits for it (a save, an
    earlier run or a new schedule in between leave it be — running twice is running once)."""
    async with current().db.transaction():
        row = await store.article(payload.article_id)
        due = row.publish_at is not None and row.publish_at <= now() + timedelta(seconds=1)
        if row.status == "scheduled" and row.revision == payload.revision and due:
            await publish_now(row)


async def rebase(actor: Actor, article_id: uuid.UUID, data: Rebase) -> ArticleRow:
    row = await store.article(article_id)
    await require(actor, WRITE, row.organization_id)
    if row.base_id is None:
        raise Invalid("only an override follows a base article", field="id")
    base = await store.article(row.base_id)
    if data.base_revision != base.published_revision:
        raise Conflict(
            "the base article changed again", field="base_revision",
            extra={"base_revision": base.published_revision},
        )  # fmt: skip
    changed = await store.update(article_id, {"base_revision": data.base_revision})
    assert changed is not None
    return changed
