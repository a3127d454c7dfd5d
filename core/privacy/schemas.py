"""Bodies of the personal-data API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec

from unionline.appeals.schemas import AppealView, TimelineEntryView
from unionline.audit.schemas import AuditEntryView
from unionline.members.schemas import MemberView

EXPORT_FORMAT = "unionline.member-export/1"


class AppealExport(msgspec.Struct, kw_only=True):
    appeal: AppealView
    timeline: list[TimelineEntryView]


class AttachmentExport(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    appeal_id: uuid.UUID | None
    entry_id: int | None
    direction: str
    filename: str
    content_type: str
    size: int
    status: str
    sha256: str | None
    file: str | None  # its path inside the ZIP export; None when no bytes are stored


class MemberExport(msgspec.Struct, kw_only=True):
    """Everything Unionline holds about one member, for the member (or a regulator)."""

    format: str
    exported_at: datetime
    complete: bool  # False: some appeals lie outside the exporting administrator's scope
    member: MemberView
    merged_members: list[MemberView]  # duplicates merged into this member earlier
    appeals: list[AppealExport]
    attachments: list[AttachmentExport]
    access_log: list[AuditEntryView]  # who read or changed the member's data, oldest first
    extra: dict[str, Any]  # contributions of further sections (plugins), by section name


class ErasureReport(msgspec.Struct, kw_only=True):
    member_id: uuid.UUID
    erased_at: datetime
    members: int  # the member and the duplicates merged into it
    contact_points: int  # deleted
    appeals: int  # kept with their numbers; subjects and custom fields cleared
    messages: int  # message and note bodies replaced by a tombstone
    attachments: int  # unlinked from their files
    files_deleted: int  # files removed from the attachment storage
