"""The running SIP agents: one per active line with ``provider = "sip"`` across the whole
install, in whichever process that may run agents holds the line's lease (:class:`unionline.Lease`,
kind ``sipa``): two agents of one line would both register its account (the registrar's binding
flaps between them) and both answer its calls.

The processes that run jobs with ``[phone] sip_agent = true`` (the default) may run agents: the
web processes without ``redis_url``, and ``unionline worker``. Each tries for every SIP line's
lease when it starts and then every ``ROUND`` seconds; the holder runs the line's agent, the
others stand by and take over within a round of the holder's end (a stop, a crash, kill -9).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from typing import Any

from unionline import Lease, NotHere, NotReady
from unionline.channel import CheckResult
from unionline.channels.phone.sip import handoff
from unionline.channels.phone.sip.agent import SipAgent

log = logging.getLogger("unionline.channels.phone.sip")
LEASE_KIND = "sipa"  # the lease of a line's agent: its PostgreSQL advisory lock class
ROUND = 2.0  # seconds between a standing-by process's tries for a line's lease
# A robot call's job in a process without the line's agent: handed back, for the agent's
# process (or the standby taking over) to run, this many seconds later.
ELSEWHERE = 2.0
NOT_HERE = "SIP-агент линии работает не в этом процессе (или не запущен): звонок повторится"
NOWHERE = (
    "SIP-агент линии не запущен ни в одном процессе. Он работает в процессе, который выполняет "
    "задания (unionline worker, а без redis_url — веб-процесс), с настройкой [phone] sip_agent "
    "= true: запустите такой процесс (новую или изменённую линию он берёт сам, за 2 секунды)."
)
_AGENTS: dict[uuid.UUID, SipAgent] = {}
_CLICKS: asyncio.Task[None] | None = None  # handoff.serve, while agents run here


class _Watch:
    """This process's leases of the active SIP lines, read again and tried every round: a line
    added, switched off, removed or re-configured in the admin area takes effect within a
    round, without a restart."""

    def __init__(self) -> None:
        self.leases: dict[uuid.UUID, Lease] = {}
        self.said: dict[uuid.UUID, str] = {}  # the last word logged per line: said once
        self.task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        while True:
            await asyncio.sleep(ROUND)
            await self.round()

    async def round(self) -> None:
        try:
            lines = await sip_lines()
        except Exception as exc:  # the database away for a moment: the next round reads again
            log.warning("SIP lines not read: %r", exc)
            return
        for line_id in set(self.leases) - {line.id for line in lines}:
            await self._forget(line_id)
        for line in lines:
            try:
                await self._keep(line)
            except Exception as exc:  # the database away for a moment: the next round tries
                self._say(line.id, logging.WARNING, f"its lease not tried: {exc!r}")

    async def _keep(self, line: Any) -> None:
        lease = self.leases.setdefault(line.id, Lease(LEASE_KIND, line.id))
        if lease.held and not await lease.alive():  # its connection ended: others may hold it
            await stop(line.id)
            await lease.release()
            self._say(line.id, logging.WARNING, "lease lost, agent stopped")
            return
        if not lease.held and not await lease.acquire():
            self._say(line.id, logging.INFO, "agent runs in another process; standing by")
            return
        try:
            await start(line)  # nothing when it runs with these settings; else (re)started
        except OSError as exc:  # the address is taken: the other lines still start
            await lease.release()
            self._say(line.id, logging.ERROR, f"not started: {exc}")
            return
        self._say(line.id, logging.INFO, f"agent runs in this process (pid {os.getpid()})")

    async def _forget(self, line_id: uuid.UUID) -> None:
        """A line no longer active with provider ``sip``: its agent stops, its lease goes."""
        await stop(line_id)
        await self.leases.pop(line_id).release()
        self.said.pop(line_id, None)
        log.info("SIP line %s: no longer an active SIP line; its agent stopped here", line_id)

    def _say(self, line_id: uuid.UUID, level: int, words: str) -> None:
        if self.said.get(line_id) != words:
            self.said[line_id] = words
            log.log(level, "SIP line %s: %s", line_id, words)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        for line_id, lease in self.leases.items():
            await stop(line_id)  # unregistered first, then the lease goes to a standby
            await lease.release()


_WATCH: _Watch | None = None


async def sip_lines() -> list[Any]:
    """The active phone lines with provider ``sip``."""
    from unionline.channel import channel_accounts

    return [line for line in await channel_accounts("phone") if line.config.provider == "sip"]


async def start_all() -> None:
    """Run the agents of the active SIP lines whose leases this process gets now, and keep
    trying for the others — and for lines added or changed later — every ``ROUND`` seconds
    (at the start of a process that may run agents)."""
    global _WATCH
    if _WATCH is not None:
        return
    _WATCH = _Watch()
    await _WATCH.round()  # a single process has its agents once it has started
    _WATCH.task = asyncio.create_task(_WATCH.run(), name="phone-sip-leases")


async def start(line: Any) -> SipAgent:
    """The line's agent, started now if it is not running (restarted when its line changed).
    Holds no lease: :func:`start_all` takes it first (tests and benchmarks start one here)."""
    running = _AGENTS.get(line.id)
    if running is not None and (running.config, running.line.secrets) == (
        line.config,
        line.secrets,
    ):
        return running
    if running is not None:
        await stop(line.id)
    agent = SipAgent(line)
    await agent.start()
    _AGENTS[line.id] = agent
    serve_clicks()
    return agent


def serve_clicks() -> None:
    """Place the console's click-to-calls of the lines whose agents run here (handoff.py):
    one task per process, from its first agent until :func:`stop_all`."""
    global _CLICKS
    loop = asyncio.get_running_loop()
    if _CLICKS is None or _CLICKS.done() or _CLICKS.get_loop() is not loop:
        _CLICKS = loop.create_task(handoff.serve(lambda: list(_AGENTS)), name="phone-sip-clicks")


def agent_for(line_id: uuid.UUID) -> SipAgent | None:
    return _AGENTS.get(line_id)


async def stop(line_id: uuid.UUID) -> None:
    agent = _AGENTS.pop(line_id, None)
    if agent is not None:
        await agent.stop()


async def stop_all() -> None:
    global _WATCH, _CLICKS
    if _WATCH is not None:
        watch, _WATCH = _WATCH, None
        await watch.stop()
    if _CLICKS is not None:
        clicks, _CLICKS = _CLICKS, None
        clicks.cancel()
        if clicks.get_loop() is asyncio.get_running_loop():
            with contextlib.suppress(asyncio.CancelledError):
                await clicks
    for line_id in list(_AGENTS):
        await stop(line_id)


async def check(line: Any) -> CheckResult:
    """«Проверить подключение» of a SIP line: its agent runs — here, with a registrar
    registered, or in another process (its lease is held)."""
    agent = _AGENTS.get(line.id)
    if agent is None:
        return await _elsewhere(line)
    where = f"{agent.listen[0]}:{agent.listen[1]}"
    if agent.registrar is None:
        return CheckResult(ok=True, identity=where, detail=f"SIP-агент слушает {where}")
    if agent.registered.is_set():
        user = f"{line.config.sip_user}@{agent.domain}"
        return CheckResult(ok=True, identity=user, detail=f"Зарегистрирован как {user}")
    error = agent.last_registration_error or "нет ответа"
    return CheckResult(ok=False, detail=f"Регистратор не принял регистрацию: {error}")


async def not_here(line_id: uuid.UUID) -> NotReady:
    """What a robot call or a campaign's call in a process without the line's agent raises:
    ``NotHere`` when another process holds the line's lease (handed back, the attempt not
    counted, however many processes run jobs), ``NotReady`` when none does (its attempts run
    out, saying what to restart)."""
    if await _held_elsewhere(line_id):
        return NotHere(NOT_HERE, retry_after=ELSEWHERE)
    return NotReady(NOWHERE, retry_after=ELSEWHERE)


async def _held_elsewhere(line_id: uuid.UUID) -> bool:
    """A moment's try of the line's lease, given back at once (a standby trying then tries
    again next round)."""
    probe = Lease(LEASE_KIND, line_id)
    try:
        free = await probe.acquire()
    finally:
        await probe.release()
    return not free


async def _elsewhere(line: Any) -> CheckResult:
    """No agent here: whether another process holds the line's lease."""
    if not await _held_elsewhere(line.id):
        return CheckResult(ok=False, detail=NOWHERE)
    return CheckResult(
        ok=True,
        identity=line.config.sip_user or line.config.sip_listen,
        detail="SIP-агент линии работает в другом процессе (в том, что выполняет задания)",
    )
