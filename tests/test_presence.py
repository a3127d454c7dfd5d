"""Presence from real console sockets: online on connect, offline after the last socket
closes and the grace period passes, away by choice or when idle, sockets of a dead process
expiring, and colleagues told live."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from routing_support import (
    appeal,
    assignee,
    member,
    operator,
    org,
    queue,
    routing_settings,
    settle,
    token,
)

from unionline.access import Grant
from unionline.app import create_app
from unionline.operators.services import create_operator, create_token
from unionline.routing import jobs, presence
from unionline.runtime import current
from unionline.settings import Settings
from unionline.testing.console import ConsoleClient, connect_console, console_client
from unionline.testing.server import serve
from unionline.testing.support import AppHarness, running_app


class Site:
    """An app served on loopback plus an admin harness on the same loop."""

    def __init__(self, base: str, harness: AppHarness) -> None:
        self.base = base
        self.h = harness

    def connect(self, headers: dict[str, str]) -> Any:
        return connect_console(self.base, headers)

    async def console(self, stack: Any, headers: dict[str, str]) -> ConsoleClient:
        return await stack.enter_async_context(console_client(self.base, headers))


@pytest.fixture
def grace_settings(unionline_database_url: str) -> Settings:
    return routing_settings(unionline_database_url, offline_grace_seconds=0)


@contextlib.asynccontextmanager
async def _site(settings: Settings) -> AsyncIterator[Site]:
    app = create_app(settings, migrate=True)
    async with serve(app) as base, httpx.AsyncClient(base_url=base) as client:
        harness = AppHarness(app, client)
        admin = await create_operator("admin", "password-123", grants=[Grant("admin")])
        harness.admin_token = await create_token(admin, "admin")
        yield Site(base, harness)


async def _status(operator_id: uuid.UUID) -> str:
    row = await presence.row_of(operator_id)
    return row.status if row else "offline"


async def test_a_console_socket_makes_its_operator_online_until_it_closes(
    grace_settings: Settings,
) -> None:
    async with _site(grace_settings) as site:
        a = await org(site.h, "AAA")
        anna = await operator("anna", a)
        headers = await token(anna)
        assert await _status(anna) == "offline"
        async with contextlib.AsyncExitStack() as stack:
            await site.console(stack, headers)
            second = await site.console(stack, headers)  # a second tab
            assert await _status(anna) == "online"
            await second.ws.close()
            await asyncio.sleep(0.2)
            await settle(site.h)
            assert await _status(anna) == "online"  # one socket is still open
        await _wait_for(lambda: _status(anna), "offline")


async def _wait_for(probe: Any, expected: str) -> None:
    for _ in range(200):
        await settle_quietly()
        if await probe() == expected:
            return
        await asyncio.sleep(0.05)
    assert await probe() == expected


async def settle_quietly() -> None:
    rt = current()
    await rt.events.drain()
    if rt.executor is not None:
        await rt.executor.drain()


async def test_reconnecting_within_the_grace_period_stays_online(
    unionline_database_url: str,
) -> None:
    settings = routing_settings(unionline_database_url, offline_grace_seconds=600)
    async with _site(settings) as site:
        a = await org(site.h, "AAA")
        anna = await operator("anna", a)
        headers = await token(anna)
        async with contextlib.AsyncExitStack() as stack:
            await site.console(stack, headers)
        await asyncio.sleep(0.2)
        assert await _status(anna) == "online"  # the check waits for the grace period
        async with contextlib.AsyncExitStack() as stack:
            await site.console(stack, headers)  # a page reload
            assert await presence.check(anna) == "online"  # the grace job finds a socket
        await asyncio.sleep(0.2)
        assert await presence.check(anna) == "offline"  # the next one does not


async def test_away_and_idle_stop_routing_and_coming_back_takes_waiting_appeals(
    grace_settings: Settings,
) -> None:
    async with _site(grace_settings) as site:
        a = await org(site.h, "AAA")
        await queue(site.h, a)
        anna = await operator("anna", a)
        async with contextlib.AsyncExitStack() as stack:
            console = await site.console(stack, await token(anna))
            result = await console.command("presence", status="away")
            assert result["ok"] and result["data"]["status"] == "away"
            m = await member(a)
            x = await appeal(a, m)
            await settle(site.h)
            assert await assignee(x) is None
            result = await console.command("presence", status="online")
            assert result["data"]["status"] == "online"
            await settle(site.h)
            assert await assignee(x) == anna
            result = await console.command("presence", idle=True)  # auto-away
            assert result["data"] == {**result["data"], "status": "away", "chosen": "online"}
            y = await appeal(a, m)
            await settle(site.h)
            assert await assignee(y) is None
            result = await console.command("presence", idle=False)
            assert result["data"]["status"] == "online"
            await settle(site.h)
            assert await assignee(y) == anna
            bad = await console.command("presence", status="busy")
            assert not bad["ok"] and bad["error"]["code"] == "validation_error"


async def test_colleagues_see_presence_change_live(grace_settings: Settings) -> None:
    async with _site(grace_settings) as site:
        a, b = await org(site.h, "AAA"), await org(site.h, "BBB")
        anna, boris = await operator("anna", a), await operator("boris", a)
        clara = await operator("clara", b)
        async with contextlib.AsyncExitStack() as stack:
            watcher = await site.console(stack, await token(boris))
            other = await site.console(stack, await token(clara))
            async with contextlib.AsyncExitStack() as inner:
                await site.console(inner, await token(anna))
                seen = await watcher.until(
                    lambda f: f["type"] == "signal" and f["data"].get("operator_id") == str(anna)
                )
                assert seen["signal"] == "presence" and seen["data"]["status"] == "online"
            seen = await watcher.until(
                lambda f: f["type"] == "signal" and f["data"].get("operator_id") == str(anna)
            )
            assert seen["data"]["status"] == "offline"
            with pytest.raises(TimeoutError):  # another organization's console hears nothing
                await other.until(
                    lambda f: f["type"] == "signal" and f["data"].get("operator_id") == str(anna),
                    timeout=0.5,
                )


async def test_sockets_of_a_dead_process_expire(unionline_database_url: str) -> None:
    settings = routing_settings(unionline_database_url, connection_ttl_seconds=60)
    async with running_app(settings, migrate=True) as h:
        a = await org(h, "AAA")
        anna = await operator("anna", a)
        await presence.connected(anna, "socket-of-a-process-that-died")
        assert await _status(anna) == "online"
        row = await presence.row_of(anna)
        assert row is not None
        at = row.changed_at
        assert (await jobs.sweep(at + 30))["stale_presence"] == 0
        assert (await jobs.sweep(at + 61))["stale_presence"] == 1
        assert await _status(anna) == "offline"


async def test_presence_api_scoping(unionline_database_url: str) -> None:
    async with running_app(routing_settings(unionline_database_url), migrate=True) as h:
        a, b = await org(h, "AAA"), await org(h, "BBB")
        anna = await operator("anna", a)
        chief = await operator("chief", a, role="supervisor")
        clara = await operator("clara", b)
        await presence.connected(anna, "s1")
        r = await h.client.get("/api/routing/presence/", headers=await token(chief))
        listed = {p["operator_id"]: p for p in r.json()}
        assert str(anna) in listed and str(clara) not in listed
        assert listed[str(anna)]["status"] == "online" and listed[str(anna)]["connections"] == 1
        r = await h.client.put(
            f"/api/routing/presence/{anna}", json={"status": "away"}, headers=await token(chief)
        )
        assert r.status_code == 200 and r.json()["status"] == "away"
        r = await h.client.put(
            f"/api/routing/presence/{clara}", json={"status": "away"}, headers=await token(chief)
        )
        assert r.status_code == 404 and r.json()["error"]["field"] == "operator_id"
        r = await h.client.put(
            f"/api/routing/presence/{chief}", json={"status": "away"}, headers=await token(anna)
        )
        assert r.status_code == 403
        r = await h.client.put(
            "/api/routing/presence/me", json={"status": "gone"}, headers=await token(anna)
        )
        assert r.status_code == 400 and "status" in r.text
        r = await h.client.get("/api/routing/presence/me", headers=await token(clara))
        assert r.json()["status"] == "offline"


async def test_console_transfer_to_a_queue_and_answering_an_offer(
    grace_settings: Settings,
) -> None:
    async with _site(grace_settings) as site:
        a = await org(site.h, "AAA")
        await queue(site.h, a, "Общая")
        lawyers = await queue(
            site.h, a, "Юристы", is_default=False, offer_timeout=120, strategy="round_robin"
        )
        anna, boris = await operator("anna", a), await operator("boris", a)
        async with contextlib.AsyncExitStack() as stack:
            console_a = await site.console(stack, await token(anna))
            m = await member(a)
            x = await appeal(a, m)
            await settle(site.h)
            assert await assignee(x) == anna
            console_b = await site.console(stack, await token(boris))
            moved = await console_a.command("transfer", appeal_id=str(x), queue_id=str(lawyers))
            assert moved["ok"] and moved["data"]["queue_id"] == str(lawyers)
            offered = await console_b.until(
                lambda f: f["type"] == "event" and f["event"] == "routing.offered"
            )  # anna handed it on: boris is offered it first
            assert offered["data"]["operator_id"] == str(boris)
            wrong = await console_a.command("accept_offer", offer_id=offered["data"]["offer_id"])
            assert not wrong["ok"] and wrong["error"]["code"] == "not_found"
            taken = await console_b.command("accept_offer", offer_id=offered["data"]["offer_id"])
            assert taken["ok"] and taken["data"]["assignee_id"] == str(boris)
            assert await assignee(x) == boris
