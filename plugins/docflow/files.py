"""A card's files with versions: a new upload under the same name is its next version; every
version stays readable (the history), the latest is what a list shows first."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from unionline import Actor, Invalid, NotFound, current
from unionline.channel import clean_name, clean_type
from unionline.plugins.docflow.schemas import FileView

MAX_BYTES = 20 * 1024 * 1024


class FileRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    name: str
    version: int
    content_type: str
    size: int
    uploaded_at: datetime
    uploaded_by: uuid.UUID | None
    source: str


class FileBytes(msgspec.Struct, kw_only=True):
    name: str
    content_type: str
    content: bytes


async def store_file(
    document_id: uuid.UUID,
    name: str,
    content: bytes,
    content_type: str,
    uploaded_by: uuid.UUID | None,
    source: str = "upload",
) -> FileView:
    """Add a version of ``name`` to the card, in the caller's transaction when there is one."""
    name = clean_name(name)
    if not name:
        raise Invalid("the file needs a name", field="name")
    if not content:
        raise Invalid("the file is empty", field="file")
    if len(content) > MAX_BYTES:
        raise Invalid(f"the file is over {MAX_BYTES // 1048576} MB", field="file")
    from unionline.plugins.docflow.store import load_document

    db = current().db
    async with db.transaction():
        await load_document(document_id, lock=True)  # two uploads of a name: one after the other
        row = await db.fetchone(
            "SELECT MAX(version) AS v FROM docflow_file WHERE document_id = {} AND name = {}",
            document_id,
            name,
        )
        version = int(row["v"] or 0) + 1 if row else 1
        file_id = uuid.uuid4()
        await db.execute(
            "INSERT INTO docflow_file (id, document_id, name, version, content_type, size,"
            " content, uploaded_by, uploaded_at, key, source)"
            " VALUES ({}, {}, {}, {}, {}, {}, {}, {}, CURRENT_TIMESTAMP, {}, {})",
            file_id,
            document_id,
            name,
            version,
            clean_type(content_type) or "application/octet-stream",
            len(content),
            content,
            uploaded_by,
            f"{document_id}:{name}:{version}"[:120],
            source,
        )
    found = await current().db.fetch_one_as(
        FileRow, "SELECT * FROM docflow_file WHERE id = {}", file_id
    )
    assert found is not None
    return FileView(**msgspec.structs.asdict(found))


async def list_files(document_id: uuid.UUID) -> list[FileView]:
    rows = await current().db.fetch_as(
        FileRow,
        "SELECT id, name, version, content_type, size, uploaded_at, uploaded_by, source"
        " FROM docflow_file WHERE document_id = {} ORDER BY name, version DESC",
        document_id,
    )
    return [FileView(**msgspec.structs.asdict(r)) for r in rows]


async def read_file(actor: Actor, document_id: uuid.UUID, file_id: uuid.UUID) -> FileBytes:
    from unionline.plugins.docflow.documents import visible

    await visible(actor, document_id)
    row = await current().db.fetchone(
        "SELECT name, content_type, content FROM docflow_file WHERE id = {} AND document_id = {}",
        file_id,
        document_id,
    )
    if row is None:
        raise NotFound(f"file {file_id} does not exist", field="file_id")
    return FileBytes(
        name=str(row["name"]), content_type=str(row["content_type"]), content=bytes(row["content"])
    )
