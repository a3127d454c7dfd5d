"""A channel's own entry rewritten in place: what a phone call's entry needs as the call goes on.

A message is stored once and then only revised by the member (an edit) or joined (an album's
part). A call is different: its entry is made at the first event the provider reports and then
changes with every later one (ringing, answered, ended, the recording) — the same entry, found
by the account and the ``external_id`` it was stored with (an ``InboundMessage``'s or a
``SentElsewhere``'s). Files added here are stored like a message's (a provider reference is
fetched by the ``channel.fetch_attachment`` job through the channel's ``fetch_attachment``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from unionline.appeals.message_updates import update_message
from unionline.appeals.schemas import TimelineEntryView
from unionline.channel import attachments
from unionline.channel.types import Attachment, ChannelAccount
from unionline.runtime import current
from unionline.text import storable

EntryRewrite = Callable[[str, dict[str, Any]], tuple[str, dict[str, Any]]]
_KINDS = ("message_in", "message_out")


class UpdatedEntry(msgspec.Struct, frozen=True, kw_only=True):
    """An entry as ``update_entry`` left it."""

    entry_id: int
    appeal_id: uuid.UUID
    member_id: uuid.UUID
    body: str
    data: dict[str, Any]


async def update_entry(
    account: ChannelAccount[Any, Any],
    external_id: str,
    rewrite: EntryRewrite,
    *,
    attachments_added: Sequence[Attachment] = (),
) -> UpdatedEntry | None:
    """Rewrite the entry this account stored for ``external_id`` (a member's message or a
    message sent elsewhere) in the caller's transaction: ``rewrite(body, data)`` answers the new
    body and data; files are added to ``data["attachments"]``. Publishes
    ``appeal.message_updated`` (change ``updated``). None when there is no such entry.

    The entry is locked while it is rewritten, so events of one call arriving together land one
    after the other.
    """
    prepared = [await attachments.prepare(a) for a in attachments_added]
    db = current().db
    async with db.transaction():
        found = await _entry_of(account, external_id)
        if found is None:
            return None
        await attachments.insert_inbound(prepared, account)
        files = [attachments.prepared_view(p) for p in prepared]

        def apply(entry: TimelineEntryView) -> tuple[str, dict[str, Any]]:
            body, data = rewrite(entry.body, dict(entry.data))
            body, data = storable(body), storable(data)
            if files:
                data["attachments"] = [*data.get("attachments", []), *files]
            return body, data

        entry = await update_message(found, apply, change="updated", kinds=_KINDS)
        await attachments.link(
            [p.id for p in prepared], entry.appeal_id, entry.id, account.organization_id
        )
    return UpdatedEntry(
        entry_id=entry.id,
        appeal_id=entry.appeal_id,
        member_id=entry.member_id,
        body=entry.body,
        data=entry.data,
    )


async def _entry_of(account: ChannelAccount[Any, Any], external_id: str) -> int | None:
    row = await current().db.fetchone(
        "SELECT id FROM appeal_timeline WHERE channel_account_id = {} AND external_id = {}"
        " AND kind IN ({}, {}) ORDER BY id LIMIT 1",
        account.id,
        external_id,
        *_KINDS,
    )
    return int(row["id"]) if row is not None else None


async def discard_attachment(attachment_id: uuid.UUID, reason: str) -> str | None:
    """Drop a stored file's bytes and keep its row as a visible refusal (``status``
    ``rejected``, ``error`` the reason): a recording past its retention. Answers the bytes'
    SHA-256 for ``release_stored`` after the commit (None when there were none)."""
    db = current().db
    row = await db.fetchone("SELECT sha256 FROM channel_attachment WHERE id = {}", attachment_id)
    if row is None:
        return None
    await db.execute(
        "UPDATE channel_attachment SET status = 'rejected', error = {}, sha256 = NULL"
        " WHERE id = {}",
        storable(reason)[:300],
        attachment_id,
    )
    return row["sha256"]
