"""What an operator's reply may hold on the account it goes out on, asked before the reply is
stored: the account's capabilities (:meth:`ChannelType.account_capabilities`) for the console's
counter, and the channel's ``message_refusal`` of the reply as it would be sent (the one
mechanism :func:`~unionline.channel.send_refusal` asks) for a 422 naming the field — so
nothing is queued that the channel then refuses, e.g. an SMS over the account's part limit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import msgspec

from unionline.appeals.ports import ReplyRefusal
from unionline.appeals.schemas import ReplyLimits
from unionline.channel import attachments
from unionline.channel.accounts import load_account
from unionline.channel.buttons import send_refusal
from unionline.channel.registered import channel_types, get_channel
from unionline.channel.types import Capabilities, ChannelAccount, OutboundMessage
from unionline.errors import ServiceError


async def reply_limits(channel: str, account_id: uuid.UUID | None) -> ReplyLimits:
    """The account's limits (its type's when it cannot be loaded; none for a channel type
    not enabled here)."""
    account = await _account(account_id)
    if account is not None:
        return _limits(account.channel, account_id, _capabilities(account))
    kind = channel_types().get(channel)
    return _limits(channel, account_id, kind.capabilities if kind else Capabilities())


async def reply_refusal(
    account_id: uuid.UUID, appeal_id: uuid.UUID, text: str, file_ids: Sequence[uuid.UUID]
) -> ReplyRefusal | None:
    """Why the account would refuse the reply for what it holds, naming the field: the files
    when the text alone would go, else the text; None when it takes it."""
    account = await _account(account_id)
    if account is None:
        return None  # a vanished account or a channel not enabled: the delivery fails visibly
    message = OutboundMessage(
        id=uuid.uuid4(),
        entry_id=0,
        appeal_id=appeal_id,
        organization_id=account.organization_id,
        member_id=None,
        recipient="",
        text=text,
        attachments=tuple(await attachments.for_outbound(list(file_ids), appeal_id)),
    )
    reason = send_refusal(account, message)
    if not reason:
        return None
    alone = msgspec.structs.replace(message, attachments=())
    field = "attachments" if message.attachments and not send_refusal(account, alone) else "text"
    limits = _limits(account.channel, account_id, _capabilities(account))
    return ReplyRefusal(reason=reason, field=field, limits=limits)


def _capabilities(account: ChannelAccount[Any, Any]) -> Capabilities:
    return get_channel(account.channel).account_capabilities(account)


def _limits(channel: str, account_id: uuid.UUID | None, caps: Capabilities) -> ReplyLimits:
    return ReplyLimits(
        channel=channel,
        channel_account_id=account_id,
        max_text_length=caps.max_text_length,
        sms_segments=caps.sms_segments,
    )


async def _account(account_id: uuid.UUID | None) -> ChannelAccount[Any, Any] | None:
    if account_id is None:
        return None
    try:
        return await load_account(account_id)
    except ServiceError:  # gone, or its channel type not enabled in this process
        return None
