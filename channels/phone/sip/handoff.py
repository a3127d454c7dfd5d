"""Click-to-call through a SIP line from any process: the click's row carries it to the process
that runs the line's agent.

A SIP line's calls can only be placed by its agent, which runs in one process of the install
(the one of those that run jobs holding the line's lease, ``runtime.py``). The console's
«Позвонить» may reach any web process, so the web process does not dial: it writes the click
(``phone_dial``: keyed by the line and ``click`` — the callback and the click's key — with the
call to place) in one statement, and then waits — at most ``[phone] dial_wait`` seconds — for
the row to say what became of it:

- the agent's process looks for its lines' waiting clicks every ``PICKUP`` seconds (:func:`serve`)
  and takes each (``waiting`` → ``placed``, one statement: a second click with the same key, or
  a retried request, finds it taken and dials nothing), then has the agent ring the operator,
  then the member. No job and no job slot: a process without the agent never sees the click;
- ``placed``: the web process records the attempt on the callback (``placed`` → ``shown``, once
  per click however many requests wait on it);
- ``failed``: the agent's process could not place it (no outbound address) — the reason;
- still ``waiting`` at the deadline: no process runs the agent. The click is withdrawn
  (``waiting`` → ``withdrawn``, so it never rings later, when an agent starts) and the operator
  reads why. A click the agent took at that very moment is placed after all.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

import msgspec

from unionline import Conflict, current
from unionline.channels.phone.settings import phone_settings

log = logging.getLogger("unionline.channels.phone.sip")
PICKUP = 0.2  # seconds between the agent's process's looks for its lines' waiting clicks
KEEP = 86400.0  # a click's row is kept a day: long past any retry of its request
NO_AGENT = (
    "Звонок не начат: SIP-агент этой линии не ответил. Он работает в процессе, который "
    "выполняет задания (настройка [phone] sip_agent = true) — проверьте, что этот процесс "
    "запущен, и позвоните ещё раз."
)
NO_OUTBOUND = "Звонок не начат: у SIP-линии не указан регистратор или адрес для исходящих"


class Click(msgspec.Struct, frozen=True, kw_only=True):
    """A waiting click as the agent's process reads it: the call to place."""

    key: str  # "<line id>:<callback id>:<the click's key>"
    account_id: uuid.UUID
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
    # The call's own id: fixed by the first request of the click (a repeat finds the row).
    await current().db.execute(
        "INSERT INTO phone_dial (id, key, account_id, state, error, created_at, extension,"
        " number, command) VALUES ({}, {}, {}, 'waiting', '', {}, {}, {}, {})"
        " ON CONFLICT (key) DO NOTHING",
        uuid.uuid4(),
        key,
        line.id,
        time.time(),
        extension,
        number,
        str(uuid.uuid4()),
    )
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


async def serve(lines: Callable[[], list[uuid.UUID]]) -> None:
    """In a process that runs agents: place the waiting clicks of ``lines()`` (the lines whose
    agents run here), looking every ``PICKUP`` seconds, until cancelled."""
    while True:
        await asyncio.sleep(PICKUP)
        try:
            await take_waiting(lines())
        except Exception:  # the database away for a moment: the next look tries again
            log.warning("waiting click-to-calls not read", exc_info=True)


async def take_waiting(line_ids: list[uuid.UUID]) -> int:
    """Place the waiting clicks of ``line_ids`` with their agents here; how many were taken."""
    taken = 0
    for line_id in line_ids:
        for click in await current().db.fetch_as(
            Click,
            "SELECT key, account_id, extension, number, command FROM phone_dial"
            " WHERE account_id = {} AND state = 'waiting'",
            line_id,
        ):
            taken += await _place_here(click)
    return taken


async def _place_here(click: Click) -> int:
    from unionline.channels.phone.sip import runtime
    from unionline.channels.phone.sip.bridge import click_to_call

    agent = runtime.agent_for(click.account_id)
    if agent is None:
        return 0  # stopped meanwhile: the process that holds the line now takes it
    if agent.outbound is None:
        await _settle(click.key, "failed", NO_OUTBOUND)
        return 0
    if not await _take(click.key):
        return 0  # withdrawn meanwhile
    agent.spawn(click_to_call(agent, click.extension, click.number, click.command))
    return 1


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
