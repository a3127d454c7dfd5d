"""Export what Unionline holds about one member: JSON, or a ZIP with the files as well."""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import UTC, datetime
from typing import Any

import msgspec

from unionline.access import Actor, scope_for
from unionline.appeals import store
from unionline.appeals.timeline import entries_of
from unionline.audit.services import entries_for, record
from unionline.channel.storage import storage
from unionline.channel.tables import AttachmentRecord
from unionline.errors import NotFound
from unionline.members.services import member_with_contacts
from unionline.privacy.lookup import MANAGE, Holdings, holdings
from unionline.privacy.schemas import (
    EXPORT_FORMAT,
    AppealExport,
    AttachmentExport,
    MemberExport,
)
from unionline.privacy.sections import section_files, sections


async def export(actor: Actor, member_id: uuid.UUID, *, request: Any = None) -> MemberExport:
    """The member's data as one document (audited as ``member.export``)."""
    found, complete = await holdings(actor, member_id, whole=False)
    document = await _document(actor, found, complete)
    await record(
        actor,
        "member.export",
        "member",
        member_id,
        found.member.organization_id,
        request=request,
    )
    return document


async def _document(actor: Actor, found: Holdings, complete: bool) -> MemberExport:
    member_id = found.member.id
    by_appeal: dict[uuid.UUID, list[Any]] = {}
    for entry in await entries_of(found.appeal_ids):
        by_appeal.setdefault(entry.appeal_id, []).append(entry)
    appeals = [
        AppealExport(appeal=store.view(a), timeline=by_appeal.get(a.id, [])) for a in found.appeals
    ]
    return MemberExport(
        format=EXPORT_FORMAT,
        exported_at=datetime.now(UTC),
        complete=complete,
        member=await member_with_contacts(member_id),
        merged_members=[await member_with_contacts(m) for m in found.member_ids if m != member_id],
        appeals=appeals,
        attachments=await _attachments(found.appeal_ids),
        access_log=await _access_log(actor, found),
        extra={s.name: await s.export(found.member_ids, found.appeal_ids) for s in sections()},
    )


async def _attachments(appeal_ids: list[uuid.UUID]) -> list[AttachmentExport]:
    if not appeal_ids:
        return []
    rows = (
        await AttachmentRecord.select()
        .where(AttachmentRecord.appeal_id.is_in(appeal_ids))
        .order_by(AttachmentRecord.created_at)
    )
    return [
        AttachmentExport(
            id=r["id"],
            appeal_id=r["appeal_id"],
            entry_id=r["entry_id"],
            direction=r["direction"],
            filename=r["filename"],
            content_type=r["content_type"],
            size=int(r["size"] or 0),
            status=r["status"],
            sha256=r["sha256"],
            file=f"attachments/{r['id']}/{r['filename']}" if r["sha256"] else None,
        )
        for r in rows
    ]


async def _access_log(actor: Actor, found: Holdings) -> list[Any]:
    scope = await scope_for(actor, MANAGE)
    entries = await entries_for([*found.member_ids, *found.appeal_ids])
    return [e for e in entries if scope.allows(e.organization_id)]


async def export_zip(actor: Actor, member_id: uuid.UUID, *, request: Any = None) -> bytes:
    """``member.json`` plus every stored file under ``attachments/<id>/<filename>`` and the
    sections' files under ``<section>/<path>`` (the mail channel: ``mail/<id>.eml``)."""
    document = await export(actor, member_id, request=request)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("member.json", msgspec.json.format(msgspec.json.encode(document)))
        for item in document.attachments:
            if item.file and item.sha256:
                try:
                    archive.writestr(item.file, await storage().get(item.sha256))
                except NotFound:
                    continue  # listed in member.json; the bytes are gone
        member_ids = [document.member.id, *(m.id for m in document.merged_members)]
        appeal_ids = [a.appeal.id for a in document.appeals]
        for section in sections():
            for path, data in await section_files(section, member_ids, appeal_ids):
                archive.writestr(f"{section.name}/{path}", data)
    return buffer.getvalue()
