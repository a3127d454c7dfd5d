"""Files visitors attach: checked against the widget's and the installation's limits, stored
in the channel SDK's attachment storage, and handed to the message that names them."""

from __future__ import annotations

import fnmatch
import time
import uuid
from collections.abc import Sequence

from unionline import Invalid, current
from unionline.channel import (
    Attachment,
    channels_settings,
    clean_name,
    clean_type,
    refusal,
    storage,
)
from unionline.channels.web.conversation import FileRef
from unionline.channels.web.settings import WidgetSettings


def limit_bytes(config: WidgetSettings) -> int:
    return min(config.max_upload_bytes, channels_settings().max_attachment_bytes)


def check(config: WidgetSettings, content_type: str, size: int) -> None:
    """Invalid naming ``file`` when the widget or the installation refuses such a file."""
    limit = limit_bytes(config)
    if size > limit:
        raise Invalid(
            f"the file is larger than {limit} bytes", field="file", extra={"max_bytes": limit}
        )
    if size == 0:
        raise Invalid("the file is empty", field="file")
    allowed = any(fnmatch.fnmatchcase(content_type, p) for p in config.upload_types)
    reason = (
        refusal(content_type, size) if allowed else f"files of type {content_type} are not accepted"
    )
    if reason:
        raise Invalid(reason, field="file", extra={"types": config.upload_types})


async def store(
    config: WidgetSettings,
    account_id: uuid.UUID,
    key: str,
    filename: str,
    content_type: str,
    data: bytes,
) -> dict[str, object]:
    kind = clean_type(content_type)
    check(config, kind, len(data))
    upload_id = uuid.uuid4()
    name = clean_name(filename)
    sha = await storage().put(data)
    await current().db.execute(
        "INSERT INTO web_upload (id, account_id, visitor_key, filename, content_type, size,"
        " sha256, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
        upload_id,
        account_id,
        key,
        name,
        kind,
        len(data),
        sha,
        time.time(),
    )
    return {"id": str(upload_id), "filename": name, "content_type": kind, "size": len(data)}


async def take(key: str, ids: Sequence[uuid.UUID]) -> list[Attachment]:
    """The files a message names; each must be this visitor's own upload."""
    found = []
    for i, upload_id in enumerate(ids):
        row = await current().db.fetchone(
            "SELECT filename, content_type, sha256 FROM web_upload WHERE id = {}"
            " AND visitor_key = {}",
            upload_id,
            key,
        )
        if row is None:
            raise Invalid("no such upload: send the file again", field=f"files[{i}]")
        data = await storage().get(row["sha256"])
        found.append(
            Attachment(filename=row["filename"], content_type=row["content_type"], data=data)
        )
    return found


async def refs(key: str, ids: Sequence[uuid.UUID]) -> list[FileRef]:
    """How the visitor's own files are listed in their conversation."""
    found = []
    for upload_id in ids:
        row = await current().db.fetchone(
            "SELECT id, filename, content_type, size FROM web_upload WHERE id = {}"
            " AND visitor_key = {}",
            upload_id,
            key,
        )
        if row is not None:
            found.append(
                FileRef(
                    id=str(row["id"]),
                    filename=row["filename"],
                    content_type=row["content_type"],
                    size=int(row["size"]),
                )
            )
    return found
