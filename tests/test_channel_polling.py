"""The channel SDK's Poller base and run_pollers, on the reference channel: backoff with jitter,
retry_after, re-authorisation, accounts changing under the supervisor, the health report."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import ClassVar

import pytest
from channel_support import reference_fixtures

from unionline.channel import polling
from unionline.channel.accounts import load_account
from unionline.channel.polling import Poller, run_pollers, start_pollers, stop_pollers
from unionline.errors import AuthFailed, NotReady
from unionline.health import background
from unionline.testing.channel_contract import ContractEnv

unionline_settings, env = reference_fixtures()
Step = BaseException | int


class Scripted(Poller):
    """A poller whose rounds follow ``script``: an exception is raised, a number is returned;
    with the script done, a round waits briefly for news that never comes (a long poll)."""

    channel: ClassVar[str] = "reference"
    rescan_seconds: ClassVar[float] = 0.02
    script: ClassVar[list[Step]] = []
    started: ClassVar[list[Scripted]] = []

    def __init__(self, account_id: uuid.UUID) -> None:
        super().__init__(account_id)
        self.rounds = 0
        self.started.append(self)

    async def poll_once(self) -> int:
        self.rounds += 1
        if self.script:
            step = self.script.pop(0)
            if isinstance(step, BaseException):
                raise step
            return step
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), 0.02)
        return 0


class Recorded(Scripted):
    """Records its pauses instead of waiting them, and stops when its script is done."""

    def __init__(self, account_id: uuid.UUID) -> None:
        super().__init__(account_id)
        self.pauses: list[tuple[float, str]] = []

    async def pause(self, seconds: float) -> None:
        self.pauses.append((seconds, self.health()))

    async def poll_once(self) -> int:
        if not self.script:
            self.stop()
        return await super().poll_once()


@pytest.fixture
def kind() -> type[Scripted]:
    """A fresh subclass per test: its script and started pollers are the test's own."""

    class Kind(Scripted):
        script: ClassVar[list[Step]] = []
        started: ClassVar[list[Scripted]] = []

    return Kind


async def until(check: object, what: str) -> None:
    for _ in range(500):
        if callable(check) and check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


@contextlib.asynccontextmanager
async def supervising(kind: type[Poller]) -> AsyncIterator[asyncio.Event]:
    stop = asyncio.Event()
    task = asyncio.create_task(run_pollers(kind, stop))
    try:
        yield stop
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


async def test_failed_rounds_back_off_with_jitter_and_honour_retry_after(env: ContractEnv) -> None:
    Recorded.script = [ConnectionError("refused"), ConnectionError("refused"), 2]
    Recorded.script += [NotReady("429", retry_after=7.0), 1]
    poller = Recorded(env.account.id)
    await asyncio.wait_for(poller.run(), 10)
    (first, health), (second, _), (third, later) = poller.pauses
    assert 1.0 <= first <= 2.0 and 2.0 <= second <= 4.0  # full jitter under 2 s, 4 s
    assert third == 7.0  # a success in between: the count started again; retry_after wins
    assert health == "backoff: 1 failed round(s) in a row, last ConnectionError: refused"
    assert later == "backoff: 1 failed round(s) in a row, last NotReady: 429"
    assert poller.failures == 0 and poller.state == "stopped" and poller.rounds == 6

    jittered = Recorded(env.account.id)
    Recorded.script = [OSError("down")] * 20
    await asyncio.wait_for(jittered.run(), 10)
    capped = [seconds for seconds, _ in jittered.pauses][6:]  # 2 s doubled past the 60 s cap
    assert all(30.0 <= seconds <= 60.0 for seconds in capped)
    assert len(set(capped)) > 1  # jitter: pollers failing together do not retry together


async def test_refused_credentials_flag_the_account_and_stop(env: ContractEnv) -> None:
    Recorded.script = [AuthFailed("token revoked by the provider")]
    poller = Recorded(env.account.id)
    await asyncio.wait_for(poller.run(), 10)
    account = await load_account(env.account.id)
    assert account.status == "needs_reauth" and poller.rounds == 1
    view = await env.harness.client.get(
        f"/api/channel-accounts/{env.account.id}", headers=env.harness.admin_headers
    )
    assert view.json()["status_reason"] == "token revoked by the provider"


async def test_pollers_follow_their_accounts_and_show_in_health(
    env: ContractEnv, kind: type[Scripted]
) -> None:
    h, path = env.harness, f"/api/channel-accounts/{env.account.id}"
    name = f"reference poller {env.account.id}"
    async with supervising(kind):
        await until(lambda: kind.started and kind.started[0].state == "polling", "a poller")
        ready = await h.client.get("/health/ready")
        assert ready.json()["background"][name] == "polling"
        first = kind.started[0]

        await h.client.post(f"{path}/disable", headers=h.admin_headers)
        await until(lambda: first.state == "stopped", "the poller of a disabled account to stop")
        assert name not in background()

        await h.client.patch(path, json={"status": "active"}, headers=h.admin_headers)
        await until(lambda: len(kind.started) == 2, "a poller for the account enabled again")
    assert all(p.state == "stopped" for p in kind.started) and name not in background()


async def test_a_changed_account_gets_a_new_poller(env: ContractEnv, kind: type[Scripted]) -> None:
    h = env.harness
    async with supervising(kind):
        await until(lambda: kind.started, "a poller")
        await h.client.patch(
            f"/api/channel-accounts/{env.account.id}",
            json={"config": {"prefix": "[новый] "}},
            headers=h.admin_headers,
        )
        await until(lambda: len(kind.started) == 2, "a poller with the new settings")
        assert kind.started[0].state == "stopped"


async def test_a_failed_listing_keeps_the_running_pollers(
    env: ContractEnv, kind: type[Scripted], monkeypatch: pytest.MonkeyPatch
) -> None:
    real, calls, alive_then = polling.polled_accounts, 0, []

    async def flaky(k: type[Poller]) -> dict[uuid.UUID, str]:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionRefusedError(111, "Connect call failed")
        if calls == 3:
            alive_then.append(kind.started[0].state != "stopped")
            stop.set()
        return await real(k)

    monkeypatch.setattr(polling, "polled_accounts", flaky)
    async with supervising(kind) as stop:
        await asyncio.wait_for(stop.wait(), 10)
    assert alive_then == [True] and len(kind.started) == 1


async def test_pollers_started_with_an_app_stop_with_it(
    env: ContractEnv, kind: type[Scripted]
) -> None:
    app = object()
    start_pollers(app, kind)
    await until(lambda: kind.started and kind.started[0].state == "polling", "a poller")
    await asyncio.wait_for(stop_pollers(app, kind), 10)
    assert kind.started[0].state == "stopped"
    await stop_pollers(app, kind)  # nothing left to stop: a no-op
