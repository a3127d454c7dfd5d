"""Acceptance: a campaign to 150 members over SMTP reaches every one of them although its
sending worker (``unionline worker``) is killed with SIGKILL three times mid-campaign — no
member skipped, copies only of messages in flight at a kill (at most the campaign's
concurrency per kill, with the same Message-ID) — and pause then resume sends nobody twice."""

from __future__ import annotations

import asyncio
import email
import email.policy
import signal
import socket
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from campaigns_support import World, campaign_body, grant, member
from plugins_for_tests.support import cli_env, unionline_cli, wait_for, waited

from unionline import NotReady
from unionline.testing import support as testing

pytestmark = pytest.mark.database
NO_CONTEXT: Any = None  # send_job reads nothing of its JobContext
MEMBERS = 150
CONCURRENCY = 6
KILLS = (20, 60, 100)  # messages received before each kill


class Sink:
    def __init__(self) -> None:
        self.mails: list[tuple[str, str]] = []  # (recipient, Message-ID)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.mails.append((envelope.rcpt_tos[0], str(mail["Message-ID"])))
        await asyncio.sleep(0.002)  # a real server takes a moment; kills land mid-batch
        return "250 OK"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _setup(h: Any, port: int, count: int) -> tuple[World, str, list[str]]:
    w = await World(h).setup()
    r = await h.client.post(
        "/api/channel-accounts/",
        headers=h.admin_headers,
        json={
            "organization_id": str(w.a),
            "channel": "mail",
            "name": "Рассылки",
            "public_key": "news@union.example",
            "config": {
                "address": "news@union.example",
                "smtp_host": "127.0.0.1",
                "smtp_port": port,
                "smtp_security": "none",
            },
        },
    )
    assert r.status_code == 201, r.text
    addresses = []
    for i in range(count):
        address = f"m{i}@example.org"
        mid = await member(w.a, f"Член Номер {i}", contacts=(("email", address),))
        await grant(mid, "email")
        addresses.append(address)
    body = campaign_body(
        w,
        channel_order=["email"],
        accounts={"email": r.json()["id"]},
        variants={"email": {"subject": "Собрание", "text": "{{ first_name }}, ждём вас."}},
        concurrency=CONCURRENCY,
    )
    cid = (await w.call("boss", "post", "/api/campaigns/", 201, **body))["id"]
    return w, cid, addresses


@pytest.mark.slow
async def test_killed_workers_skip_nobody_and_double_only_in_flight(
    unionline_database_url: str, tmp_path: Path
) -> None:
    port = _port()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings = testing.make_settings(unionline_database_url, plugins=["campaigns", "mail"])
    env = cli_env(unionline_database_url) | {
        "UNIONLINE_PLUGINS": "campaigns,mail",
        "UNIONLINE_CAMPAIGNS__LEASE_SECONDS": "1.5",
        "UNIONLINE_CAMPAIGNS__RUN_SECONDS": "3",
        "UNIONLINE_CAMPAIGNS__EMAIL_PER_SECOND": "1000",
    }
    log = tmp_path / "workers.log"
    try:
        async with testing.running_app(settings, migrate=True, execute_jobs=False) as h:
            w, cid, addresses = await _setup(h, port, MEMBERS)
            await w.call("boss", "post", f"/api/campaigns/{cid}/start")
            for mark in KILLS:
                worker = unionline_cli("worker", env=env, cwd=tmp_path, log=log)
                try:

                    async def reached(mark: int = mark) -> bool:
                        return len(sink.mails) >= mark

                    await wait_for(reached, 90, f"{mark} mails")
                finally:
                    worker.send_signal(signal.SIGKILL)
                    await waited(worker, 30)
            last = unionline_cli("worker", env=env, cwd=tmp_path, log=log)
            try:

                async def finished() -> bool:
                    view = await w.call("boss", "get", f"/api/campaigns/{cid}")
                    return view["status"] == "finished"

                try:
                    await wait_for(finished, 120, "the campaign to finish")
                except TimeoutError:
                    pytest.fail(log.read_text()[-3000:])
            finally:
                last.send_signal(signal.SIGTERM)
                await waited(last, 60)
            counts = (await w.call("boss", "get", f"/api/campaigns/{cid}"))["counts"]
    finally:
        controller.stop()
    received = Counter(r for r, _ in sink.mails)
    assert set(received) == set(addresses), "a member was skipped"
    extra = sum(received.values()) - len(addresses)
    assert extra <= len(KILLS) * CONCURRENCY, received.most_common(5)
    ids = {r: {i for rr, i in sink.mails if rr == r} for r in received}
    assert all(len(v) == 1 for v in ids.values()), "a copy carried another Message-ID"
    assert counts["sent"] == MEMBERS and counts["queued"] == counts["sending"] == 0


async def test_pause_then_resume_sends_nobody_twice(
    unionline_database_url: str, tmp_path: Path
) -> None:
    from unionline.plugins.campaigns import sending
    from unionline.plugins.campaigns.campaigns import load

    port = _port()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings = testing.make_settings(unionline_database_url, plugins=["campaigns", "mail"])
    try:
        async with testing.running_app(settings, migrate=True, execute_jobs=False) as h:
            w, cid, addresses = await _setup(h, port, 20)
            await w.call("boss", "post", f"/api/campaigns/{cid}/start")
            campaign = await load(uuid.UUID(cid))
            assert campaign is not None
            for row in await sending.claim(campaign, 5):  # the worker got this far
                done = await sending.send_one(campaign, row, {})
                await sending.settle_sent([done] if done else [])
            await w.call("boss", "post", f"/api/campaigns/{cid}/pause")
            job = sending.SendPayload(uuid.UUID(cid))
            await sending.send_job(NO_CONTEXT, job)  # paused: sends nothing
            assert len(sink.mails) == 5
            resumed = await w.call("boss", "post", f"/api/campaigns/{cid}/resume")
            assert resumed["status"] == "sending"
            await w.call("boss", "post", f"/api/campaigns/{cid}/resume", 409)
            await sending.send_job(NO_CONTEXT, job)
            view = await w.call("boss", "get", f"/api/campaigns/{cid}")
    finally:
        controller.stop()
    assert view["status"] == "finished" and view["counts"]["sent"] == 20
    assert sorted(r for r, _ in sink.mails) == sorted(addresses)  # each exactly once


class SlowSink(Sink):
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(0.8)  # slower than the lease below
        return await super().handle_DATA(server, session, envelope)


async def test_a_batch_slower_than_the_lease_is_not_taken_over_while_it_sends(
    unionline_database_url: str, tmp_path: Path
) -> None:
    """Two runs of one campaign at once (a job re-run after its successor was queued), each
    batch slower than ``lease_seconds``: the sending run keeps renewing its claim, so the other
    never takes a row over while it is in flight — every member gets exactly one mail."""
    import msgspec

    from unionline.plugins.campaigns import sending
    from unionline.plugins.campaigns.settings import CampaignsSettings
    from unionline.settings import settings_type

    port = _port()
    sink = SlowSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    base = testing.make_settings(unionline_database_url, plugins=["campaigns", "mail"])
    data = msgspec.to_builtins(base)
    data["campaigns"] = {"lease_seconds": 0.25, "run_seconds": 60, "email_per_second": 1000}
    settings = msgspec.convert(data, settings_type({"campaigns": CampaignsSettings}))

    async def run(job: Any) -> None:
        while True:
            try:
                return await sending.send_job(NO_CONTEXT, job)
            except NotReady as waiting:
                await asyncio.sleep(min(0.2, waiting.retry_after or 0.2))

    try:
        async with testing.running_app(settings, migrate=True, execute_jobs=False) as h:
            w, cid, addresses = await _setup(h, port, 8)
            await w.call("boss", "post", f"/api/campaigns/{cid}/start")
            job = sending.SendPayload(uuid.UUID(cid))
            await asyncio.wait_for(asyncio.gather(run(job), run(job)), 120)
            view = await w.call("boss", "get", f"/api/campaigns/{cid}")
    finally:
        controller.stop()
    assert view["status"] == "finished" and view["counts"]["sent"] == 8
    assert sorted(r for r, _ in sink.mails) == sorted(addresses)  # each exactly once
