"""Where attachment bytes live: a storage interface and its local-disk default.

Content-addressed by SHA-256: the same file sent twice (or redelivered by a provider) is stored
once, and a write is idempotent, so it can happen before the transaction that references it.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any, Protocol

from unionline.errors import NotFound


class AttachmentStorage(Protocol):
    """Bytes by SHA-256. Implement it for S3 or the like and install it with ``use_storage``."""

    async def put(self, data: bytes) -> str:
        """Store ``data``; return its SHA-256 (hex)."""
        ...

    async def get(self, sha256: str) -> bytes:
        """The bytes stored under ``sha256``; ``unionline.NotFound`` when there are none."""
        ...

    async def exists(self, sha256: str) -> bool: ...


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class LocalDiskStorage:
    """Files under ``directory/ab/cd/<sha256>``, written atomically (temp file + rename)."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise NotFound("attachment does not exist", field="id")
        return self.directory / sha256[:2] / sha256[2:4] / sha256

    async def put(self, data: bytes) -> str:
        sha = digest(data)
        await asyncio.to_thread(self._write, self.path_for(sha), data)
        return sha

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    async def get(self, sha256: str) -> bytes:
        path = self.path_for(sha256)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise NotFound("attachment content is missing from storage", field="id") from None

    async def exists(self, sha256: str) -> bool:
        return await asyncio.to_thread(self.path_for(sha256).is_file)

    async def delete(self, sha256: str) -> None:
        """Remove the bytes (optional for storages: a sweep that finds no ``delete`` keeps
        them). The caller has checked that nothing refers to them."""
        await asyncio.to_thread(self.path_for(sha256).unlink, missing_ok=True)


def storage() -> AttachmentStorage:
    """The storage of this process: the one installed with ``use_storage``, else local disk."""
    from unionline.channel.config import channels_settings
    from unionline.runtime import current

    state = current().state
    if "channel.storage" not in state:
        state["channel.storage"] = LocalDiskStorage(channels_settings().attachments_dir)
    return state["channel.storage"]


def use_storage(chosen: AttachmentStorage) -> None:
    """Install another storage (call it from a plugin's ``runtime_started`` hook, which runs in
    every process: the jobs of a worker read and write attachments too)."""
    from unionline.runtime import current

    current().state["channel.storage"] = chosen


REFERENCE_COLUMN = "sha256"  # a table column of this name refers to stored bytes


def referencing_tables(db: Any = None) -> list[str]:
    """Every enabled table with a ``sha256`` column: the attachments, and whatever a plugin keeps
    of stored bytes (the web widget's pending uploads). Known in every process — web, worker,
    command — since it comes from the registered tables, not from a startup hook. ``db``: the
    runtime's database (default: this process's)."""
    from unionline.runtime import current

    return sorted(
        table._meta.tablename
        for app in (db or current().db).apps.values()
        for table in app.table_classes
        if any(c._meta.db_column_name == REFERENCE_COLUMN for c in table._meta.columns)
    )


async def release_stored(sha256: str) -> bool:
    """Delete the bytes when no row of :func:`referencing_tables` names them any more and the
    storage can delete at all (``delete`` is optional); answer whether they were deleted. Call
    it after the transaction that dropped your reference has committed."""
    from unionline.runtime import current

    remove: Any = getattr(storage(), "delete", None)
    if remove is None:
        return False
    db = current().db
    for table in referencing_tables():
        sql = f"SELECT 1 AS held FROM {table} WHERE {REFERENCE_COLUMN} = {{}} LIMIT 1"
        if await db.fetchone(sql, sha256):
            return False
    await remove(sha256)
    return True
