"""Click-to-call through a SIP line when the SIP agent runs in another process: the web process
never dials itself — it writes the click's row, which the process that runs the line's agent
finds and places once per click (sip/handoff.py); with no agent anywhere the operator reads why
within ``[phone] dial_wait`` seconds, and that click never rings later.

In one process: the line's agent is a stand-in registered with the agents' runtime when the test
says "the agent's process is up", and the real bridge is replaced by a recorder of the calls it
was asked to place. Two real processes: test_phone_sip_processes.py. Both engines: the
hand-over is rows.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any

import msgspec
import pytest
from sip_support import SipLine

from unionline.channel import load_account
from unionline.channels.phone.model import CallEvent
from unionline.channels.phone.sip import bridge, handoff, runtime
from unionline.channels.phone.store import record
from unionline.testing import AppHarness
from unionline.testing.channel_contract import ContractEnv

pytestmark = pytest.mark.every_engine  # the click's row and its job: both engines

# A bound, not a speed claim: a request returns once the agent's process took the click (every
# 0.2 s); at high load that took over the 1 s this was. The one test that waits the whole
# deadline (no agent anywhere) has a short one of its own.
DIAL_WAIT = 20.0
NO_AGENT_WAIT = 1.0


@pytest.fixture
def provider() -> str:
    return "sip"


@pytest.fixture
def pbx() -> None:  # a SIP line needs no cloud PBX stand-in
    return None


@pytest.fixture
def unionline_settings(unionline_settings: Any) -> Any:
    data = msgspec.to_builtins(unionline_settings)
    data["phone"] = {**data.get("phone", {}), "dial_wait": DIAL_WAIT}
    return msgspec.convert(data, type(unionline_settings))


@dataclass
class AgentStandin:
    """What the hand-over asks of the line's agent: an outbound address and ``spawn``."""

    outbound: Any = ("127.0.0.1", 5999)
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coroutine)
        self.tasks.append(task)
        return task


@dataclass
class Line:
    env: ContractEnv
    line: Any
    placed: list[tuple[str, str, str]]  # (extension, number, command) the bridge was asked

    @property
    def h(self) -> AppHarness:
        return self.env.harness

    def agent_up(self, agent: AgentStandin | None = None) -> AgentStandin:
        """The process that runs the line's agent is up (here: this process)."""
        agent = agent or AgentStandin()
        runtime._AGENTS[self.line.id] = agent
        runtime.serve_clicks()  # what runtime.start does for a real agent
        return agent

    async def callback(self) -> str:
        """A missed call of the member's: the callback it owes."""
        at = time.time()
        call = f"in-{uuid.uuid4().hex[:8]}"
        started = CallEvent(
            call=call, key=f"{call}:0", step="started", at=at, direction="in", member="79161234567"
        )
        ended = CallEvent(call=call, key=f"{call}:1", step="ended", at=at + 5, seq=1)
        await record(self.line, [started, ended])
        row = await self.env.db.fetchone(
            "SELECT id FROM phone_callback WHERE account_id = {}", self.line.id
        )
        assert row is not None
        return str(row["id"])

    async def callback_row(self, callback_id: str) -> dict[str, Any]:
        row = await self.env.db.fetchone(
            "SELECT status, attempts FROM phone_callback WHERE id = {}", uuid.UUID(callback_id)
        )
        assert row is not None
        return dict(row)


@pytest.fixture
def placed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str, str]]]:
    calls: list[tuple[str, str, str]] = []

    async def click_to_call(agent: Any, extension: str, number: str, command: str) -> None:
        calls.append((extension, number, command))

    monkeypatch.setattr(bridge, "click_to_call", click_to_call)
    yield calls


@pytest.fixture
async def sip(unionline_app: AppHarness, placed: list[Any]) -> AsyncIterator[Line]:
    env = await SipLine(operators=["101 = ivanova"], sip_outbound="127.0.0.1:5999").create_env(
        unionline_app
    )
    line = await load_account(env.account.id)
    assert runtime.agent_for(line.id) is None  # no agent in this (web) process
    try:
        yield Line(env, line, placed)
    finally:
        runtime._AGENTS.pop(line.id, None)
        await runtime.stop_all()  # the clicks' task


async def operator(h: AppHarness, organization_id: uuid.UUID, login: str) -> dict[str, str]:
    r = await h.client.post(
        "/api/operators/",
        headers=h.admin_headers,
        json={
            "login": login,
            "password": "password-123",
            "name": login.title(),
            "grants": [{"role": "operator", "organization_id": str(organization_id)}],
        },
    )
    assert r.status_code == 201, r.text
    t = await h.client.post(
        f"/api/operators/{r.json()['id']}/tokens",
        headers=h.admin_headers,
        json={"name": "test", "scopes": ["appeals.read", "appeals.reply"]},
    )
    assert t.status_code in (200, 201), t.text
    return {"Authorization": f"Bearer {t.json()['token']}"}


async def test_a_click_in_a_process_without_the_agent_is_placed_by_the_agents_process(
    sip: Line,
) -> None:
    ivanova = await operator(sip.h, sip.line.organization_id, "ivanova")
    callback_id = await sip.callback()
    click = str(uuid.uuid4())
    request = asyncio.ensure_future(
        sip.h.client.post(
            f"/api/phone/callbacks/{callback_id}/call", headers=ivanova, json={"click": click}
        )
    )
    # The click waits: no process runs the line's agent yet.
    while (state := await dial_state(sip, callback_id, click)) is None:
        await asyncio.sleep(0.01)
    assert state == "waiting" and not request.done() and sip.placed == []
    sip.agent_up()
    r = await request
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "calling" and r.json()["attempts"] == 1
    assert [(ext, number) for ext, number, _ in sip.placed] == [("101", "+79161234567")]
    assert await sip.callback_row(callback_id) == {"status": "calling", "attempts": 1}


async def test_no_agent_anywhere_is_a_clear_error_and_the_click_never_rings_later(
    sip: Line, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured = handoff.phone_settings
    monkeypatch.setattr(
        handoff,
        "phone_settings",
        lambda: msgspec.structs.replace(configured(), dial_wait=NO_AGENT_WAIT),
    )
    ivanova = await operator(sip.h, sip.line.organization_id, "ivanova")
    callback_id = await sip.callback()
    click = str(uuid.uuid4())
    r = await sip.h.client.post(
        f"/api/phone/callbacks/{callback_id}/call", headers=ivanova, json={"click": click}
    )
    assert r.status_code == 409, r.text
    body = r.json()["error"]
    assert body["field"] == "line" and "SIP-агент этой линии не ответил" in body["message"]
    assert await sip.callback_row(callback_id) == {"status": "pending", "attempts": 0}
    checked = await runtime.check(sip.line)  # «Проверить подключение» says so too
    assert not checked.ok and checked.detail == runtime.NOWHERE
    sip.agent_up()  # an agent starts afterwards: the withdrawn click is not its to take
    assert await handoff.take_waiting([sip.line.id]) == 0
    assert sip.placed == [] and await dial_state(sip, callback_id, click) == "withdrawn"


async def test_a_repeated_delivery_or_a_double_click_dials_once(sip: Line) -> None:
    ivanova = await operator(sip.h, sip.line.organization_id, "ivanova")
    callback_id = await sip.callback()
    sip.agent_up()
    click = str(uuid.uuid4())
    url = f"/api/phone/callbacks/{callback_id}/call"
    first, second = await asyncio.gather(
        sip.h.client.post(url, headers=ivanova, json={"click": click}),
        sip.h.client.post(url, headers=ivanova, json={"click": click}),
    )
    assert (first.status_code, second.status_code) == (200, 200), (first.text, second.text)
    [(extension, number, command)] = sip.placed
    assert (extension, number) == ("101", "+79161234567")
    assert await sip.callback_row(callback_id) == {"status": "calling", "attempts": 1}
    # The agent's process looks again (and again): the click is taken, no second call.
    assert await handoff.take_waiting([sip.line.id]) == 0
    assert await handoff.take_waiting([sip.line.id]) == 0
    assert len(sip.placed) == 1
    # Another click is another call.
    again = await sip.h.client.post(url, headers=ivanova, json={"click": str(uuid.uuid4())})
    assert again.status_code == 200, again.text
    assert len(sip.placed) == 2 and sip.placed[1][2] != command  # a call of its own
    assert await sip.callback_row(callback_id) == {"status": "calling", "attempts": 2}


async def test_a_line_without_an_outbound_address_says_so(sip: Line) -> None:
    ivanova = await operator(sip.h, sip.line.organization_id, "ivanova")
    callback_id = await sip.callback()
    sip.agent_up(AgentStandin(outbound=None))
    r = await sip.h.client.post(f"/api/phone/callbacks/{callback_id}/call", headers=ivanova)
    assert r.status_code == 409, r.text
    assert r.json()["error"]["message"] == handoff.NO_OUTBOUND
    assert sip.placed == []


async def test_a_malformed_click_key_is_refused_naming_it(sip: Line) -> None:
    ivanova = await operator(sip.h, sip.line.organization_id, "ivanova")
    callback_id = await sip.callback()
    r = await sip.h.client.post(
        f"/api/phone/callbacks/{callback_id}/call", headers=ivanova, json={"click": "a b"}
    )
    assert r.status_code == 400, r.text
    assert "click" in r.text
    assert await sip.env.db.fetchone("SELECT id FROM phone_dial") is None


@dataclass
class RuntimeStandin:
    state: dict[str, Any]
    stopping: list[Any] = field(default_factory=list)


@pytest.fixture
def may_run_agents(sip: Line, monkeypatch: pytest.MonkeyPatch) -> None:
    """``[phone] sip_agent = true``, the default, once the test app (which runs no agent of its
    own: phone_support.configure) has started: these tests play the processes' starts."""
    import unionline.channels.phone.settings as phone_config

    configured = phone_config.phone_settings
    monkeypatch.setattr(
        phone_config,
        "phone_settings",
        lambda: msgspec.structs.replace(configured(), sip_agent=True),
    )


@pytest.mark.usefixtures("may_run_agents")
async def test_the_job_worker_runs_the_agents_and_a_command_does_not(sip: Line) -> None:
    """`unionline worker` starts the SIP lines' agents (the web app does in ``startup``), so
    the process that runs jobs — robot calls, the clicks carried here — has them."""
    from unionline.channels import phone as plugin

    command = RuntimeStandin(state={"process_kind": "command"})
    await plugin.runtime_started(command)
    assert runtime.agent_for(sip.line.id) is None and command.stopping == []
    worker = RuntimeStandin(state={"process_kind": "worker"})
    await plugin.runtime_started(worker)
    try:
        assert runtime.agent_for(sip.line.id) is not None
    finally:
        for stop in worker.stopping:
            await stop()
    assert runtime.agent_for(sip.line.id) is None


@pytest.mark.usefixtures("may_run_agents")
async def test_a_web_process_runs_the_agents_only_when_it_runs_jobs(
    sip: Line, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With redis_url the web processes run no jobs (arq workers do): no agent there, so robot
    calls and clicks find the line's agent in a worker; without it, the web app may run it."""
    from unionline.channels import phone as plugin

    kind = type(sip.h.runtime)
    with monkeypatch.context() as patched:
        patched.setattr(kind, "executor_kind", property(lambda self: "arq"))
        await plugin.startup(None)
    assert runtime.agent_for(sip.line.id) is None
    await plugin.startup(None)  # the in-process executor: jobs run here
    try:
        assert runtime.agent_for(sip.line.id) is not None
    finally:
        await runtime.stop_all()
    assert runtime.agent_for(sip.line.id) is None


async def dial_state(sip: Line, callback_id: str, click: str) -> str | None:
    row = await sip.env.db.fetchone(
        "SELECT state FROM phone_dial WHERE key = {}", f"{sip.line.id}:{callback_id}:{click}"
    )
    return None if row is None else str(row["state"])
