"""The running SIP agents: one per active line with ``provider = "sip"``, in the process that
has ``[phone] sip_agent = true`` (the default; a deployment with several web processes keeps it
true in one of them only — two agents cannot bind one address)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from unionline.channel import CheckResult
from unionline.channels.phone.sip.agent import SipAgent

log = logging.getLogger("unionline.channels.phone.sip")
_AGENTS: dict[uuid.UUID, SipAgent] = {}


async def start_all() -> None:
    """Start an agent for every active SIP line (at the app's start)."""
    from unionline.channel import channel_accounts

    for line in await channel_accounts("phone"):
        if line.config.provider == "sip":
            try:
                await start(line)
            except OSError as exc:  # the address is taken: the other lines still start
                log.error("SIP line %s not started: %s", line.id, exc)


async def start(line: Any) -> SipAgent:
    """The line's agent, started now if it is not running (restarted when its line changed)."""
    running = _AGENTS.get(line.id)
    if running is not None and running.config == line.config:
        return running
    if running is not None:
        await stop(line.id)
    agent = SipAgent(line)
    await agent.start()
    _AGENTS[line.id] = agent
    return agent


def agent_for(line_id: uuid.UUID) -> SipAgent | None:
    return _AGENTS.get(line_id)


async def stop(line_id: uuid.UUID) -> None:
    agent = _AGENTS.pop(line_id, None)
    if agent is not None:
        await agent.stop()


async def stop_all() -> None:
    for line_id in list(_AGENTS):
        await stop(line_id)


def check(line: Any) -> CheckResult:
    """«Проверить подключение» of a SIP line: its agent runs and, with a registrar, is
    registered."""
    agent = _AGENTS.get(line.id)
    if agent is None:
        return CheckResult(ok=False, detail="SIP-агент линии не запущен (перезапустите приложение)")
    where = f"{agent.listen[0]}:{agent.listen[1]}"
    if agent.registrar is None:
        return CheckResult(ok=True, identity=where, detail=f"SIP-агент слушает {where}")
    if agent.registered.is_set():
        user = f"{line.config.sip_user}@{agent.domain}"
        return CheckResult(ok=True, identity=user, detail=f"Зарегистрирован как {user}")
    error = agent.last_registration_error or "нет ответа"
    return CheckResult(ok=False, detail=f"Регистратор не принял регистрацию: {error}")
