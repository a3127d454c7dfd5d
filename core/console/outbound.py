"""An operator writes first: where a message can reach a member, and a new appeal that opens
with the operator's message on the chosen channel account.

``GET /api/members/{member_id}/reach`` lists the channel accounts that can carry a reply to
this member — an active account of the member's organization or of one above it, of a channel
that carries text, for which the member has a contact point of that channel's kind that is not
blocked. ``POST /api/appeals/outbound`` opens an appeal on one of them, assigned to the
operator, and queues the message, in one transaction: either all of it exists or none.

It lives with the console (a layer that may use both the appeals domain and the channel SDK):
the appeals domain knows accounts by id only, the SDK knows which channels carry text.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar import get, post
from litestar.params import FromPath, JSONBody

from unionline import text
from unionline.access import Actor
from unionline.appeals import guard
from unionline.appeals.schemas import AppealView, Subject
from unionline.appeals.services import add_reply, claim, create_appeal, get_appeal
from unionline.channel.registered import get_channel
from unionline.channel.replies import reply_limits
from unionline.errors import Invalid
from unionline.members.services import get_member
from unionline.organizations.services import ancestors
from unionline.runtime import current
from unionline.web import CurrentActor

Message = Annotated[text.Text, msgspec.Meta(min_length=1, max_length=100_000)]


class ReachOption(msgspec.Struct, kw_only=True):
    """A way to write to the member: through this account, to this address."""

    channel: str
    account_id: uuid.UUID
    account_name: str
    contact_kind: str
    address: str
    # An SMS account's part limit (ChannelType.account_capabilities), which the dialog's
    # counter counts to, as the reply composer does; null for a channel without one.
    sms_segments: int | None = None


class OutboundStart(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    member_id: uuid.UUID
    channel_account_id: uuid.UUID
    text: Message
    subject: Subject = ""


class _Account(msgspec.Struct):
    id: uuid.UUID
    channel: str
    name: str


async def reach(actor: Actor, member_id: uuid.UUID) -> list[ReachOption]:
    """The accounts and addresses a new conversation with the member can start on; the
    caller must be able to open appeals in the member's organization."""
    member = await get_member(actor, member_id)
    await guard.authorize_org(actor, guard.MANAGE, member.organization_id, field="member_id")
    orgs = await ancestors(member.organization_id)
    marks = ", ".join("{}" for _ in orgs)
    accounts = await current().db.fetch_as(
        _Account,
        "SELECT id, channel, name FROM channel_account WHERE status = 'active'"
        f" AND organization_id IN ({marks}) ORDER BY channel, name",
        *orgs,
    )
    options = []
    for account in accounts:
        kind = _text_contact_kind(account.channel)
        if kind is None:
            continue
        limits = await reply_limits(account.channel, account.id)
        for contact in member.contacts:
            if contact.kind == kind and not contact.blocked:
                options.append(
                    ReachOption(
                        channel=account.channel,
                        account_id=account.id,
                        account_name=account.name,
                        contact_kind=kind,
                        address=contact.address,
                        sms_segments=limits.sms_segments,
                    )
                )
    return options


def _text_contact_kind(channel: str) -> str | None:
    """The contact kind a channel writes to, when it is enabled and carries text."""
    if channel not in current().registry.channels:
        return None
    found = get_channel(channel)
    return found.contact_kind if found.capabilities.text else None


async def start(actor: Actor, data: OutboundStart) -> AppealView:
    """A new appeal on ``data.channel_account_id``, assigned to ``actor``, opening with the
    operator's message (queued like any reply)."""
    options = await reach(actor, data.member_id)
    chosen = next((o for o in options if o.account_id == data.channel_account_id), None)
    if chosen is None:
        raise Invalid("this channel account cannot reach the member", field="channel_account_id")
    member = await get_member(actor, data.member_id)
    async with current().db.transaction():
        appeal = await create_appeal(
            actor,
            organization_id=member.organization_id,
            member_id=member.id,
            subject=data.subject,
            channel=chosen.channel,
            channel_account_id=chosen.account_id,
        )
        await claim(actor, appeal.id)
        await add_reply(actor, appeal.id, data.text)
    return await get_appeal(actor, appeal.id)


@get("/api/members/{member_id:uuid}/reach", tags=["members"])
async def member_reach(actor: CurrentActor, member_id: FromPath[uuid.UUID]) -> list[ReachOption]:
    """Where a new conversation with the member can start: channel accounts that carry text
    and the member's addresses on them."""
    return await reach(actor, member_id)


@post("/api/appeals/outbound", tags=["appeals"])
async def outbound_appeal(actor: CurrentActor, data: JSONBody[OutboundStart]) -> AppealView:
    """Write to a member first: a new appeal on the chosen account, assigned to the caller,
    opening with the message (201)."""
    return await start(actor, data)


def outbound_routes() -> list[Any]:
    return [member_reach, outbound_appeal]
