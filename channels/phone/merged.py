"""An appeal merged into another takes its calls and callbacks along (``appeal_merged``).

The merged appeal is closed and nobody works on it, so what it owes the member goes to the
target: its calls and callbacks name the target from then on (their entries moved with its
messages). When both owed a callback, the two become one, as the migration that brought one
open callback per appeal merged duplicates: the oldest (owed longest, due first) stays with the
missed calls and attempts of both, and the calls counted on the other count on it; the other is
done with the outcome ``merged`` and no completion time (nobody called back: the reports leave
it out, and «Позвонить» on its entry calls back on the one it went into, ``callbacks.owed``).
Every missed call's entry counted on the one that stays then shows it.
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from unionline import AppealSummary, current
from unionline.channel import load_account, update_entry
from unionline.channels.phone import callbacks
from unionline.channels.phone.callbacks import MERGED, OPEN, Callback


class _CallEntry(msgspec.Struct):
    account_id: uuid.UUID
    external_id: str


async def follow_merge(source: AppealSummary, target: AppealSummary) -> None:
    db = current().db
    lock = " FOR UPDATE" if db.is_postgres else ""
    owed = await db.fetch_as(
        Callback,
        f"SELECT * FROM phone_callback WHERE appeal_id IN ({{}}, {{}}) AND {OPEN}"
        f" ORDER BY created_at, id{lock}",
        source.id,
        target.id,
    )
    kept = owed[0] if owed else None
    for other in owed[1:]:  # at most one: one open callback per appeal
        kept = await _merge_into(owed[0], other)
    # The duplicate is closed first: the target may hold one open callback only.
    await db.execute(
        "UPDATE phone_callback SET appeal_id = {} WHERE appeal_id = {}", target.id, source.id
    )
    await db.execute(
        "UPDATE phone_call SET appeal_id = {} WHERE appeal_id = {}", target.id, source.id
    )
    if kept is not None and len(owed) > 1:
        kept.appeal_id = target.id
        await _show_on_its_calls(kept)


async def _merge_into(kept: Callback, other: Callback) -> Callback:
    db = current().db
    await db.execute(
        f"UPDATE phone_callback SET status = 'done', outcome = '{MERGED}', completed_at = NULL"
        " WHERE id = {}",
        other.id,
    )
    await db.execute(
        "UPDATE phone_call SET callback_id = {} WHERE callback_id = {}", kept.id, other.id
    )
    summed = await db.fetch_one_as(
        Callback,
        "UPDATE phone_callback SET missed = missed + {}, attempts = attempts + {} WHERE id = {}"
        " RETURNING *",
        other.missed,
        other.attempts,
        kept.id,
    )
    assert summed is not None  # locked above
    return summed


async def _show_on_its_calls(callback: Callback) -> None:
    """Every missed call counted on ``callback`` shows it (the count is the calls' sum)."""
    shown = callbacks.view(callback)

    def apply(body: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return body, {**data, "call": {**data.get("call", {}), "callback": shown}}

    calls = await current().db.fetch_as(
        _CallEntry,
        "SELECT account_id, external_id FROM phone_call WHERE callback_id = {}"
        " AND external_id <> '' ORDER BY created_at",
        callback.id,
    )
    for call in calls:
        await update_entry(await load_account(call.account_id), call.external_id, apply)
