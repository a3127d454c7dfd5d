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
first caller flushes, the callers that come while it runs are flushed together next): one
statement per batch of claims (the opt-out test is part of the INSERT), one per batch of parts,
each with its rows in a single JSON parameter (a constant SQL text per engine) — instead of
three round trips per SMS, or a transaction of four statements per batch of claims before.
"""

from __future__ import annotations

import asyncio
import itertools
import random
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


_SERIAL = itertools.count()


def part_id() -> uuid.UUID:
    """A part row's id in time order (UUID version 7: milliseconds, a counter, 62 random bits):
    new rows go to the end of the primary key's index instead of a random page of it (SQLite,
    a table of 40,000 parts, batches of 10: 43 -> 33 us of CPU a row)."""
    ms = time.time_ns() // 1_000_000
    counter = next(_SERIAL) & 0xFFF
    value = (ms & (1 << 48) - 1) << 80 | 0x7 << 76 | counter << 64
    return uuid.UUID(int=value | 0b10 << 62 | random.getrandbits(62))


def _rows(postgres: bool, columns: str) -> str:
    """The rows of one JSON parameter (an array of arrays) as a table ``r`` with ``columns``
    (``"name type, …"``, PostgreSQL's types): one parameter and one SQL text per statement,
    however many rows — the driver and piccolo handle one value instead of several per row."""
    named = [c.split() for c in columns.split(", ")]
    if postgres:
        picked = ", ".join(f"(j.value->>{i})::{t} AS {n}" for i, (n, t) in enumerate(named))
        return f"(SELECT {picked} FROM json_array_elements({{}}::json) AS j(value)) AS r"
    picked = ", ".join(f"json_extract(j.value, '$[{i}]') AS {n}" for i, (n, _) in enumerate(named))
    return f"(SELECT {picked} FROM json_each({{}}) AS j) AS r"


def _statements(postgres: bool) -> tuple[str, str]:
    """The claim and the record statements of the engine."""
    claim = (
        "INSERT INTO sms_smpp_send (id, account_id, state, created_at)"
        f" SELECT r.id, r.account_id, '{CLAIMED}', {{}}"
        f" FROM {_rows(postgres, 'id uuid, account_id uuid, key text, entry bigint')}"
        " WHERE NOT EXISTS (SELECT 1 FROM sms_opt_out o WHERE o.key = r.key"
        " AND (o.confirmation_entry IS NULL OR o.confirmation_entry <> r.entry))"
        " ON CONFLICT (id) DO UPDATE SET state = excluded.state, created_at = excluded.created_at"
        " WHERE sms_smpp_send.state = 'clear' RETURNING id"
    )
    columns = "id uuid, key text, account_id uuid, first_id text, parts int, send_id uuid"
    record = (
        "INSERT INTO sms_smpp_part (id, key, account_id, first_id, parts, state, error,"
        " created_at, send_id) SELECT r.id, r.key, r.account_id, r.first_id, r.parts, '', '',"
        f" {{}}, r.send_id FROM {_rows(postgres, columns)} WHERE true ON CONFLICT (key) DO UPDATE"
        " SET first_id = excluded.first_id, parts = excluded.parts, send_id = excluded.send_id"
        " RETURNING key, state, error"
    )
    return claim, record


SQL = {engine: _statements(engine) for engine in (False, True)}  # by db.is_postgres


async def _claim_batch(claims: list[Claim]) -> list[Verdict]:
    """One statement: the claims of the batch whose numbers did not opt out (an opt-out and a
    claim are one atomic statement). A claim it did not make — opted out, or a delivery
    claimed before: the rare run after a crash — is looked at on its own."""
    db = current().db
    verdicts: dict[int, Verdict] = {}
    claiming: dict[uuid.UUID, int] = {}
    rows: list[tuple[uuid.UUID, uuid.UUID, str, int]] = []
    for n, c in enumerate(claims):
        if c.delivery_id in claiming:
            verdicts[n] = Verdict("busy")
        else:
            claiming[c.delivery_id] = n
            rows.append((c.delivery_id, c.account_id, f"{c.account_id}:{c.phone}", c.entry_id))
    taken = await db.fetch(SQL[db.is_postgres][0], time.time(), msgspec.json.encode(rows).decode())
    got = {str(r["id"]) for r in taken}
    refused = [row for row in rows if str(row[0]) not in got]
    stopped = await _stopped(refused)
    for delivery_id, _, key, entry in rows:
        n = claiming[delivery_id]
        if str(delivery_id) in got:
            verdicts[n] = Verdict("go")
        elif key in stopped and stopped[key] != entry:
            verdicts[n] = Verdict("opted_out")
        else:
            verdicts[n] = await _claimed_before(delivery_id)
    return [verdicts[n] for n in range(len(claims))]


async def _stopped(rows: list[tuple[uuid.UUID, uuid.UUID, str, int]]) -> dict[str, int | None]:
    """The opt-outs of the claims not made: key → the entry that may still go (confirmation)."""
    if not rows:
        return {}
    keys = list({key: None for _, _, key, _ in rows})
    found = await current().db.fetch(
        "SELECT key, confirmation_entry FROM sms_opt_out WHERE key IN"
        f" ({', '.join(['{}'] * len(keys))})",
        *keys,
    )
    return {str(r["key"]): r["confirmation_entry"] for r in found}


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
    db = current().db
    rows = []
    for s in sends:
        account, first, count = str(s.account_id), s.ids[0], len(s.ids)
        for message_id in s.ids:
            key = f"{account}:{message_id}"
            rows.append((part_id(), key, account, first, count, s.delivery_id))
    found = {
        str(r["key"]): (str(r["state"] or ""), str(r["error"] or ""))
        for r in await db.fetch(
            SQL[db.is_postgres][1], time.time(), msgspec.json.encode(rows).decode()
        )
    }
    outcomes = []
    for s in sends:
        account = str(s.account_id)
        states = [found.get(f"{account}:{i}", ("", "")) for i in s.ids]
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
