"""Missed calls the union owes a call back: due within the line's working hours, done by a
click-to-call that reached the member.

A missed incoming call opens (or continues) the member's appeal like any message and gets a
callback due ``callback_hours`` working hours later (the appeals' business hours over
unionline.calendar). More missed calls on the same appeal count on the one callback: an
appeal has at most one open (pending or calling) callback, and each call counts once — its
``phone_call.callback_id`` names the callback it counted on. An outbound call to the number
settles it: answered → done; busy or no answer → still pending, the attempt and its outcome
recorded.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec

from unionline import appeal_settings, current, now
from unionline.calendar import calendar_for
from unionline.channels.phone.model import Call

OPEN = "status IN ('pending', 'calling')"  # as the unique index of open callbacks says it
MERGED = "merged"  # the outcome of a duplicate the migration merged into its appeal's oldest


class Callback(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    call_key: str
    account_id: uuid.UUID
    organization_id: uuid.UUID
    appeal_id: uuid.UUID
    member_id: uuid.UUID | None
    number: str
    due_at: float
    status: str
    missed: int
    attempts: int
    outcome: str
    operator_id: uuid.UUID | None
    created_at: float
    completed_at: float | None


def view(callback: Callback) -> dict[str, Any]:
    """What the missed call's entry shows of its callback."""
    return {
        "id": str(callback.id),
        "due_at": callback.due_at,
        "status": callback.status,
        "missed": callback.missed,
        "attempts": callback.attempts,
        "outcome": callback.outcome,
        "operator_id": str(callback.operator_id) if callback.operator_id else None,
        "completed_at": callback.completed_at,
    }


async def due_at(organization_id: uuid.UUID, hours: float) -> float:
    moment = now()
    if hours <= 0:
        return moment.timestamp()
    calendar = await calendar_for(organization_id, hours=appeal_settings().business_hours())
    due: datetime = calendar.add_hours(moment, hours)
    return due.astimezone(UTC).timestamp()


async def load(callback_id: uuid.UUID) -> Callback | None:
    return await current().db.fetch_one_as(
        Callback, "SELECT * FROM phone_callback WHERE id = {}", callback_id
    )


async def owed(callback: Callback) -> Callback:
    """The callback a click on ``callback`` calls back: itself, or — a duplicate merged away,
    still shown on its missed call's entry — its appeal's open one, when there is one."""
    if callback.outcome != MERGED:
        return callback
    found = await current().db.fetch_one_as(
        Callback,
        f"SELECT * FROM phone_callback WHERE appeal_id = {{}} AND {OPEN}",
        callback.appeal_id,
    )
    return found or callback


async def for_call(call_key: str) -> Callback | None:
    return await current().db.fetch_one_as(
        Callback, "SELECT * FROM phone_callback WHERE call_key = {}", call_key
    )


class MissedCall(msgspec.Struct, kw_only=True):
    """A missed incoming call as ``owe`` takes it: its ``phone_call`` row (locked by the
    caller's transaction) and the appeal its entry is on."""

    id: uuid.UUID  # phone_call.id
    key: str  # phone_call.key
    callback_id: uuid.UUID | None = None  # the callback it already counted on
    appeal_id: uuid.UUID
    member_id: uuid.UUID | None
    number: str


async def owe(line: Any, call: MissedCall) -> Callback:
    """The callback of a missed call: the one it already counted on (a later event of the call
    — the voicemail's recording, a webhook sent again — counts nothing), else its appeal's open
    one with one more missed call on it, else a new one. The count is one statement, so missed
    calls on one appeal handled at once (two processes) end on one callback, each counted."""
    counted = await _counted(call)
    if counted is None:
        counted = await _count_on_open(call) or await _open(line, call)
        await current().db.execute(
            "UPDATE phone_call SET callback_id = {} WHERE id = {}", counted.id, call.id
        )
    return counted


async def _counted(call: MissedCall) -> Callback | None:
    if call.callback_id is not None:
        return await load(call.callback_id)
    return await for_call(call.key)  # a callback it made before calls said which


async def _count_on_open(call: MissedCall) -> Callback | None:
    """One more missed call on the appeal's open callback, when it has one."""
    return await current().db.fetch_one_as(
        Callback,
        "UPDATE phone_callback SET missed = missed + 1"
        f" WHERE appeal_id = {{}} AND {OPEN} RETURNING *",
        call.appeal_id,
    )


async def _open(line: Any, call: MissedCall) -> Callback:
    """A new callback for the appeal — or, when another call made one meanwhile (the unique
    index of open callbacks: ``phone_callback_open_appeal``), one more missed call on that."""
    due = await due_at(line.organization_id, line.config.callback_hours)
    created = await current().db.fetch_one_as(
        Callback,
        "INSERT INTO phone_callback (id, call_key, account_id, organization_id, appeal_id,"
        " member_id, number, due_at, status, missed, attempts, outcome, operator_id, created_at,"
        " completed_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, 'pending', 1, 0, '', NULL, {},"
        f" NULL) ON CONFLICT (appeal_id) WHERE {OPEN}"
        " DO UPDATE SET missed = phone_callback.missed + 1 RETURNING *",
        uuid.uuid4(),
        call.key,
        line.id,
        line.organization_id,
        call.appeal_id,
        call.member_id,
        call.number,
        due,
        time.time(),
    )
    assert created is not None  # inserted, or the conflicting row updated
    return created


async def settle(line: Any, number: str, call: Call, operator_id: str | None) -> list[Callback]:
    """An outbound call to ``number`` ended: the line's open callbacks to it take its outcome."""
    db = current().db
    found = await db.fetch_as(
        Callback,
        "SELECT * FROM phone_callback WHERE account_id = {} AND number = {}"
        " AND status IN ('pending', 'calling')",
        line.id,
        number,
    )
    done = call.disposition == "answered"
    for callback in found:
        callback.status = "done" if done else "pending"
        callback.outcome = call.disposition or "failed"
        callback.completed_at = time.time() if done else None
        if callback.attempts == 0 or callback.status == "done":
            callback.attempts = max(callback.attempts, 1)
        callback.operator_id = uuid.UUID(operator_id) if operator_id else callback.operator_id
        await db.execute(
            "UPDATE phone_callback SET status = {}, outcome = {}, completed_at = {},"
            " attempts = {}, operator_id = {} WHERE id = {}",
            callback.status,
            callback.outcome,
            callback.completed_at,
            callback.attempts,
            callback.operator_id,
            callback.id,
        )
    return found


async def started(callback: Callback, operator_id: uuid.UUID) -> Callback:
    """A click-to-call for ``callback`` was taken by the provider."""
    callback.status, callback.attempts = "calling", callback.attempts + 1
    callback.operator_id = operator_id
    await current().db.execute(
        "UPDATE phone_callback SET status = 'calling', attempts = attempts + 1, operator_id = {}"
        " WHERE id = {}",
        operator_id,
        callback.id,
    )
    return callback
