"""Files on a task: the bytes go to the core's attachment storage (content-addressed, the same
store as the appeals' files, ``unionline.channel.storage``) under the same limits and types as
replies; the plugin keeps a row per file (``tasks_file``, its ``sha256`` column holds the bytes
against the storage sweep). Whoever may work on the task uploads; whoever sees it downloads;
the uploader, the creator or a manager removes."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from unionline import Actor, Forbidden, Invalid, NotFound, current, now, publish
from unionline.channel import clean_name, clean_type, refusal, release_stored, storage
from unionline.plugins.tasks import rights
from unionline.plugins.tasks.schemas import FileView, TaskChanged
from unionline.plugins.tasks.store import TaskRow, load_task, record

INLINE = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


class _FileRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    task_id: uuid.UUID
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


def _view(row: _FileRow) -> FileView:
    return FileView(
        id=row.id,
        name=row.name,
        content_type=row.content_type,
        size=row.size,
        uploaded_by=row.uploaded_by,
        uploaded_at=row.uploaded_at,
    )


async def listing(task_id: uuid.UUID) -> list[FileView]:
    rows = await current().db.fetch_as(
        _FileRow,
        "SELECT * FROM tasks_file WHERE task_id = {} ORDER BY uploaded_at, id",
        task_id,
    )
    return [_view(r) for r in rows]


async def upload(
    actor: Actor, task_id: uuid.UUID, filename: str, content_type: str, content: bytes
) -> FileView:
    """Store ``content`` and attach it to the task (422 naming ``file`` when refused)."""
    task = await rights.visible(actor, await load_task(task_id))
    await rights.may_work(actor, task)
    kind = clean_type(content_type)
    if not content:
        raise Invalid("the file is empty", field="file")
    reason = refusal(kind, len(content))
    if reason:
        raise Invalid(reason, field="file")
    sha = await storage().put(content)  # idempotent: may precede the transaction
    row = _FileRow(
        id=uuid.uuid4(),
        task_id=task.id,
        name=clean_name(filename),
        content_type=kind,
        size=len(content),
        sha256=sha,
        uploaded_by=actor.operator_id,
        uploaded_at=now(),
    )
    db = current().db
    async with db.transaction():
        await load_task(task.id, lock=True)
        await db.execute(
            "INSERT INTO tasks_file (id, task_id, name, content_type, size, sha256,"
            " uploaded_by, uploaded_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
            row.id,
            row.task_id,
            row.name,
            row.content_type,
            row.size,
            row.sha256,
            row.uploaded_by,
            row.uploaded_at,
        )
        await record(task.id, actor.operator_id, "file_added", {}, {"name": row.name})
        await _changed(task, actor)
    return _view(row)


async def _changed(task: TaskRow, actor: Actor) -> None:
    await publish(
        TaskChanged(
            organization_id=task.organization_id,
            task_id=task.id,
            appeal_id=task.appeal_id,
            project_id=task.project_id,
            fields=["files"],
            actor_id=actor.operator_id,
        )
    )


async def _find(task_id: uuid.UUID, file_id: uuid.UUID) -> _FileRow:
    row = await current().db.fetch_one_as(
        _FileRow, "SELECT * FROM tasks_file WHERE id = {} AND task_id = {}", file_id, task_id
    )
    if row is None:
        raise NotFound(f"file {file_id} does not exist", field="file_id")
    return row


async def download(actor: Actor, task_id: uuid.UUID, file_id: uuid.UUID) -> FileBytes:
    await rights.visible(actor, await load_task(task_id))
    row = await _find(task_id, file_id)
    return FileBytes(
        name=row.name,
        content_type=row.content_type,
        content=await storage().get(row.sha256),
        inline=row.content_type in INLINE,
    )


async def remove(actor: Actor, task_id: uuid.UUID, file_id: uuid.UUID) -> None:
    task = await rights.visible(actor, await load_task(task_id))
    row = await _find(task_id, file_id)
    roles = await rights.roles_on(actor, task)
    if row.uploaded_by != actor.operator_id and not roles & {"creator", "manager"}:
        raise Forbidden("only who uploaded the file, the creator or a manager removes it")
    db = current().db
    async with db.transaction():
        await db.execute("DELETE FROM tasks_file WHERE id = {}", row.id)
        await record(task.id, actor.operator_id, "file_removed", {"name": row.name}, {})
        await _changed(task, actor)
    await release_stored(row.sha256)
