"""Click-to-call through a SIP line from any process: the job outbox carries it to the process
that runs the line's agent.

A SIP line's calls can only be placed by its agent, which runs in one process (``[phone]
sip_agent = true``: the one that runs jobs, so that robot calls have it too). The console's
«Позвонить» may reach any web process, so the web process does not dial: it writes the click
(``phone_dial``, keyed by the line and ``click`` — the callback and the click's key) and
enqueues the ``phone.sip_dial`` job under the same key, in one transaction, and then waits —
at most ``[phone] dial_wait`` seconds — for the row to say what became of it:

- the job runs where jobs run. A process without the line's agent hands it back (``NotReady``:
  due again shortly, for a process that has it); the agent's process takes the row
  (``waiting`` → ``placed``, one statement: a redelivered or retried job, or a second click
  with the same key, finds it taken and dials nothing) and has the agent ring the operator,
  then the member;
- ``placed``: the web process records the attempt on the callback (``placed`` → ``shown``, once
  per click however many requests wait on it);
- ``failed``: the agent's process could not place it (no outbound address) — the reason;
- still ``waiting`` at the deadline: no process with the agent took it. The click is withdrawn
  (``waiting`` → ``withdrawn``, so it never rings later, when an agent starts) and the operator
  reads why. A click the agent took at that very moment is placed after all.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import msgspec

from unionline import Conflict, JobContext, NotReady, current, enqueue
from unionline.channels.phone.settings import phone_settings

DIAL_JOB = "phone.sip_dial"
RETRY = 0.25  # seconds before a process without the agent's job is due again
MAX_ATTEMPTS = 1000  # hand-backs while the click waits; withdrawn, it is done at the next run
KEEP = 86400.0  # a click's row is kept a day: long past any retry of its job or request
NO_AGENT = (
    "Звонок не начат: SIP-агент этой линии не ответил. Он работает в процессе, который "
    "выполняет задания (настройка [phone] sip_agent = true) — проверьте, что этот процесс "
    "запущен, и позвоните ещё раз."
)
NO_OUTBOUND = "Звонок не начат: у SIP-линии не указан регистратор или адрес для исходящих"


class Dial(msgspec.Struct, frozen=True, kw_only=True):
    """The job's payload: one click-to-call for the agent of ``line_id`` to place."""

    key: str  # phone_dial.key: "<line id>:<callback id>:<the click's key>"
    line_id: uuid.UUID
    extension: str
    number: str
    command: str  # the call's id: it is "c2c-<command>" in the call model


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    state: str  # placed (this request records it), shown (another did), failed, withdrawn
    error: str = ""


async def place(line: Any, extension: str, number: str, click: str) -> Outcome:
    """Hand the click to the line's agent wherever it runs and wait for the answer; raises
    ``Conflict`` (the reason in Russian) when it could not be placed."""
    key = key_of(line, click)
    # The call's own id: fixed in the one job the click makes (a duplicate enqueue is dropped).
    command = str(uuid.uuid4())
    dial = Dial(key=key, line_id=line.id, extension=extension, number=number, command=command)
    db = current().db
    async with db.transaction():
        await db.execute(
            "INSERT INTO phone_dial (id, key, account_id, state, error, created_at)"
            " VALUES ({}, {}, {}, 'waiting', '', {}) ON CONFLICT (key) DO NOTHING",
            uuid.uuid4(),
            key,
            line.id,
            time.time(),
        )
        await enqueue(DIAL_JOB, dial, key=f"{DIAL_JOB}:{key}", max_attempts=MAX_ATTEMPTS)
    outcome = await _wait(key, phone_settings().dial_wait)
    if outcome.state in ("failed", "withdrawn"):
        raise Conflict(outcome.error or NO_AGENT, field="line")
    return outcome


def key_of(line: Any, click: str) -> str:
    return f"{line.id}:{click}"


async def recorded(line: Any, click: str) -> bool:
    """Whether this request is the one to record the placed call on the callback (``placed``
    → ``shown``: exactly one request per click, in the caller's transaction)."""
    row = await current().db.fetchone(
        "UPDATE phone_dial SET state = 'shown' WHERE key = {} AND state = 'placed' RETURNING id",
        key_of(line, click),
    )
    return row is not None


async def _wait(key: str, seconds: float) -> Outcome:
    deadline = time.monotonic() + seconds
    pause = 0.02
    while True:
        outcome = await _state(key)
        if outcome.state != "waiting":
            return outcome
        if time.monotonic() >= deadline:
            return await _withdraw(key)
        await asyncio.sleep(min(pause, max(0.0, deadline - time.monotonic())))
        pause = min(pause * 2, 0.2)


async def _state(key: str) -> Outcome:
    row = await current().db.fetchone("SELECT state, error FROM phone_dial WHERE key = {}", key)
    if row is None:  # swept after a day: long settled
        return Outcome(state="shown")
    return Outcome(state=str(row["state"]), error=str(row["error"] or ""))


async def _withdraw(key: str) -> Outcome:
    """Nobody took the click in time: it never rings now (unless it was taken meanwhile)."""
    db = current().db
    row = await db.fetchone(
        "UPDATE phone_dial SET state = 'withdrawn', error = {} WHERE key = {}"
        " AND state = 'waiting' RETURNING id",
        NO_AGENT,
        key,
    )
    if row is not None:
        return Outcome(state="withdrawn", error=NO_AGENT)
    return await _state(key)


async def run(ctx: JobContext, dial: Dial) -> None:
    """The job: in the process that runs the line's agent, place the click once."""
    from unionline.channels.phone.sip import runtime

    found = await _state(dial.key)
    if found.state != "waiting":
        return  # placed, failed or withdrawn already: this delivery has nothing to do
    agent = runtime.agent_for(dial.line_id)
    if agent is None:
        raise NotReady("SIP-агент линии не запущен в этом процессе", retry_after=RETRY)
    if agent.outbound is None:
        await _settle(dial.key, "failed", NO_OUTBOUND)
        return
    if not await _take(dial.key):
        return  # taken or withdrawn meanwhile
    from unionline.channels.phone.sip.bridge import click_to_call

    agent.spawn(click_to_call(agent, dial.extension, dial.number, dial.command))


async def _take(key: str) -> bool:
    row = await current().db.fetchone(
        "UPDATE phone_dial SET state = 'placed' WHERE key = {} AND state = 'waiting' RETURNING id",
        key,
    )
    return row is not None


async def _settle(key: str, state: str, error: str) -> None:
    await current().db.execute(
        "UPDATE phone_dial SET state = {}, error = {} WHERE key = {} AND state = 'waiting'",
        state,
        error,
        key,
    )


async def forget_old() -> None:
    """Drop the clicks of more than a day ago (run with each click: one indexed statement)."""
    await current().db.execute("DELETE FROM phone_dial WHERE created_at < {}", time.time() - KEEP)
