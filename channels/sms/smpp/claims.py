"""Exactly-once for SMPP sends, in batches.

Before its first ``submit_sm`` is written a send is *claimed* (``sms_smpp_send``, keyed by the
SDK's delivery id, committed); its parts, recorded once the SMSC answered them, carry the same
id (``sms_smpp_part.send_id``). A later run of the same delivery — its worker was killed with
SIGKILL mid-batch — finds the claim and never submits again: when every part was recorded the
send is reported as sent (the first part's message id); else it may have reached the SMSC and
is reported unknown. A claim is ``clear``ed when nothing went out (the session was down, the
SMSC refused the first part), so that send is simply made again.

The claims, the opt-out look-ups that go with them and the parts recorded after the SMSC
answered are written for every send in flight at once (:class:`Group`, a group commit: the
first caller flushes, the callers that come while it runs are flushed together next): two
statements per batch instead of three round trips per SMS.
"""

from __future__ import annotations

import asyncio
import time
import uuid
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, Generic, Literal, TypeVar

import msgspec

from unionline import current
from unionline.channels.sms.smpp.receipts import Outcome

T = TypeVar("T")
R = TypeVar("R")
CLAIMED = "claimed"
BATCH = 200  # rows per statement: well under SQLite's bound-parameter limit


class Group(Generic[T, R]):
    """Group commit of ``flush``: every call waits for the batch it joined. Nothing waits on
    time — a batch is whatever came while the previous one was being written."""

    def __init__(self, flush: Callable[[list[T]], Awaitable[list[R]]]) -> None:
        self._flush = flush
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._runner: asyncio.Future[None] | None = None

    async def __call__(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._runner is None or self._runner.done():
            self._runner = asyncio.ensure_future(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[:BATCH], self._pending[BATCH:]
            try:
                results = await self._flush([item for item, _ in batch])
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)


class Claim(msgspec.Struct, frozen=True):
    delivery_id: uuid.UUID
    account_id: uuid.UUID
    phone: str  # E.164
    entry_id: int


class Verdict(msgspec.Struct, frozen=True):
    """``go``: claimed, submit it; ``opted_out``: refused; ``unknown``: an earlier run may
    have submitted it; ``submitted``: an earlier run did (``first_id``); ``busy``: the same
    delivery is being claimed by another call right now."""

    kind: Literal["go", "opted_out", "unknown", "submitted", "busy"]
    first_id: str = ""
    parts: int = 0


class Sent(msgspec.Struct, frozen=True):
    delivery_id: uuid.UUID
    account_id: uuid.UUID
    ids: list[str]  # the SMSC's message ids of the parts, in order


def _values(rows: int, columns: int, *, middle: int, literal: str) -> str:
    """``rows`` tuples of ``columns`` placeholders with ``literal`` spliced in at ``middle``."""
    marks = ["{}"] * columns
    marks.insert(middle, f"'{literal}'")
    one = "(" + ", ".join(marks) + ")"
    return ", ".join([one] * rows)


def _in(count: int) -> str:
    return "(" + ", ".join(["{}"] * count) + ")"


async def _claim_batch(claims: list[Claim]) -> list[Verdict]:
    """One transaction: the opt-outs of the batch's numbers, then the claims of the rest (a
    delivery claimed before is looked at on its own: the rare run after a crash)."""
    db = current().db
    keys = list({f"{c.account_id}:{c.phone}": None for c in claims})
    verdicts: dict[int, Verdict] = {}
    claiming: dict[uuid.UUID, int] = {}
    async with db.transaction():
        stopped = {
            str(r["key"]): r["confirmation_entry"]
            for r in await db.fetch(
                f"SELECT key, confirmation_entry FROM sms_opt_out WHERE key IN {_in(len(keys))}",
                *keys,
            )
        }
        for n, c in enumerate(claims):
            key = f"{c.account_id}:{c.phone}"
            if c.delivery_id in claiming:
                verdicts[n] = Verdict("busy")
            elif key in stopped and stopped[key] != c.entry_id:
                verdicts[n] = Verdict("opted_out")
            else:
                claiming[c.delivery_id] = n
        if claiming:
            now, args = time.time(), []
            for delivery_id, n in claiming.items():
                args += [delivery_id, claims[n].account_id, now]
            taken = await db.fetch(
                "INSERT INTO sms_smpp_send (id, account_id, state, created_at) VALUES"
                f" {_values(len(claiming), 3, middle=2, literal=CLAIMED)} ON CONFLICT (id)"
                " DO UPDATE SET state = excluded.state, created_at = excluded.created_at"
                " WHERE sms_smpp_send.state = 'clear' RETURNING id",
                *args,
            )
            got = {str(r["id"]) for r in taken}
            for delivery_id, n in claiming.items():
                if str(delivery_id) in got:
                    verdicts[n] = Verdict("go")
                else:
                    verdicts[n] = await _claimed_before(delivery_id)
    return [verdicts[n] for n in range(len(claims))]


async def _claimed_before(delivery_id: uuid.UUID) -> Verdict:
    """A claim from an earlier run: sent when every part of it was recorded, else unknown."""
    rows = await current().db.fetch(
        "SELECT first_id, parts FROM sms_smpp_part WHERE send_id = {}", delivery_id
    )
    if rows and len(rows) >= int(rows[0]["parts"] or 0):
        return Verdict("submitted", first_id=str(rows[0]["first_id"]), parts=len(rows))
    return Verdict("unknown")


async def _record_batch(sends: list[Sent]) -> list[Outcome]:
    """Record the parts of the sends (one statement); each send's outcome from receipts that
    came before its parts were recorded."""
    now = time.time()
    args: list[Any] = []
    count = 0
    for s in sends:
        for message_id in s.ids:
            args += [uuid.uuid4(), f"{s.account_id}:{message_id}", s.account_id, s.ids[0]]
            args += [len(s.ids), now, s.delivery_id]
            count += 1
    one = "({}, {}, {}, {}, {}, '', '', {}, {})"
    rows = await current().db.fetch(
        "INSERT INTO sms_smpp_part (id, key, account_id, first_id, parts, state, error,"
        f" created_at, send_id) VALUES {', '.join([one] * count)} ON CONFLICT (key) DO UPDATE"
        " SET first_id = excluded.first_id, parts = excluded.parts, send_id = excluded.send_id"
        " RETURNING key, state, error",
        *args,
    )
    found = {str(r["key"]): (str(r["state"] or ""), str(r["error"] or "")) for r in rows}
    outcomes = []
    for s in sends:
        states = [found.get(f"{s.account_id}:{i}", ("", "")) for i in s.ids]
        failed = [error for state, error in states if state == "failed"]
        if failed:
            outcomes.append(Outcome("failed", failed[0]))
        elif all(state == "delivered" for state, _ in states):
            outcomes.append(Outcome("delivered"))
        else:
            outcomes.append(Outcome(""))
    return outcomes


Groups = tuple[Group[Claim, Verdict], Group[Sent, Outcome]]
_GROUPS: dict[int, tuple[weakref.ref[Any], Groups]] = {}


def _groups() -> Groups:
    runtime = current()  # one pair per runtime: a batch is written where its callers run
    found = _GROUPS.get(id(runtime))
    if found is None or found[0]() is not runtime:
        for key in [k for k, (ref, _) in _GROUPS.items() if ref() is None]:
            del _GROUPS[key]
        found = _GROUPS[id(runtime)] = (
            weakref.ref(runtime),
            (Group(_claim_batch), Group(_record_batch)),
        )
    return found[1]


async def claim(account_id: uuid.UUID, delivery_id: uuid.UUID, phone: str, entry: int) -> Verdict:
    return await _groups()[0](Claim(delivery_id, account_id, phone, entry))


async def record(account_id: uuid.UUID, delivery_id: uuid.UUID, ids: list[str]) -> Outcome:
    return await _groups()[1](Sent(delivery_id, account_id, ids))


async def release(delivery_id: uuid.UUID) -> None:
    """Nothing of the send went out: the next run submits it again."""
    await current().db.execute(
        "UPDATE sms_smpp_send SET state = 'clear' WHERE id = {}",
        delivery_id,
    )
