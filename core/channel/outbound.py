"""The outbound path: a delivery row and its ``channel.deliver`` job, written in the transaction
of the timeline entry (``before_message_send`` has run by then: ``add_reply`` applies it, so the
timeline shows exactly what is sent); the job waits for a rate-limit token and calls the
channel's ``send()``. What ``send()`` raises decides what happens next:

* ``NotReady`` (and unexpected errors): retried with backoff, ``retry_after`` honoured, up to
  ``[channels] max_send_attempts`` sends; then failed visibly;
* ``AuthFailed``: the account is flagged ``needs_reauth`` (admins get an event) and the message
  waits for new credentials;
* ``PermanentFailure`` / ``RecipientBlocked``: failed visibly (a blocked contact point is marked);
* ``DeliveryUnknown``: status ``unknown``, never resent;
* ``SentUnreadable`` (the provider confirmed, its answer did not decode): status ``sent``, never
  resent; a ``msgspec`` decoding error escaping ``send()`` (an answer came back unreadable):
  status ``unknown``, never resent.

Every status change is written to the timeline entry and published as ``appeal.delivery_updated``.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence
from typing import Any

import msgspec

from unionline.appeals.actions import add_reply
from unionline.appeals.delivery import update_delivery
from unionline.appeals.delivery_statuses import advances
from unionline.appeals.ports import ReplyRefusal
from unionline.appeals.schemas import ReplyLimits, TimelineEntryView
from unionline.channel import attachments, replies
from unionline.channel.accounts import mark_needs_reauth, to_account
from unionline.channel.buttons import fit_buttons
from unionline.channel.config import channels_settings
from unionline.channel.contacts import block_contact
from unionline.channel.errors import DeliveryUnknown, RecipientBlocked, SentUnreadable
from unionline.channel.ratelimit import acquire, buckets
from unionline.channel.receipts import broadcast_receipt
from unionline.channel.registered import get_channel
from unionline.channel.tables import ChannelAccountRecord, DeliveryRecord
from unionline.channel.types import ChannelAccount, ChannelType, OutboundMessage
from unionline.errors import AuthFailed, Invalid, NotReady, PermanentFailure
from unionline.jobs import JobContext
from unionline.members.linking import contact_address
from unionline.runtime import current, enqueue

log = logging.getLogger("unionline.channel.outbound")

DELIVER_JOB = "channel.deliver"
# Waiting for a rate-limit token or for re-authorisation reschedules the job without a send;
# sends are counted (and limited) on the delivery row, so the job itself may run many times.
JOB_ATTEMPTS = 200


class DeliverJob(msgspec.Struct, frozen=True):
    delivery_id: uuid.UUID


class ChannelDelivery:
    """The channel SDK's :class:`~unionline.appeals.ports.DeliveryPort`: replies go out
    through ``channel.deliver`` jobs (installed by the SDK's ``runtime_started`` hook)."""

    async def queue(self, entry: TimelineEntryView, organization_id: uuid.UUID) -> None:
        await queue_entry(entry, organization_id)

    async def describe_files(self, files: Sequence[Any]) -> list[Any]:
        return await attachments.describe(files)

    async def limits(self, channel: str, account_id: uuid.UUID | None) -> ReplyLimits:
        return await replies.reply_limits(channel, account_id)

    async def refusal(
        self, account_id: uuid.UUID, appeal_id: uuid.UUID, text: str, files: Sequence[Any]
    ) -> ReplyRefusal | None:
        ids = _attachment_ids(list(files))
        return await replies.reply_refusal(account_id, appeal_id, text, ids)


async def queue_entry(entry: TimelineEntryView, organization_id: uuid.UUID) -> None:
    """Queue a ``message_out`` timeline entry, inside the reply's transaction. An appeal
    without a channel account fails visibly."""
    if entry.channel_account_id is None:
        await update_delivery(
            entry.id, "failed", error="the appeal has no channel account to reply on"
        )
        return
    ids = _attachment_ids(entry.data.get("attachments") or [])
    await queue_delivery(
        entry_id=entry.id,
        appeal_id=entry.appeal_id,
        organization_id=organization_id,
        account_id=entry.channel_account_id,
        member_id=entry.member_id,
        text=entry.body,
        attachment_ids=ids,
    )


async def automatic_reply(appeal_id: uuid.UUID, text: str) -> int:
    """Queue an automatic acknowledgement to the member ("we received your message"), in the
    caller's transaction; it is no response (SLA and status stay as they were). Returns its
    timeline entry id."""
    entry = await add_reply(None, appeal_id, text, acknowledgement=True)
    return entry.id


def _attachment_ids(files: list[Any]) -> list[uuid.UUID]:
    ids = []
    for i, item in enumerate(files):
        try:
            ids.append(uuid.UUID(str(item.get("id") if isinstance(item, dict) else item)))
        except ValueError:
            raise Invalid(
                "attachment ids come from POST /api/attachments", field=f"attachments[{i}]"
            ) from None
    return ids


async def queue_delivery(
    *,
    entry_id: int,
    appeal_id: uuid.UUID,
    organization_id: uuid.UUID,
    account_id: uuid.UUID,
    member_id: uuid.UUID | None,
    text: str,
    attachment_ids: Sequence[uuid.UUID] = (),
) -> uuid.UUID:
    """Queue a message_out timeline entry for sending, in the caller's transaction."""
    async with current().db.transaction():
        files = await attachments.for_outbound(list(attachment_ids), appeal_id)
        await attachments.link([f.id for f in files], appeal_id, entry_id, organization_id)
        recipient, reply_to = await reply_recipient(account_id, appeal_id, member_id)
        delivery_id = uuid.uuid4()
        message = OutboundMessage(
            id=delivery_id,
            entry_id=entry_id,
            appeal_id=appeal_id,
            organization_id=organization_id,
            member_id=member_id,
            recipient=recipient,
            text=text,
            attachments=tuple(files),
            reply_to=reply_to,
        )
        now = time.time()
        await DeliveryRecord.insert(
            DeliveryRecord(
                id=delivery_id,
                entry_id=entry_id,
                account_id=account_id,
                appeal_id=appeal_id,
                organization_id=organization_id,
                status="queued",
                message=msgspec.json.encode(message).decode(),
                created_at=now,
                updated_at=now,
            )
        )
        await enqueue(DELIVER_JOB, DeliverJob(delivery_id), key=f"{DELIVER_JOB}:{entry_id}")
    return delivery_id


async def reply_recipient(
    account_id: uuid.UUID, appeal_id: uuid.UUID, member_id: uuid.UUID | None
) -> tuple[str, str | None]:
    """Where the reply goes: the conversation the member last wrote from on this account
    (in this appeal, else in any), else the member's contact point of the channel's kind.
    Returns it with the member's last message id in this appeal (for ``reply_to``).
    Typing notices (:mod:`.typing_notice`) go to the same place."""
    db = current().db
    for column, value in (("appeal_id", appeal_id), ("member_id", member_id)):
        if value is None:
            continue
        row = await db.fetchone(
            f"SELECT conversation, external_id FROM channel_inbound WHERE account_id = {{}}"
            f" AND {column} = {{}} ORDER BY received_at DESC LIMIT 1",
            account_id,
            value,
        )
        if row:
            return row["conversation"], row["external_id"] if column == "appeal_id" else None
    account = (
        await ChannelAccountRecord.select(ChannelAccountRecord.channel)
        .where(ChannelAccountRecord.id == account_id)
        .first()
    )
    if account is None or member_id is None:
        return "", None
    kind = get_channel(account["channel"]).contact_kind
    return await contact_address(member_id, kind) or "", None


# -- the job ------------------------------------------------------------------------------------


async def deliver(ctx: JobContext, job: DeliverJob) -> None:
    row = await DeliveryRecord.select().where(DeliveryRecord.id == job.delivery_id).first()
    if row is None or row["status"] != "queued":
        return  # already settled: a job may run twice, a message is sent once
    account_row = (
        await ChannelAccountRecord.select()
        .where(ChannelAccountRecord.id == row["account_id"])
        .first()
    )
    if account_row is None or account_row["status"] == "disabled":
        await settle(row, "failed", error="the channel account is disabled")
        return
    channel = get_channel(account_row["channel"])
    if account_row["status"] == "needs_reauth":
        raise NotReady(
            f"account needs re-authorisation: {account_row['status_reason']}",
            retry_after=channels_settings().reauth_retry,
        )
    message = msgspec.json.decode(row["message"], type=OutboundMessage)
    if not message.recipient:
        await settle(row, "failed", error=f"the member has no {channel.contact_kind} address")
        return
    wait = await acquire(
        buckets(), str(row["account_id"]), channel.rate_limit, channels_settings().rate_limit_wait
    )
    if wait:
        raise NotReady("rate limit of the account", retry_after=wait)
    await _send(row, channel, to_account(account_row, channel), message)


async def _send(
    row: dict[str, Any],
    channel: ChannelType[Any, Any],
    account: ChannelAccount[Any, Any],
    message: OutboundMessage,
) -> None:
    sends = await _count_send(row)
    message = msgspec.structs.replace(message, attempt=sends)
    try:
        result = await channel.send(account, fit_buttons(channel, message))
    except DeliveryUnknown as exc:
        await settle(row, "unknown", error=str(exc) or "no answer after sending")
    except SentUnreadable as exc:
        await settle(row, "sent", external_id=exc.external_id, error=str(exc))
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        # An answer came back and could not be read: the message may well be out. Resending
        # it blindly is what sent members four copies when a provider changed a shape.
        await settle(row, "unknown", error=f"the provider's answer could not be read: {exc}")
    except RecipientBlocked as exc:
        await block_contact(channel.contact_kind, message.recipient, str(exc))
        await settle(row, "failed", error=f"blocked by the member: {exc}")
    except AuthFailed as exc:
        await mark_needs_reauth(account.id, str(exc) or "credentials refused")
        raise NotReady(
            f"credentials refused: {exc}", retry_after=channels_settings().reauth_retry
        ) from exc
    except PermanentFailure as exc:
        await settle(row, "failed", error=str(exc) or type(exc).__name__)
    except Exception as exc:
        await _transient(row, sends, exc)
    else:
        await settle(row, result.status, external_id=result.external_id, note=result.note)


async def _count_send(row: dict[str, Any]) -> int:
    found = await current().db.fetchone(
        "UPDATE channel_delivery SET attempts = attempts + 1, updated_at = {} WHERE id = {}"
        " RETURNING attempts",
        time.time(),
        row["id"],
    )
    return int(found["attempts"]) if found else 1


async def _transient(row: dict[str, Any], sends: int, exc: Exception) -> None:
    """A send that may work later: retry, unless the sends are used up (then fail visibly)."""
    error = str(exc) or type(exc).__name__
    if not isinstance(exc, NotReady):
        log.warning("delivery %s: send failed (%s); retrying", row["id"], error, exc_info=exc)
    await DeliveryRecord.update({DeliveryRecord.last_error: error[:2000]}).where(
        DeliveryRecord.id == row["id"]
    )
    if sends >= channels_settings().max_send_attempts:
        await settle(row, "failed", error=f"gave up after {sends} attempts: {error}")
        return
    if isinstance(exc, NotReady):
        raise exc
    raise NotReady(error) from exc


# -- statuses -----------------------------------------------------------------------------------


async def settle(
    row: dict[str, Any],
    status: str,
    *,
    external_id: str | None = None,
    error: str = "",
    note: str = "",
) -> bool:
    """Move a queued delivery to its outcome; False when another run settled it first."""
    key = f"{row['account_id']}:{external_id}" if external_id else None
    async with current().db.transaction():
        done = await current().db.fetch(
            "UPDATE channel_delivery SET status = {}, external_id = {}, external_key = {},"
            " last_error = {}, updated_at = {} WHERE id = {} AND status = 'queued' RETURNING id",
            status,
            external_id,
            key,
            error[:2000],
            time.time(),
            row["id"],
        )
        if done:
            await update_delivery(
                row["entry_id"], status, error=error or None, external_id=external_id, note=note
            )
    return bool(done)


async def report_delivery(
    account_id: uuid.UUID,
    external_id: str,
    status: str,
    *,
    error: str = "",
    note: str = "",
    answer: str = "",
) -> int:
    """Apply a provider's receipt (delivered, read, failed) for a message it accepted earlier;
    ``note`` (e.g. the cost the provider reported) is shown beside the status; ``answer`` is
    the recipient's answer within the message (a robot call's pressed digit), for a
    broadcast's receipt listeners.

    Returns 1 when the status moved, 0 when unknown or stale (receipts may come twice or late).
    A receipt for a message no reply sent goes to the plugins' receipt listeners
    (:mod:`unionline.channel.receipts`): 1 when one of them took it.
    """
    async with current().db.transaction():
        row = (
            await DeliveryRecord.select()
            .where(DeliveryRecord.external_key == f"{account_id}:{external_id}")
            .first()
        )
        if row is None:  # a broadcast's message (no reply): a plugin may know it
            return await broadcast_receipt(account_id, external_id, status, error, answer)
        if not advances(row["status"], status):
            return 0
        await DeliveryRecord.update(
            {DeliveryRecord.status: status, DeliveryRecord.updated_at: time.time()}
        ).where(DeliveryRecord.id == row["id"])
        await update_delivery(
            row["entry_id"], status, error=error or None, external_id=external_id, note=note
        )
    return 1


async def on_job_dead(job_id: int, name: str, error: str) -> None:
    """A deliver job that died (attempts used up, worker crashed) fails its message visibly."""
    if name != DELIVER_JOB:
        return
    job = await current().jobs.get(job_id)
    key = (job.idempotency_key or "") if job else ""
    if not key.startswith(f"{DELIVER_JOB}:"):
        return
    row = (
        await DeliveryRecord.select()
        .where(DeliveryRecord.entry_id == int(key.split(":", 1)[1]))
        .first()
    )
    if row is not None:
        await settle(row, "failed", error=f"delivery job failed: {error}")
