"""Attachments of messages: limits, storing inbound files, operator uploads, serving them.

A file over the size limit or of a type not allowed is never silently dropped: it is recorded
as ``rejected`` with the reason, so operators see that the member sent something.
"""

from __future__ import annotations

import contextlib
import fnmatch
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import msgspec

from unionline.access import Actor, scope_for
from unionline.appeals.message_updates import update_message
from unionline.appeals.services import get_appeal
from unionline.channel.config import channels_settings
from unionline.channel.schemas import AttachmentView
from unionline.channel.storage import storage
from unionline.channel.tables import AttachmentRecord as Row
from unionline.channel.types import Attachment, ChannelAccount, OutboundAttachment
from unionline.errors import Conflict, Forbidden, Invalid, NotFound, PermanentFailure
from unionline.runtime import current

UPLOAD = "appeals.reply"
# Shown inline in the console; anything else (SVG and HTML included: they can carry scripts)
# is served as a download.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
FETCH_JOB = "channel.fetch_attachment"


class FetchAttachment(msgspec.Struct, frozen=True):
    attachment_id: uuid.UUID


class Prepared(msgspec.Struct, kw_only=True):
    """An inbound file checked (and stored, when its bytes came with the update)."""

    id: uuid.UUID
    filename: str
    content_type: str
    size: int
    sha256: str | None
    status: str  # stored, pending, rejected
    error: str = ""
    remote_ref: str | None = None


def clean_type(content_type: str) -> str:
    return (content_type or "application/octet-stream").split(";")[0].strip().lower()


def clean_name(filename: str) -> str:
    name = "".join(c for c in (filename or "") if c.isprintable() and c not in '/\\"')
    return name.strip()[:255] or "file"


def refusal(content_type: str, size: int | None) -> str:
    """Why a file is not accepted ("" when it is)."""
    settings = channels_settings()
    if size is not None and size > settings.max_attachment_bytes:
        return f"file is larger than {settings.max_attachment_bytes} bytes"
    if not any(fnmatch.fnmatchcase(content_type, p) for p in settings.attachment_types):
        return f"files of type {content_type} are not accepted"
    return ""


async def prepare(attachment: Attachment) -> Prepared:
    """Check limits and store the bytes (before the inbound transaction: writes are idempotent)."""
    kind = clean_type(attachment.content_type)
    size = len(attachment.data) if attachment.data is not None else attachment.size
    base = Prepared(
        id=uuid.uuid4(),
        filename=clean_name(attachment.filename),
        content_type=kind,
        size=size or 0,
        sha256=None,
        status="rejected",
    )
    reason = refusal(kind, size)
    if reason:
        base.error = reason
    elif attachment.data is not None:
        base.sha256, base.status = await storage().put(attachment.data), "stored"
    elif attachment.remote_ref:
        base.remote_ref, base.status = attachment.remote_ref, "pending"
    else:
        base.error = "the provider sent no content"
    return base


async def insert_inbound(prepared: Sequence[Prepared], account: ChannelAccount[Any, Any]) -> None:
    """Record inbound files in the current transaction; pending ones get a fetch job."""
    from unionline.runtime import enqueue

    for item in prepared:
        await Row.insert(
            Row(
                id=item.id,
                organization_id=account.organization_id,
                account_id=account.id,
                direction="in",
                filename=item.filename,
                content_type=item.content_type,
                size=item.size,
                sha256=item.sha256,
                status=item.status,
                error=item.error,
                remote_ref=item.remote_ref,
                created_at=datetime.now(UTC),
            )
        )
        if item.status == "pending":
            await enqueue(FETCH_JOB, FetchAttachment(item.id), key=f"{FETCH_JOB}:{item.id}")


async def link(
    ids: Iterable[uuid.UUID], appeal_id: uuid.UUID, entry_id: int, organization_id: uuid.UUID
) -> None:
    ids = list(ids)
    if ids:
        await Row.update(
            {Row.appeal_id: appeal_id, Row.entry_id: entry_id, Row.organization_id: organization_id}
        ).where(Row.id.is_in(ids))


async def for_outbound(ids: Sequence[uuid.UUID], appeal_id: uuid.UUID) -> list[OutboundAttachment]:
    """Uploaded files a reply sends: each must be stored and not belong to another appeal."""
    if not ids:
        return []
    rows = {r["id"]: r for r in await Row.select().where(Row.id.is_in(list(ids)))}
    found = []
    for i, attachment_id in enumerate(ids):
        row = rows.get(attachment_id)
        if row is None or row["appeal_id"] not in (None, appeal_id):
            raise NotFound(f"attachment {attachment_id} does not exist", field=f"attachments[{i}]")
        if row["status"] != "stored":
            raise Conflict(
                f"attachment {attachment_id} is {row['status']}", field=f"attachments[{i}]"
            )
        found.append(
            OutboundAttachment(
                id=row["id"],
                filename=row["filename"],
                content_type=row["content_type"],
                size=int(row["size"]),
                sha256=row["sha256"],
            )
        )
    return found


async def read_attachment(attachment: OutboundAttachment) -> bytes:
    """The bytes of a file to send (for a channel's ``send()``)."""
    return await storage().get(attachment.sha256)


def view(row: dict[str, Any]) -> AttachmentView:
    return AttachmentView(
        id=row["id"],
        filename=row["filename"],
        content_type=row["content_type"],
        size=int(row["size"]),
        status=row["status"],
        error=row["error"],
        url=f"/api/attachments/{row['id']}",
    )


async def upload(actor: Actor, filename: str, content_type: str, data: bytes) -> AttachmentView:
    """An operator's file for a reply; it joins an appeal when the reply is sent."""
    scope = await scope_for(actor, UPLOAD)
    if scope.organization_ids is not None and not scope.organization_ids:
        raise Forbidden(f"permission {UPLOAD!r} is required", extra={"permission": UPLOAD})
    kind = clean_type(content_type)
    reason = refusal(kind, len(data))
    if reason:
        raise Invalid(reason, field="file")
    row_id = uuid.uuid4()
    await Row.insert(
        Row(
            id=row_id,
            direction="out",
            filename=clean_name(filename),
            content_type=kind,
            size=len(data),
            sha256=await storage().put(data),
            status="stored",
            uploaded_by=actor.operator_id,
            created_at=datetime.now(UTC),
        )
    )
    return view(await _row(row_id))


async def stored_attachment(attachment_id: uuid.UUID) -> tuple[AttachmentView, bytes] | None:
    """A stored file and its bytes (None when there is none, or it failed or is still being
    fetched). No permission check: for a channel serving a file to the conversation it was sent
    in, which the channel has checked (the web widget)."""
    row = await Row.select().where(Row.id == attachment_id).first()
    if row is None or row["status"] != "stored":
        return None
    return view(row), await storage().get(row["sha256"])


async def _row(attachment_id: uuid.UUID) -> dict[str, Any]:
    row = await Row.select().where(Row.id == attachment_id).first()
    if row is None:
        raise NotFound("attachment does not exist", field="id")
    return row


async def open_for(actor: Actor, attachment_id: uuid.UUID) -> tuple[AttachmentView, bytes]:
    """The file, when ``actor`` may see its appeal (else NotFound: existence is not revealed)."""
    row = await _row(attachment_id)
    if row["appeal_id"] is None:
        # An upload not sent yet: only its uploader (or a federation-wide admin) sees it.
        if row["uploaded_by"] != actor.operator_id and not actor.is_admin:
            raise NotFound("attachment does not exist", field="id")
    else:
        try:
            await get_appeal(actor, row["appeal_id"])  # NotFound unless the actor may read it
        except (NotFound, Forbidden):
            raise NotFound("attachment does not exist", field="id") from None
    if row["status"] != "stored":
        raise Conflict(row["error"] or f"attachment is {row['status']}", field="id")
    return view(row), await storage().get(row["sha256"])


def is_inline(content_type: str) -> bool:
    return content_type in INLINE_TYPES


async def fetch(ctx: Any, job: FetchAttachment) -> None:
    """Job: download a file the provider only announced, through the channel."""
    from unionline.channel.accounts import load_account
    from unionline.channel.registered import get_channel

    row = await Row.select().where(Row.id == job.attachment_id).first()
    if row is None or row["status"] != "pending":
        return
    account = await load_account(row["account_id"])
    try:
        data = await get_channel(account.channel).fetch_attachment(account, row["remote_ref"])
    except PermanentFailure as exc:
        await _settle(row, {"status": "rejected", "error": str(exc)[:300]})
        return
    reason = refusal(row["content_type"], len(data))
    if reason:
        await _settle(row, {"status": "rejected", "error": reason})
        return
    sha = await storage().put(data)
    await _settle(row, {"status": "stored", "sha256": sha, "size": len(data)})


async def _settle(row: dict[str, Any], changes: dict[str, Any]) -> None:
    """Record the fetch's outcome, and show it on the message's timeline entry (its
    ``data["attachments"]`` said "pending"): consoles redraw it from
    ``appeal.message_updated``."""
    async with current().db.transaction():
        settled = (
            await Row.update({getattr(Row, k): v for k, v in changes.items()})
            .where((Row.id == row["id"]) & (Row.status == "pending"))
            .returning(Row.id)
        )
        if settled and row["entry_id"] is not None:
            shown = {k: v for k, v in changes.items() if k in ("status", "error", "size")}
            with contextlib.suppress(NotFound):  # not a member's message: nothing shows it
                await update_message(
                    int(row["entry_id"]),
                    lambda entry: (entry.body, _with_file(entry.data, str(row["id"]), shown)),
                    change="updated",
                )


def _with_file(data: dict[str, Any], file_id: str, shown: dict[str, Any]) -> dict[str, Any]:
    files = data.get("attachments")
    if not isinstance(files, list):
        return data
    return {
        **data,
        "attachments": [
            {**f, **shown} if isinstance(f, dict) and f.get("id") == file_id else f for f in files
        ],
    }


async def describe(files: Sequence[Any]) -> list[Any]:
    """A reply's files as its timeline entry shows them (name, type, size, url), from the ids
    or ``{"id": ...}`` objects a client sent; an unknown id stays as sent (the delivery refuses
    it, naming the field)."""
    ids: list[uuid.UUID] = []
    for item in files:
        try:
            ids.append(uuid.UUID(str(item.get("id") if isinstance(item, dict) else item)))
        except ValueError:
            ids.append(uuid.UUID(int=0))
    rows = {r["id"]: r for r in await Row.select().where(Row.id.is_in(ids))} if ids else {}
    described: list[Any] = []
    for item, attachment_id in zip(files, ids, strict=True):
        row = rows.get(attachment_id)
        if row is None:
            described.append(item)
            continue
        described.append(
            {
                "id": str(row["id"]),
                "filename": row["filename"],
                "content_type": row["content_type"],
                "size": int(row["size"] or 0),
                "url": f"/api/attachments/{row['id']}",
            }
        )
    return described


def prepared_view(item: Prepared) -> dict[str, Any]:
    """How an inbound file is described on its timeline entry (``data["attachments"]``)."""
    return {
        "id": str(item.id),
        "filename": item.filename,
        "content_type": item.content_type,
        "size": item.size,
        "status": item.status,
        "error": item.error,
        "url": f"/api/attachments/{item.id}",
    }
