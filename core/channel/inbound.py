"""The inbound path: verify → decode → one transaction (dedup, identity, appeal, event) → 2xx.

A provider's redelivery (the same ``external_id`` on the same account) hits the unique key of
``channel_inbound`` and is absorbed: answered 2xx, stored once — also when the copies arrive
concurrently, since the second insert waits for the first transaction and then does nothing.
The answer is sent only after the transaction committed, so "acknowledged" means "durable".
What a message carries beyond text and files is kept on its entry in one shape
(:mod:`.content`); an edit becomes a revision of its original's entry and an album's parts join
one entry (:mod:`.joining`), each still deduplicated by its own ``external_id``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from typing import Any

import msgspec
from litestar import Request, Response

from unionline.appeals.message_updates import update_message
from unionline.appeals.services import receive_message, record_sent_elsewhere
from unionline.channel import attachments, content, joining
from unionline.channel.accounts import find_account
from unionline.channel.registered import get_channel
from unionline.channel.types import (
    ChannelAccount,
    DeliveryReport,
    InboundMessage,
    InboundRequest,
    SentElsewhere,
)
from unionline.errors import NotFound, UnsupportedUpdate
from unionline.members.linking import member_of_contact
from unionline.members.services import resolve_member
from unionline.runtime import current
from unionline.spi import IdentityClaim
from unionline.text import without_nul

log = logging.getLogger("unionline.channel.inbound")


class StoredInbound(msgspec.Struct, frozen=True, kw_only=True):
    """What became of one inbound message."""

    external_id: str
    duplicate: bool  # already stored by an earlier delivery of the same update
    inbound_id: uuid.UUID | None = None
    member_id: uuid.UUID | None = None
    appeal_id: uuid.UUID | None = None
    entry_id: int | None = None


class IngestResult(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome of one provider update (handed to ``ChannelType.acknowledge``)."""

    messages: tuple[StoredInbound, ...] = ()
    reports: int = 0  # delivery reports applied
    echoes: int = 0  # messages sent outside Unionline, newly shown on appeals
    unsupported: str | None = None  # why nothing was stored, for an unsupported update

    @property
    def stored(self) -> int:
        return sum(1 for m in self.messages if not m.duplicate)


async def to_request(request: Request[Any, Any, Any]) -> InboundRequest:
    return InboundRequest(
        method=request.method,
        path=request.url.path,
        headers={k.lower(): v for k, v in request.headers.items()},
        query={k: v for k, v in request.query_params.items()},
        body=await request.body(),
    )


async def handle_webhook(
    request: Request[Any, Any, Any], channel: str, account_key: str
) -> Response[bytes]:
    """Run a provider's webhook call through the inbound path; a channel's route returns this.

    An unknown or disabled account answers 404, a bad signature 401/403 (``verify``), an
    unsupported update 200 with nothing stored.
    """
    account = await find_account(channel, account_key)
    if account is None or account.status == "disabled":
        raise NotFound(f"no {channel} account {account_key!r}", field="account")
    inbound = await to_request(request)
    result = await ingest(account, inbound)
    reply = get_channel(channel).acknowledge(account, inbound, result)
    return Response(content=reply.body, status_code=reply.status_code, media_type=reply.media_type)


async def ingest(account: ChannelAccount[Any, Any], request: InboundRequest) -> IngestResult:
    """Verify and decode ``request`` with the account's channel, then store what it holds."""
    channel = get_channel(account.channel)
    await channel.verify(account, request)
    try:
        decoded = list(await channel.decode(account, request))
    except UnsupportedUpdate as exc:
        log.info(
            "%s account %s: unsupported update answered 200: %s", account.channel, account.id, exc
        )
        return IngestResult(unsupported=str(exc) or "unsupported update")
    if not decoded:
        log.info("%s account %s: update with nothing to store", account.channel, account.id)
        return IngestResult(unsupported="nothing to store")
    return await store_inbound(account, decoded)


async def store_inbound(
    account: ChannelAccount[Any, Any],
    items: Sequence[InboundMessage | DeliveryReport | SentElsewhere],
) -> IngestResult:
    """Store decoded messages and echoes and apply delivery reports, all in one transaction.

    Pollers (long polling, IMAP) call this directly and commit their provider offset only after
    it returns.
    """
    from unionline.channel.outbound import report_delivery

    # A member's message is never refused for a NUL (PostgreSQL text cannot hold one, and a
    # refusal would lose the message or make the provider retry it forever): it is dropped.
    items = [without_nul(item) for item in items]
    messages = [m for m in items if isinstance(m, InboundMessage)]
    files = [[await attachments.prepare(a) for a in m.attachments] for m in messages]
    stored: list[StoredInbound] = []
    reports = echoes = 0
    async with current().db.transaction():
        for message, prepared in zip(messages, files, strict=True):
            stored.append(await _store_one(account, message, prepared))
        for item in items:
            if isinstance(item, DeliveryReport):
                reports += await report_delivery(
                    account.id, item.external_id, item.status, error=item.error, note=item.note
                )
            elif isinstance(item, SentElsewhere):
                echoes += await _store_echo(account, item)
    return IngestResult(messages=tuple(stored), reports=reports, echoes=echoes)


async def _store_echo(account: ChannelAccount[Any, Any], echo: SentElsewhere) -> int:
    """A message sent outside Unionline, on the member's appeal; 1 when newly shown."""
    to = echo.recipient
    inbound_id = await joining.claim(account, echo.external_id, to.kind, to.address, to.address)
    if inbound_id is None:
        return 0
    member_id = await member_of_contact(to.kind, to.address)
    shown = await _record_echo(account, member_id, echo) if member_id else None
    if shown is None:
        log.info("%s account %s: %s sent elsewhere to %s, who has no appeal here; not shown",
                 account.channel, account.id, echo.external_id, to.address)  # fmt: skip
        return 0
    await _record(inbound_id, member_id, shown[0], shown[1])
    return 1


async def _store_one(
    account: ChannelAccount[Any, Any], message: InboundMessage, prepared: list[attachments.Prepared]
) -> StoredInbound:
    conversation = message.conversation or message.sender.address
    sender = message.sender
    inbound_id = await joining.claim(
        account, message.external_id, sender.kind, sender.address, conversation
    )
    if inbound_id is None:
        return StoredInbound(external_id=message.external_id, duplicate=True)
    original = joining.Original()
    if message.edit_of is not None:
        original = await joining.original_of(account, message, conversation)
        if original.entry_id is not None:
            return await _store_revision(account, message, prepared, inbound_id, original)
    member_id = await resolve_member(
        IdentityClaim(
            kind=message.sender.kind,
            address=message.sender.address,
            organization_id=account.organization_id,
            channel=account.channel,
            display_name=message.sender.display_name,
            verified=message.sender.verified,
            profile=message.sender.profile,
        )
    )
    await attachments.insert_inbound(prepared, account)
    files = [attachments.prepared_view(p) for p in prepared]
    appeal_id, entry_id = await _receive_or_join(account, member_id, message, files)
    await attachments.link([p.id for p in prepared], appeal_id, entry_id, account.organization_id)
    # An edit's own row names no appeal: replies answer (reply_to) the member's messages, not
    # their edits. The original's key it claimed stands for the message it showed.
    await _record(inbound_id, member_id, None if message.edit_of else appeal_id, entry_id)
    if original.claimed is not None:
        await _record(original.claimed, member_id, appeal_id, entry_id)
    return StoredInbound(
        external_id=message.external_id,
        duplicate=False,
        inbound_id=inbound_id,
        member_id=member_id,
        appeal_id=appeal_id,
        entry_id=entry_id,
    )


async def _record(
    inbound_id: uuid.UUID, member_id: uuid.UUID | None, appeal_id: uuid.UUID | None, entry_id: int
) -> None:
    await current().db.execute(
        "UPDATE channel_inbound SET member_id = {}, appeal_id = {}, entry_id = {} WHERE id = {}",
        member_id,
        appeal_id,
        entry_id,
        inbound_id,
    )


async def _store_revision(
    account: ChannelAccount[Any, Any],
    message: InboundMessage,
    prepared: list[attachments.Prepared],
    inbound_id: uuid.UUID,
    original: joining.Original,
) -> StoredInbound:
    """An edit of a stored message: a revision of its entry, nothing new on the appeal."""
    assert original.entry_id is not None
    await attachments.insert_inbound(prepared, account)
    files = [attachments.prepared_view(p) for p in prepared]
    entry = await update_message(
        original.entry_id, joining.revision(message, files), change="revised"
    )
    await attachments.link(
        [p.id for p in prepared], entry.appeal_id, entry.id, account.organization_id
    )
    await _record(inbound_id, original.member_id, None, entry.id)
    return StoredInbound(
        external_id=message.external_id,
        duplicate=False,
        inbound_id=inbound_id,
        member_id=original.member_id,
        appeal_id=entry.appeal_id,
        entry_id=entry.id,
    )


async def _receive_or_join(
    account: ChannelAccount[Any, Any],
    member_id: uuid.UUID,
    message: InboundMessage,
    files: list[dict[str, Any]],
) -> tuple[uuid.UUID, int]:
    """A new entry for the message, or (a later part of an album) the album's entry."""
    if message.part_of is None:
        return await _receive(account, member_id, message, files)
    album = await joining.album_entry(account, message.part_of)
    if album is not None:
        entry = await update_message(album, joining.part(message, files), change="part_added")
        return entry.appeal_id, entry.id
    appeal_id, entry_id = await _receive(account, member_id, message, files)
    await joining.set_album_entry(account, message.part_of, entry_id)
    return appeal_id, entry_id


async def _receive(
    account: ChannelAccount[Any, Any],
    member_id: uuid.UUID,
    message: InboundMessage,
    files: list[dict[str, Any]],
) -> tuple[uuid.UUID, int]:
    """Store the message on the member's appeal; returns (appeal id, timeline entry id)."""
    data = {**message.data, **content.stored(content.content_of(message))}
    if message.sent_at is not None:
        data.setdefault("sent_at", message.sent_at)
    if message.sender.display_name:
        data.setdefault("sender_name", message.sender.display_name)
    appeal, entry = await receive_message(
        organization_id=account.organization_id,
        member_id=member_id,
        channel=account.channel,
        channel_account_id=account.id,
        text=message.text,
        external_id=message.external_id,
        attachments=files,
        data=data,
        subject=message.subject,
        continue_appeal=message.continue_appeal,
        new_appeal=message.new_appeal,
    )
    return appeal.id, entry.id


async def _record_echo(
    account: ChannelAccount[Any, Any], member_id: uuid.UUID, echo: SentElsewhere
) -> tuple[uuid.UUID, int] | None:
    """Show ``echo`` on the member's appeal as an outgoing message; None without an appeal."""
    data = dict(echo.data)
    if echo.sent_at is not None:
        data.setdefault("sent_at", echo.sent_at)
    stored = await record_sent_elsewhere(
        organization_id=account.organization_id,
        member_id=member_id,
        channel=account.channel,
        channel_account_id=account.id,
        text=echo.text,
        external_id=echo.external_id,
        data=data,
    )
    return (stored[0].id, stored[1].id) if stored else None
