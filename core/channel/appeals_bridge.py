"""The channel SDK's calls into the members and appeals domains, in one place.

Imports are deferred: the SDK module loads without those packages, and their services are
imported only when a message actually moves.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import msgspec

from unionline.access import Actor
from unionline.channel.types import ChannelAccount, InboundMessage, SentElsewhere
from unionline.errors import Invalid
from unionline.spi import IdentityClaim

log = logging.getLogger("unionline.channel")


async def resolve_member(claim: IdentityClaim) -> uuid.UUID:
    from unionline.members.services import resolve_member as resolve

    return await resolve(claim)


async def receive(
    account: ChannelAccount[Any, Any],
    member_id: uuid.UUID,
    message: InboundMessage,
    files: list[dict[str, Any]],
) -> tuple[uuid.UUID, int]:
    """Store the message on the member's appeal; returns (appeal id, timeline entry id)."""
    from unionline.appeals.services import receive_message

    data = dict(message.data)
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


class AppealBrief(msgspec.Struct, frozen=True, kw_only=True):
    """What a channel needs of an appeal to address a message: its number and subject."""

    id: uuid.UUID
    number: str
    subject: str
    status: str
    organization_id: uuid.UUID
    member_id: uuid.UUID


async def appeal_brief(appeal_id: uuid.UUID) -> AppealBrief | None:
    """The appeal's number, subject and status (None when it does not exist)."""
    return await _brief("id = {}", appeal_id)


async def appeal_by_number(organization_id: uuid.UUID, number: str) -> AppealBrief | None:
    """The appeal of ``organization_id`` numbered ``number`` (``PPO-2026-42``), if any."""
    return await _brief("organization_id = {} AND number = {}", organization_id, number)


async def _brief(where: str, *args: Any) -> AppealBrief | None:
    from unionline.appeals import store
    from unionline.runtime import current

    row = await current().db.fetchone(
        "SELECT id, number, subject, status, organization_id, member_id FROM appeal_appeal"
        f" WHERE {where}",
        *args,
    )
    if row is None:
        return None
    row = store.normalize(row)
    return AppealBrief(
        id=row["id"],
        number=row["number"],
        subject=row["subject"],
        status=row["status"],
        organization_id=row["organization_id"],
        member_id=row["member_id"],
    )


async def reply_target(appeal_id: uuid.UUID) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """The account a reply to the appeal would go out on (the member's last message's, else
    the appeal's own) and the appeal's member; (None, None) when the appeal does not exist."""
    from unionline.appeals import store
    from unionline.appeals.actions import reply_route
    from unionline.runtime import current

    row = await current().db.fetchone(
        "SELECT id, channel, channel_account_id, member_id FROM appeal_appeal WHERE id = {}",
        appeal_id,
    )
    if row is None:
        return None, None
    row = store.normalize(row)
    _, account_id = await reply_route(row)
    return account_id, row["member_id"]


async def automatic_reply(appeal_id: uuid.UUID, text: str) -> int:
    """Queue an automatic acknowledgement to the member, in the caller's transaction (it is
    no response: SLA and status stay as they were); returns its timeline entry id."""
    from unionline.appeals.services import add_reply

    entry = await add_reply(None, appeal_id, text, acknowledgement=True)
    return entry.id


async def record_sent_elsewhere(
    account: ChannelAccount[Any, Any], member_id: uuid.UUID, echo: SentElsewhere
) -> tuple[uuid.UUID, int] | None:
    """Show ``echo`` on the member's appeal as an outgoing message; None without an appeal."""
    from unionline.appeals.services import record_sent_elsewhere as record

    data = dict(echo.data)
    if echo.sent_at is not None:
        data.setdefault("sent_at", echo.sent_at)
    stored = await record(
        organization_id=account.organization_id,
        member_id=member_id,
        channel=account.channel,
        channel_account_id=account.id,
        text=echo.text,
        external_id=echo.external_id,
        data=data,
    )
    return (stored[0].id, stored[1].id) if stored else None


async def known_member(kind: str, address: str) -> uuid.UUID | None:
    """The member who has the contact point, without creating one."""
    from unionline.members import normalize
    from unionline.members.records import canonical_member, owner_of

    try:
        owner = await owner_of(kind, normalize.contact(kind, address))
    except Invalid:
        return None
    return await canonical_member(owner) if owner else None


async def delivery_updated(
    entry_id: int, status: str, *, error: str | None, external_id: str | None
) -> None:
    """Write the status to the timeline entry and publish ``appeal.delivery_updated``."""
    from unionline.appeals.services import update_delivery

    await update_delivery(entry_id, status, error=error, external_id=external_id)


async def check_appeal_visible(actor: Actor, appeal_id: uuid.UUID) -> None:
    """NotFound unless ``actor`` may read the appeal (``appeals.read`` over its organization)."""
    from unionline.appeals.services import get_appeal

    await get_appeal(actor, appeal_id)


async def contact_address(member_id: uuid.UUID, kind: str) -> str | None:
    """The member's first usable (not blocked) contact point of ``kind``."""
    from unionline.members.tables import ContactPoint

    row = (
        await ContactPoint.select(ContactPoint.address)
        .where(
            (ContactPoint.member_id == member_id)
            & (ContactPoint.kind == kind)
            & (ContactPoint.blocked == False)  # noqa: E712 - piccolo builds SQL from ==
        )
        .order_by(ContactPoint.created_at)
        .first()
    )
    return row["address"] if row else None


async def block_contact(kind: str, address: str, reason: str) -> None:
    """Mark the contact point blocked, so operators see why messages do not arrive."""
    from unionline.members.contacts import set_contact_blocked

    try:
        await set_contact_blocked(kind, address, True, reason)
    except Exception:  # the delivery still fails visibly; never let this resend the message
        log.exception("could not mark %s %s blocked", kind, address)


async def unblock_contact(kind: str, address: str) -> None:
    """Clear a contact point's blocked mark (the member unblocked us, e.g. Telegram)."""
    from unionline.members.contacts import set_contact_blocked

    await set_contact_blocked(kind, address, False, "")


async def link_verified_phone(claim: IdentityClaim, phone: str) -> uuid.UUID:
    """The member for ``claim`` whose provider vouched that ``phone`` is the sender's own
    (Telegram's "share my phone"), joining the two contact points:

    * the phone's member gets the claim's contact point when nobody has it;
    * a provisional member made from the claim's earlier messages is merged into the phone's
      member, so the conversation follows;
    * a phone nobody has is added to the claim's member;
    * two different non-provisional members are left alone (an operator decides).
    """
    from unionline.members import normalize
    from unionline.members.identity import find_or_create
    from unionline.members.merge import merge_members
    from unionline.members.records import canonical_member, insert_contact, owner_of
    from unionline.members.schemas import MergeRequest
    from unionline.members.tables import Member

    phone = normalize.phone(phone)
    address = normalize.contact(claim.kind, claim.address)
    by_phone, by_claim = await owner_of("phone", phone), await owner_of(claim.kind, address)
    if by_phone is None:
        member_id = await canonical_member(by_claim or await find_or_create(claim))
        await insert_contact(member_id, "phone", phone, verified=True)
        return member_id
    target = await canonical_member(by_phone)
    if by_claim is None:
        await insert_contact(target, claim.kind, address, verified=True)
        return target
    source = await canonical_member(by_claim)
    row = await Member.select(Member.provisional).where(Member.id == source).first()
    if source != target and row is not None and row["provisional"]:
        await merge_members(None, MergeRequest(source_id=source, target_id=target))
        return target
    if source != target:
        log.warning(
            "%s %s shared the phone of another member; left to an operator", claim.kind, address
        )
    return source
