"""Erase a member: personal fields anonymized, contact points deleted, message bodies replaced.

What stays: the member row as a tombstone (id, organization, status, dates), appeal numbers,
statuses, tags, SLA times and lifecycle entries (statistics), and the audit log, which never
held personal data. The event log keeps its events about the member, their text scrubbed
(:mod:`unionline.privacy.event_log`). Everything runs in one transaction;
``privacy.member_erased`` is published with it so plugins can erase what they hold.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from unionline.access import Actor
from unionline.appeals.tables import Appeal, TimelineEntry
from unionline.appeals.timeline import CONTENT_KINDS
from unionline.audit.services import record
from unionline.channel.storage import release_stored
from unionline.channel.tables import AttachmentRecord, DeliveryRecord, InboundRecord
from unionline.events import Event
from unionline.members.tables import ContactPoint, Member
from unionline.privacy.event_log import erase_event_text
from unionline.privacy.lookup import Holdings, holdings
from unionline.privacy.schemas import ErasureReport
from unionline.privacy.sections import sections
from unionline.runtime import current, publish

TOMBSTONE = "[удалено]"  # what an erased message, note or subject reads


class MemberErased(Event, tag="privacy.member_erased"):
    """A member's personal data was erased; ``member_ids`` includes merged duplicates."""

    member_id: uuid.UUID
    member_ids: list[uuid.UUID]


async def erase(actor: Actor, member_id: uuid.UUID, *, request: Any = None) -> ErasureReport:
    """Erase the member's personal data (and its merged duplicates'); audited as
    ``member.erase``. Refused (403) when some of it lies outside the actor's scope."""
    at = datetime.now(UTC)
    async with current().db.transaction():
        found, _ = await holdings(actor, member_id, whole=True)
        ids = found.member_ids
        contacts = await _count(ContactPoint, ContactPoint.member_id.is_in(ids))
        await ContactPoint.delete().where(ContactPoint.member_id.is_in(ids))
        await _anonymize_members(ids, at)
        messages = await _erase_appeals(found)
        unlinked, files = await _erase_attachments(found.appeal_ids)
        await erase_event_text([*found.appeal_ids, *ids], TOMBSTONE)
        for section in sections():
            await section.erase(ids)
        org = found.member.organization_id
        await record(actor, "member.erase", "member", member_id, org, request=request)
        await publish(MemberErased(organization_id=org, member_id=member_id, member_ids=ids))
    deleted = await _delete_files(files)
    return ErasureReport(
        member_id=member_id,
        erased_at=at,
        members=len(ids),
        contact_points=contacts,
        appeals=len(found.appeals),
        messages=messages,
        attachments=unlinked,
        files_deleted=deleted,
    )


async def _count(table: Any, where: Any) -> int:
    return int(await table.count().where(where))


async def _anonymize_members(ids: list[uuid.UUID], at: datetime) -> None:
    await Member.update(
        {
            Member.full_name: "",
            Member.search_name: "",
            Member.card_number: None,
            Member.card_key: None,
            Member.employer: "",
            Member.position: "",
            Member.consents: "{}",
            Member.custom_fields: "{}",
            Member.updated_at: at,
        }
    ).where(Member.id.is_in(ids))
    # The first erasure's time is kept: erasing again only re-checks that nothing is left.
    await Member.update({Member.erased_at: at}).where(
        Member.id.is_in(ids) & Member.erased_at.is_null()
    )


async def _erase_appeals(found: Holdings) -> int:
    """Subjects, custom fields, message and note bodies, senders and outbound copies."""
    appeal_ids = found.appeal_ids
    if not appeal_ids:
        return 0
    await Appeal.update({Appeal.subject: TOMBSTONE, Appeal.custom: {}}).where(
        Appeal.id.is_in(appeal_ids)
    )
    content = TimelineEntry.appeal_id.is_in(appeal_ids) & TimelineEntry.kind.is_in(
        list(CONTENT_KINDS)
    )
    messages = await _count(TimelineEntry, content & (TimelineEntry.body != TOMBSTONE))
    await TimelineEntry.update(
        {TimelineEntry.body: TOMBSTONE, TimelineEntry.data: {"erased": True}}
    ).where(content)
    # A reply still waiting to go out is not sent any more: its text is gone.
    await TimelineEntry.update({TimelineEntry.delivery_status: "failed"}).where(
        content & (TimelineEntry.delivery_status == "queued")
    )
    await DeliveryRecord.update(
        {DeliveryRecord.status: "failed", DeliveryRecord.last_error: "member's data erased"}
    ).where(DeliveryRecord.appeal_id.is_in(appeal_ids) & (DeliveryRecord.status == "queued"))
    await DeliveryRecord.update({DeliveryRecord.message: "{}"}).where(
        DeliveryRecord.appeal_id.is_in(appeal_ids)
    )
    await InboundRecord.update(
        {InboundRecord.sender_address: "", InboundRecord.conversation: ""}
    ).where(
        InboundRecord.appeal_id.is_in(appeal_ids) | InboundRecord.member_id.is_in(found.member_ids)
    )
    return messages


async def _erase_attachments(appeal_ids: list[uuid.UUID]) -> tuple[int, list[str]]:
    """Unlink the appeals' attachments from their files; answer how many and the files' SHAs."""
    if not appeal_ids:
        return 0, []
    mine = AttachmentRecord.appeal_id.is_in(appeal_ids)
    rows = await AttachmentRecord.select(AttachmentRecord.sha256).where(
        mine & AttachmentRecord.sha256.is_not_null()
    )
    await AttachmentRecord.update(
        {
            AttachmentRecord.filename: "erased",
            AttachmentRecord.sha256: None,
            AttachmentRecord.remote_ref: None,
            AttachmentRecord.status: "erased",
            AttachmentRecord.error: "erased with the member's personal data",
        }
    ).where(mine)
    return len(rows), sorted({r["sha256"] for r in rows})


async def _delete_files(shas: list[str]) -> int:
    """After commit, remove the files nothing uses any more: files are stored once by content,
    so another attachment or a plugin's upload may share one (``release_stored`` checks)."""
    deleted = 0
    for sha in shas:
        deleted += await release_stored(sha)
    return deleted
