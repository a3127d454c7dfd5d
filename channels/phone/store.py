"""Storing a line's call events: each once, the call folded anew, its appeal entry kept current.

One transaction per call: the call's row is claimed (and locked), each new event inserted under
its unique key (a redelivery inserts nothing and changes nothing), and the call is folded from
all its events — so events replayed out of order or twice end in the same entry. The first
event with the member's number makes the entry through the channel SDK's inbound path, by the
same rules as a message: an incoming call is the member's (``InboundMessage``: their open appeal
or a new one), an outgoing one is shown like a message sent elsewhere (``SentElsewhere``: on
the member's appeal of this line, nothing when they have none). Every later event rewrites that
entry in place (``update_entry``). Screen pops go out after the commit.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from typing import Any

import msgspec

from unionline import current
from unionline.channel import (
    InboundMessage,
    Sender,
    SentElsewhere,
    store_inbound,
    update_entry,
)
from unionline.channels.phone import broadcast, callbacks, entry, fetch, screenpop
from unionline.channels.phone.model import Call, CallEvent, fold
from unionline.channels.phone.numbers import e164
from unionline.channels.phone.operators import operator_ids

_event = msgspec.json.Decoder(CallEvent)


class CallRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    key: str
    shown: bool
    external_id: str
    state: str  # the fold of the events stored before (model.Call as JSON)
    appeal_id: uuid.UUID | None
    member_id: uuid.UUID | None
    recording_id: uuid.UUID | None
    callback_id: uuid.UUID | None  # the callback a missed call counted on


class Recorded(msgspec.Struct, kw_only=True):
    """What a webhook's events did: new events stored, duplicates absorbed."""

    stored: int = 0
    duplicates: int = 0


async def record(line: Any, events: Sequence[CallEvent]) -> Recorded:
    """Store ``events`` of ``line`` (a webhook's), call by call."""
    result = Recorded()
    pops: list[screenpop.Pop] = []
    receipts: list[broadcast.Receipt] = []
    by_call: dict[str, list[CallEvent]] = {}
    for event in events:
        by_call.setdefault(event.call, []).append(event)
    for call_id, group in by_call.items():
        async with current().db.transaction():
            fresh, call_pops, receipt = await _record_call(line, call_id, group)
        result.stored += fresh
        result.duplicates += len(group) - fresh
        pops += call_pops
        receipts += [receipt] if receipt is not None else []
    await screenpop.send(pops)
    for done in receipts:  # a campaign's robot call a cloud PBX made ended (broadcast.py)
        await broadcast.report(line.id, done)
    return result


async def _record_call(
    line: Any, call_id: str, group: list[CallEvent]
) -> tuple[int, list[screenpop.Pop], broadcast.Receipt | None]:
    row = await _claim(line, call_id)
    fresh = [e for e in group if await _insert_event(line, row.id, e)]
    if not fresh:
        return 0, [], None
    call = fold(await _events_of(row.id))
    if row.shown and msgspec.json.encode(call).decode() == row.state:
        return len(fresh), [], None  # nothing the entry shows changed (e.g. the IVR leg ended)
    receipt = _receipt(line, row, call)
    number = e164(call.member)
    operators = await operator_ids(line.config, [*call.rang, call.extension])
    if not row.shown and number:
        await _show(line, row, call, number)
    if row.shown:
        await _update(line, row, call, number, operators, fresh)
    await _save(row, call, number)
    new_steps = {e.step for e in fresh}
    if row.shown and new_steps & {"ringing", "answered", "ended"}:
        shown = entry.view(call, number, operators)
        return (
            len(fresh),
            screenpop.pops_for(row.appeal_id, row.member_id, shown, operators, call.rang),
            receipt,
        )
    return len(fresh), [], receipt


def _receipt(line: Any, row: CallRow, call: Call) -> broadcast.Receipt | None:
    """A broadcast's robot call a cloud PBX made, ending now: its receipt (the SIP agent's
    outcome is ``send()``'s own answer)."""
    if line.config.provider == "sip" or call.state != "ended":
        return None
    before = msgspec.json.decode(row.state) if row.state else {}
    if isinstance(before, dict) and before.get("state") == "ended":
        return None
    return broadcast.receipt_of(call)


async def _claim(line: Any, call_id: str) -> CallRow:
    db = current().db
    key = f"{line.id}:{call_id}"
    moment = time.time()
    await db.execute(
        "INSERT INTO phone_call (id, key, account_id, call, direction, number, state, shown,"
        " external_id, created_at, updated_at) VALUES ({}, {}, {}, {}, 'in', '', {}, {},"
        " '', {}, {}) ON CONFLICT (key) DO NOTHING",
        uuid.uuid4(),
        key,
        line.id,
        call_id,
        "{}",
        False,
        moment,
        moment,
    )
    lock = " FOR UPDATE" if db.is_postgres else ""
    row = await db.fetch_one_as(CallRow, f"SELECT * FROM phone_call WHERE key = {{}}{lock}", key)
    assert row is not None  # inserted above or before
    return row


async def _insert_event(line: Any, call_row: uuid.UUID, event: CallEvent) -> bool:
    inserted = await current().db.fetchone(
        "INSERT INTO phone_call_event (id, key, call_id, payload, received_at)"
        " VALUES ({}, {}, {}, {}, {}) ON CONFLICT (key) DO NOTHING RETURNING id",
        uuid.uuid4(),
        f"{line.id}:{event.key}",
        call_row,
        msgspec.json.encode(event).decode(),
        time.time(),
    )
    return inserted is not None


async def _events_of(call_row: uuid.UUID) -> list[CallEvent]:
    rows = await current().db.fetch(
        "SELECT payload FROM phone_call_event WHERE call_id = {}", call_row
    )
    return [_event.decode(r["payload"]) for r in rows]


async def _show(line: Any, row: CallRow, call: Call, number: str) -> None:
    """The call's entry, made through the SDK's inbound path (in the caller's transaction)."""
    external_id = f"call:{call.call}"
    sender = Sender(kind="phone", address=number)
    body, data = entry.text(call), {"call": entry.view(call, number, {})}
    if call.direction == "in":
        item: InboundMessage | SentElsewhere = InboundMessage(
            external_id=external_id, sender=sender, text=body, data=data, sent_at=call.started_at
        )
    else:
        item = SentElsewhere(external_id=external_id, recipient=sender, text=body, data=data)
    result = await store_inbound(line, [item])
    row.shown, row.external_id = True, external_id
    for stored in result.messages:
        row.appeal_id, row.member_id = stored.appeal_id, stored.member_id


async def _update(
    line: Any,
    row: CallRow,
    call: Call,
    number: str,
    operators: dict[str, str],
    fresh: list[CallEvent],
) -> None:
    """Rewrite the entry: state, callback; a recording announced is fetched by a job
    (:mod:`.fetch`), which attaches it and says so on the entry."""
    fetching = bool(call.recording) and line.config.recording_days > 0
    if fetching and row.recording_id is None:
        await fetch.schedule(row.id)
    callback = await _callback(line, row, call, number, operators)
    data = entry.view(call, number, operators, callback=callback)
    pending = "pending" if fetching and row.recording_id is None else ""
    rewrite = entry.rewrite(entry.text(call), data, pending)
    updated = await update_entry(line, row.external_id, rewrite)
    if updated is None:  # an outbound call to a member without an appeal on this line
        return
    row.appeal_id, row.member_id = updated.appeal_id, updated.member_id


async def _callback(
    line: Any, row: CallRow, call: Call, number: str, operators: dict[str, str]
) -> dict[str, Any] | None:
    if call.direction == "out" and call.state == "ended" and number:
        settled = await callbacks.settle(line, number, call, operators.get(call.extension))
        for callback in settled:
            await show_callback(line, callback)
        return None
    if call.missed and row.appeal_id is not None:
        missed = callbacks.MissedCall(
            id=row.id,
            key=row.key,
            callback_id=row.callback_id,
            appeal_id=row.appeal_id,
            member_id=row.member_id,
            number=number,
        )
        owed = await callbacks.owe(line, missed)
        row.callback_id = owed.id
        return callbacks.view(owed)
    return None


async def show_callback(line: Any, callback: callbacks.Callback) -> None:
    """Show a settled callback on the missed call's entry."""
    shown = callbacks.view(callback)
    call_id = callback.call_key.split(":", 1)[1]

    def apply(body: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return body, {**data, "call": {**data.get("call", {}), "callback": shown}}

    await update_entry(line, f"call:{call_id}", apply)


async def _save(row: CallRow, call: Call, number: str) -> None:
    """The call's row; its recording is the fetch job's (:mod:`.fetch`)."""
    await current().db.execute(
        "UPDATE phone_call SET direction = {}, number = {}, state = {}, shown = {},"
        " external_id = {}, appeal_id = {}, member_id = {}, updated_at = {} WHERE id = {}",
        call.direction,
        number,
        msgspec.json.encode(call).decode(),
        row.shown,
        row.external_id,
        row.appeal_id,
        row.member_id,
        time.time(),
        row.id,
    )
