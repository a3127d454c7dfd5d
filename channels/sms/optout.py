"""Stop words: an SMS that says only СТОП (STOP, ОТПИСАТЬСЯ; any case, punctuation ignored)
opts its number out of the account's SMS; СТАРТ (START) opts it back in.

An opt-out is kept per account and number (``sms_opt_out``) and marks the member's phone
blocked with the reason, so the member card says why. From then on a send to the number is
refused before anything is paid for: an operator's reply at once in the console (the
``before_message_send`` hook, :func:`refuse_reply`, with the reason ``sms_opted_out``), and
anything queued another way (robots, campaigns, acknowledgements) by ``send()``, visibly. The
number gets one confirmation (``[sms] stop_reply``) where the gateway can send to it: a job keyed
by the stop message's timeline entry, so it is queued once however often the event is seen.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import TYPE_CHECKING, Any, Literal

import msgspec

from unionline import Conflict, JobContext, OutboundDraft, current, enqueue, load_appeal
from unionline.channel import automatic_reply, block_contact, unblock_contact
from unionline.channels.sms.settings import sms_settings

if TYPE_CHECKING:
    from unionline.channel import ChannelAccount

REFUSED = "sms_opted_out"  # the console's words for it: channels/sms/static/index.js
CONFIRM_JOB = "sms.confirm_opt_out"
_NOT_LETTERS = re.compile(r"[\W_]+")

# The SMS channel types of this process (the built-in gateways, installed ones and SMPP).
CHANNELS: set[str] = set()


def reason(account_name: str) -> str:
    """Why SMS do not go out, as the operator reads it on the member card and the timeline."""
    sender = f" «{account_name}»" if account_name else ""
    return (
        f"Абонент отписался от SMS{sender}: прислал стоп-слово (СТОП). SMS на этот номер не "
        "отправляются, пока он не пришлёт СТАРТ"
    )


def keyword(text: str) -> Literal["stop", "start"] | None:
    word = _NOT_LETTERS.sub("", text).upper()
    if not word:
        return None
    settings = sms_settings()
    if word in {_NOT_LETTERS.sub("", w).upper() for w in settings.stop_words}:
        return "stop"
    if word in {_NOT_LETTERS.sub("", w).upper() for w in settings.start_words}:
        return "start"
    return None


def _key(account_id: uuid.UUID, phone: str) -> str:
    return f"{account_id}:{phone}"


async def opt_out(account: ChannelAccount[Any, Any], phone: str, word: str) -> None:
    await current().db.execute(
        "INSERT INTO sms_opt_out (id, key, account_id, phone, member_id, word,"
        " confirmation_entry, opted_out_at) VALUES ({}, {}, {}, {}, NULL, {}, NULL, {})"
        " ON CONFLICT (key) DO UPDATE SET word = excluded.word,"
        " opted_out_at = excluded.opted_out_at",
        uuid.uuid4(),
        _key(account.id, phone),
        account.id,
        phone,
        word[:40],
        time.time(),
    )
    await block_contact("phone", phone, reason(account.name))


async def opt_in(account: ChannelAccount[Any, Any], phone: str) -> None:
    gone = await current().db.fetch(
        "DELETE FROM sms_opt_out WHERE key = {} RETURNING id", _key(account.id, phone)
    )
    if gone:
        await unblock_contact("phone", phone)


class OptOutRow(msgspec.Struct):
    confirmation_entry: int | None = None


async def opted_out(account_id: uuid.UUID, phone: str) -> OptOutRow | None:
    rows = await current().db.fetch_as(
        OptOutRow,
        "SELECT confirmation_entry FROM sms_opt_out WHERE key = {}",
        _key(account_id, phone),
    )
    return rows[0] if rows else None


async def refuse_reply(draft: OutboundDraft) -> None:
    """Refuse an operator's SMS to a member whose number opted out of the appeal's account:
    nothing is queued, and the console says why (``extra.reason``)."""
    if draft.channel not in CHANNELS or draft.automatic:
        return  # automatic messages are refused by send(), visibly
    appeal = await load_appeal(draft.appeal_id)
    if appeal.channel_account_id is None or appeal.member_id is None:
        return
    row = await current().db.fetchone(
        "SELECT phone FROM sms_opt_out WHERE account_id = {} AND member_id = {}",
        appeal.channel_account_id,
        appeal.member_id,
    )
    if row is not None:
        raise Conflict(
            f"the member's number {row['phone']} opted out of SMS from this account",
            field="appeal_id",
            extra={"reason": REFUSED},
        )


# -- the confirmation ----------------------------------------------------------------------


class ConfirmOptOut(msgspec.Struct, frozen=True):
    account_id: uuid.UUID
    phone: str
    appeal_id: uuid.UUID
    member_id: uuid.UUID | None


async def on_message(event: Any) -> None:
    """An opt-out stored as a member's message: tie it to the member, queue the confirmation."""
    entry = event.entry
    data = entry.data or {}
    if data.get("sms_opt") != "out" or entry.channel_account_id is None:
        return
    phone = str(data.get("sms_from") or "")
    await current().db.execute(
        "UPDATE sms_opt_out SET member_id = {} WHERE key = {}",
        entry.member_id,
        _key(entry.channel_account_id, phone),
    )
    if sms_settings().stop_reply:
        job = ConfirmOptOut(entry.channel_account_id, phone, event.appeal_id, entry.member_id)
        await enqueue(CONFIRM_JOB, job, key=f"{CONFIRM_JOB}:{entry.id}")


async def confirm(ctx: JobContext, job: ConfirmOptOut) -> None:
    """Queue the one confirmation and let it through the opt-out."""
    db = current().db
    async with db.transaction():
        row = await opted_out(job.account_id, job.phone)
        if row is None or row.confirmation_entry is not None:
            return  # opted in again meanwhile, or confirmed already
        entry_id = await automatic_reply(job.appeal_id, sms_settings().stop_reply)
        await db.execute(
            "UPDATE sms_opt_out SET confirmation_entry = {} WHERE key = {}",
            entry_id,
            _key(job.account_id, job.phone),
        )
