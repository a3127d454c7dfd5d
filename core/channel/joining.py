"""Messages that change an earlier timeline entry instead of adding one: an edit
(``InboundMessage.edit_of``) becomes a revision of its original, an album's later part
(``part_of``) joins the entry of its first.

Races are settled by unique keys, as redeliveries are. An edit first claims its original's key
in ``channel_inbound``: it gets it only when the original was never stored (sent before the
account was connected, or still to come) — then the edit is stored as a new message marked
edited, and an original arriving later is absorbed as already stored; otherwise the claim waits
for the original's transaction and the edit revises the entry it made. An album's first part
claims the album's key in ``channel_inbound_group``; a part arriving at the same moment waits on
that claim and then joins the entry.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import msgspec

from unionline.appeals.message_updates import Rewrite
from unionline.appeals.schemas import TimelineEntryView
from unionline.channel.content import Revision, StoredContent, read, stored, written_at
from unionline.channel.types import ChannelAccount, InboundMessage
from unionline.runtime import current


async def claim(
    account: ChannelAccount[Any, Any], external_id: str, kind: str, address: str, conversation: str
) -> uuid.UUID | None:
    """A new ``channel_inbound`` row for ``external_id``; None when it was stored before."""
    inbound_id = uuid.uuid4()
    row = await current().db.fetchone(
        "INSERT INTO channel_inbound (id, account_id, external_id, key, sender_kind,"
        " sender_address, conversation, received_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {})"
        " ON CONFLICT (key) DO NOTHING RETURNING id",
        inbound_id,
        account.id,
        external_id,
        f"{account.id}:{external_id}",
        kind,
        address,
        conversation,
        time.time(),
    )
    return inbound_id if row is not None else None


class Original(msgspec.Struct, frozen=True, kw_only=True):
    """What an edit revises: the original's entry, or (unknown original) its claimed key."""

    entry_id: int | None = None
    member_id: uuid.UUID | None = None
    claimed: uuid.UUID | None = None  # the original's channel_inbound row, now this edit's


class _Row(msgspec.Struct):
    entry_id: int | None
    member_id: uuid.UUID | None
    sender_kind: str
    sender_address: str


async def original_of(
    account: ChannelAccount[Any, Any], message: InboundMessage, conversation: str
) -> Original:
    """The entry ``message`` (an edit) revises — only a message of the same sender."""
    assert message.edit_of is not None
    sender = message.sender
    claimed = await claim(account, message.edit_of, sender.kind, sender.address, conversation)
    if claimed is not None:
        return Original(claimed=claimed)
    row = await current().db.fetch_one_as(
        _Row,
        "SELECT entry_id, member_id, sender_kind, sender_address FROM channel_inbound"
        " WHERE key = {}",
        f"{account.id}:{message.edit_of}",
    )
    if row is None or (row.sender_kind, row.sender_address) != (sender.kind, sender.address):
        return Original()
    return Original(entry_id=row.entry_id, member_id=row.member_id)


async def album_entry(account: ChannelAccount[Any, Any], part_of: str) -> int | None:
    """The entry an earlier part of album ``part_of`` made; None when this part is the first
    (the album is claimed for it: :func:`set_album_entry` names its entry)."""
    db = current().db
    key = f"{account.id}:{part_of}"
    claimed = await db.fetchone(
        "INSERT INTO channel_inbound_group (id, key, account_id, part_of, created_at)"
        " VALUES ({}, {}, {}, {}, {}) ON CONFLICT (key) DO NOTHING RETURNING id",
        uuid.uuid4(),
        key,
        account.id,
        part_of,
        time.time(),
    )
    if claimed is not None:
        return None
    row = await db.fetchone("SELECT entry_id FROM channel_inbound_group WHERE key = {}", key)
    return int(row["entry_id"]) if row and row["entry_id"] is not None else None


async def set_album_entry(account: ChannelAccount[Any, Any], part_of: str, entry_id: int) -> None:
    await current().db.execute(
        "UPDATE channel_inbound_group SET entry_id = {} WHERE key = {}",
        entry_id,
        f"{account.id}:{part_of}",
    )


# -- what the entry becomes -----------------------------------------------------------------


def revision(message: InboundMessage, files: list[dict[str, Any]]) -> Rewrite:
    """The entry with ``message``'s text as its current one and the text it had kept among
    its revisions. An edit without text (new media, a moving live location) keeps the text;
    an edit older than the current text (arriving late) only joins the history."""
    at = written_at(message)

    def rewrite(entry: TimelineEntryView) -> tuple[str, dict[str, Any]]:
        if entry.data.get("erased"):
            return entry.body, entry.data  # the member's data was erased: nothing comes back
        content = read(entry.data)
        body, revisions, edited_at = _texts(entry, content, message.text, at)
        content = msgspec.structs.replace(
            content,
            location=message.location or content.location,
            warnings=_merged(content.warnings, message.warnings),
            edited=True,
            edited_at=edited_at,
            revisions=revisions,
        )
        return body, _data(entry, content, files)

    return rewrite


def part(message: InboundMessage, files: list[dict[str, Any]]) -> Rewrite:
    """The album's entry with ``message``'s files added; its text is the first non-empty."""

    def rewrite(entry: TimelineEntryView) -> tuple[str, dict[str, Any]]:
        if entry.data.get("erased"):
            return entry.body, entry.data
        content = read(entry.data)
        content = msgspec.structs.replace(
            content,
            forward_origin=content.forward_origin or message.forward_origin,
            reply_to=content.reply_to or message.reply_to,
            location=content.location or message.location,
            warnings=_merged(content.warnings, message.warnings),
        )
        return entry.body or message.text, _data(entry, content, files)

    return rewrite


def _texts(
    entry: TimelineEntryView, content: StoredContent, text: str, at: float
) -> tuple[str, tuple[Revision, ...], float | None]:
    """(current text, earlier texts oldest first, when the current text was written)."""
    if not text or text == entry.body:
        return entry.body, content.revisions, content.edited_at
    current_at = content.edited_at or _sent_at(entry)
    if at < current_at:
        earlier = sorted((*content.revisions, Revision(text=text, at=at)), key=lambda r: r.at)
        return entry.body, tuple(earlier), content.edited_at
    return text, (*content.revisions, Revision(text=entry.body, at=current_at)), at


def _sent_at(entry: TimelineEntryView) -> float:
    sent = entry.data.get("sent_at")
    return float(sent) if isinstance(sent, int | float) else entry.created_at.timestamp()


def _merged(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(w for w in (*old, *new) if w))


def _data(
    entry: TimelineEntryView, content: StoredContent, files: list[dict[str, Any]]
) -> dict[str, Any]:
    earlier = entry.data.get("attachments")
    return {
        **entry.data,
        **stored(content),
        "attachments": [*(earlier if isinstance(earlier, list) else []), *files],
    }
