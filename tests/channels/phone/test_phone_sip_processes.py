"""The SIP agent in a deployment of several processes, as they run in production: two
``unionline worker`` processes with the default ``[phone] sip_agent = true`` on the test's
database, no Redis, and kamailio as the registrar.

One worker holds the line's lease and runs its agent (it registers, and the registrar's calls
reach it); the other stands by. A click-to-call made through the test's web app — a process
that runs no agent — reaches the agent's worker through the database alone (the click's row,
no Redis, no job) and rings the operator, then the member. The holder is killed with SIGKILL:
the standby takes the lease, registers, and the next call lands there.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sip_support import SipLine, callee, free_port, kamailio, need, sipp
from test_phone_sip_handoff import operator

from unionline import Lease, NotHere, NotReady
from unionline.channel import load_account
from unionline.channels.phone.sip import runtime
from unionline.testing import AppHarness

pytestmark = pytest.mark.every_engine  # the lease is an advisory lock or a flock: both engines

STARTED = "agent runs in this process"
STANDING_BY = "agent runs in another process; standing by"
REGISTERED = "registered at"


@pytest.fixture
def provider() -> str:
    return "sip"


@pytest.fixture
def pbx() -> None:  # the SIP line needs no cloud PBX stand-in
    return None


class Worker:
    """``unionline worker`` in a child process; its log in ``<name>.log`` (a file, not a pipe
    nobody reads while it runs: a full pipe blocks the child)."""

    def __init__(self, h: AppHarness, workdir: Path, name: str) -> None:
        settings = h.runtime.settings
        config = workdir / f"{name}.toml"
        config.write_text(
            f"secret_key = {json.dumps(settings.secret_key)}\n"
            f"database_url = {json.dumps(settings.database_url)}\n"
            f"plugins = {json.dumps(sorted(h.runtime.host.enabled))}\n"
            '[log]\nlevel = "INFO"\n',
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("UNIONLINE_")}
        env["UNIONLINE_CONFIG"] = str(config)
        self.log = workdir / f"{name}.log"
        with self.log.open("wb") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "unionline", "worker"],
                cwd=workdir,
                env=env,
                stdout=sink,
                stderr=sink,
            )

    def said(self, words: str) -> bool:
        text = self.log.read_text(errors="replace")
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited ({self.process.returncode}):\n{text[-3000:]}")
        return words in text

    async def says(self, words: str, timeout: float = 30.0) -> None:
        """Wait for the worker to log ``words`` (a generous bound, not a speed claim)."""
        await until(lambda: _now(self.said(words)), timeout, f"«{words}» in {self.log.name}")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(10)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(30)
        finally:
            self.process.kill()


async def _now(value: Any) -> Any:
    return value


async def until(check: Callable[[], Awaitable[Any]], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := await check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
    return found


@pytest.fixture
def workers(unionline_app: AppHarness, tmp_path: Path) -> Iterator[dict[str, Worker]]:
    started: dict[str, Worker] = {}
    yield started
    for worker in started.values():
        with contextlib.suppress(Exception):
            worker.kill()


async def calls(h: AppHarness, line_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await h.runtime.db.fetch(
        "SELECT data FROM appeal_timeline WHERE channel_account_id = {}"
        " AND external_id LIKE 'call:%' ORDER BY id",
        line_id,
    )
    data = [r["data"] if isinstance(r["data"], dict) else json.loads(r["data"]) for r in rows]
    return [d["call"] for d in data]


async def test_a_call_without_the_agent_here_is_handed_back_uncounted_only_if_held_elsewhere(
    unionline_app: AppHarness,
) -> None:
    """A robot call or a campaign's call in a process without the line's agent: NotHere (its
    attempt not counted) while another process holds the lease, NotReady (counted, so a line
    no process runs ends in a failure saying what to restart) when none does."""
    line_id = uuid.uuid4()
    assert type(await runtime.not_here(line_id)) is NotReady
    assert str(await runtime.not_here(line_id)) == runtime.NOWHERE
    holder = Lease(runtime.LEASE_KIND, line_id)
    try:
        assert await holder.acquire()
        assert isinstance(await runtime.not_here(line_id), NotHere)
        assert await holder.alive()  # the probe took nothing from the holder
    finally:
        await holder.release()
    assert type(await runtime.not_here(line_id)) is NotReady


async def test_a_line_added_changed_or_switched_off_takes_effect_without_a_restart(
    unionline_app: AppHarness,
) -> None:
    """The process that may run agents started before the line existed: the line is taken
    within a round, re-configured (its agent restarted on the new address), switched off (its
    agent stopped, its lease given up) — from the admin API, with no restart."""
    h = unionline_app
    await runtime.start_all()  # as a process that may run agents does at its start
    try:
        sip = SipLine()
        line_id = (await sip.create_env(h)).account.id
        await until(lambda: _now(listening(line_id)), 30, "the new line's agent")
        assert listening(line_id) == ("127.0.0.1", sip.port)

        moved = free_port()
        config = {**sip.config, "sip_listen": f"127.0.0.1:{moved}"}
        await change(h, line_id, {"config": config})
        await until(lambda: _now(listening(line_id) == ("127.0.0.1", moved)), 30, "the move")

        await change(h, line_id, {"status": "disabled"})
        await until(lambda: _now(runtime.agent_for(line_id) is None), 30, "the agent to stop")
        probe = Lease(runtime.LEASE_KIND, line_id)
        assert await probe.acquire()  # the lease was given up with it
        await probe.release()
    finally:
        await runtime.stop_all()


def listening(line_id: uuid.UUID) -> Any:
    agent = runtime.agent_for(line_id)
    return None if agent is None else tuple(agent.listen)


async def change(h: AppHarness, line_id: uuid.UUID, update: dict[str, Any]) -> None:
    r = await h.client.patch(
        f"/api/channel-accounts/{line_id}", headers=h.admin_headers, json=update
    )
    assert r.status_code == 200, r.text


async def test_one_agent_per_line_a_click_from_the_web_and_a_standby_taking_over(
    unionline_app: AppHarness, tmp_path: Path, workers: dict[str, Worker]
) -> None:
    need("espeak-ng", "espeak-ng")
    h = unionline_app
    outbound = free_port()  # sipp as the operator's and the member's phones
    async with kamailio() as port:
        registrar = f"127.0.0.1:{port}"
        env = await SipLine(
            sip_registrar=registrar,
            sip_user="support",
            sip_outbound=f"127.0.0.1:{outbound}",
            operators=["101 = ivanova"],
        ).create_env(h)
        line_id = env.account.id
        ivanova = await operator(h, env.account.organization_id, "ivanova")

        first = workers["first"] = Worker(h, tmp_path, "first")
        await first.says(STARTED)
        await first.says(REGISTERED)
        second = workers["second"] = Worker(h, tmp_path, "second")
        await second.says(STANDING_BY)
        assert runtime.agent_for(line_id) is None  # nor in the web app: it runs no agent
        checked = await runtime.check(await load_account(line_id))  # «Проверить подключение»
        assert checked.ok and "в другом процессе" in checked.detail, checked

        # The registrar's call reaches the registered agent: a missed call owing a callback.
        await sipp("uac_missed_cancel.xml", registrar, "-p", str(free_port()), "-s", "support")

        async def owed() -> list[dict[str, Any]]:  # the entry is rewritten as the call goes
            return [c for c in await calls(h, line_id) if (c.get("callback") or {}).get("id")]

        [missed] = await until(owed, 30, "the missed call owing a callback")
        callback_id = missed["callback"]["id"]

        # «Позвонить» in the web app: the click's row is found by the agent's worker.
        async with callee("uas_talk.xml", outbound, free_port(), calls=2) as phones:
            r = await h.client.post(
                f"/api/phone/callbacks/{callback_id}/call",
                headers=ivanova,
                json={"click": str(uuid.uuid4())},
            )
            assert r.status_code == 200, r.text
            assert r.json()["status"] == "calling" and r.json()["attempts"] == 1
            await phones  # sipp exits 0: the operator's leg, then the member's, talked

        async def bridged() -> list[dict[str, Any]]:
            found = await calls(h, line_id)
            return [c for c in found if c["direction"] == "out" and c["disposition"]]

        [out] = await until(bridged, 30, "the click-to-call's end")
        assert out["extension"] == "101" and out["disposition"] == "answered"
        assert not second.said(STARTED) and not second.said(REGISTERED)

        first.kill()  # SIGKILL: no unregistering, no lease released by the process itself
        await second.says(STARTED)
        await second.says(REGISTERED)
        await sipp("uac_missed_cancel.xml", registrar, "-p", str(free_port()), "-s", "support")

        async def missed_twice() -> bool:
            found = await calls(h, line_id)
            return sum(c["direction"] == "in" for c in found) == 2

        await until(missed_twice, 30, "the call taken by the standby")
        assert second.stop() == 0, second.log.read_text(errors="replace")[-3000:]
