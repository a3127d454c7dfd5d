"""Soak (bounded, loopback): two web processes and a job worker on PostgreSQL and Redis; appeals
come in steadily for five seconds through a process that is not a web app (as from a channel
poller or an import) and the worker routes them; consoles are connected to both web processes.
Every console gets every event of its organization, once and in order, without reconnecting.

Before the fix every process ran the event relay, also those with nobody to hand a batch to:
the poller's and the worker's relays, woken by their own commits before the web processes hear
of them, numbered many of the events and published none (86 in one run). A console noticed such
a gap only when a later batch came through a web process, so the last events of a burst waited
for whatever a web process did next; with no web process publishing for a minute, the events
stream key expired in Redis (the key's TTL is a symptom: subscriptions outlive it,
tests/test_realtime.py). The test checks the bus itself carried every event, and that every
console got every event of its scope.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
import websockets
from redis import Redis
from redis.asyncio import Redis as AsyncRedis

from unionline import runtime
from unionline.access import Grant
from unionline.testing import require_service
from unionline.testing.server import free_port
from unionline.testing.support import TEST_SECRET, fresh_database, make_settings

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_DB = 10  # a database of its own: this test's realtime streams and job queue only
RATE = 8  # appeals per second, alternating between the two web processes
# 40 appeals: enough to prove it — a poller that relays left 83 events unpublished in 12 s, 25 in 5
SECONDS = 5
STREAM_KEY = "unionline_EVENTS"  # the channels backend's key for the events channel
SETTLE = 60.0  # after the load, how long consoles may take to get the last events


def _redis_url() -> str:
    base = urlsplit(os.environ.get("UNIONLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/14"))
    return urlunsplit(base._replace(path=f"/{REDIS_DB}"))


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[str]:
    server = os.environ.get("UNIONLINE_TEST_DATABASE_URL") or DEFAULT_PG
    parts = urlsplit(server)
    require_service("PostgreSQL", parts.hostname or "127.0.0.1", parts.port or 5432)
    redis = urlsplit(_redis_url())
    require_service("Redis", redis.hostname or "127.0.0.1", redis.port or 6379)
    client = Redis.from_url(_redis_url())
    client.flushdb()
    try:
        with fresh_database(tmp_path, server) as url:
            yield url
    finally:
        client.flushdb()
        client.close()


def _env(database_url: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("UNIONLINE_")},
        "UNIONLINE_SECRET_KEY": TEST_SECRET,
        "UNIONLINE_DATABASE_URL": database_url,
        "UNIONLINE_REDIS_URL": _redis_url(),
        "UNIONLINE_JOBS__EXECUTOR": "arq",
        "UNIONLINE_JOBS__POLL_INTERVAL": "0.2",
        "UNIONLINE_LOG__LEVEL": "WARNING",
    }


@contextlib.contextmanager
def _process(command: list[str], env: dict[str, str], workdir: Path, name: str) -> Iterator[None]:
    log = (workdir / f"{name}.log").open("wb")
    process = subprocess.Popen(command, env=env, cwd=workdir, stdout=log, stderr=log)
    try:
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@contextlib.asynccontextmanager
async def webs(database_url: str, workdir: Path, count: int) -> AsyncIterator[list[str]]:
    """``count`` web processes, started together (each takes seconds to import and build its
    app): their base URLs once all are ready."""
    ports: set[int] = set()
    while len(ports) < count:
        ports.add(free_port())
    with contextlib.ExitStack() as stack:
        for port in ports:
            command = [
                sys.executable, "-m", "uvicorn", "unionline.asgi:app", "--host", "127.0.0.1",
                "--port", str(port), "--ws", "websockets-sansio", "--lifespan", "on",
                "--log-level", "warning",
            ]  # fmt: skip
            stack.enter_context(_process(command, _env(database_url), workdir, f"web-{port}"))
        bases = [f"http://127.0.0.1:{port}" for port in sorted(ports)]
        await asyncio.gather(*(_ready(base) for base in bases))
        yield bases


async def _ready(base: str) -> None:
    async with httpx.AsyncClient(base_url=base) as client:
        for _ in range(900):  # 90 s: processes start side by side on a busy machine
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get("/health/ready")).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{base} did not become ready")


async def _prepare(database_url: str) -> dict[str, Any]:
    """Migrate; one organization with a queue, a member, an admin and two operators."""
    from unionline.members.services import create_member
    from unionline.operators.services import create_operator, create_token
    from unionline.organizations.tables import Organization
    from unionline.routing.tables import Queue

    rt = runtime.build(*runtime.from_settings(make_settings(database_url)))
    async with rt.running(migrate=True, execute_jobs=False):
        org = uuid.uuid4()
        await Organization.insert(Organization(id=org, path=f"/{org}/", name="ППО", code="PPO"))
        await Queue.insert(Queue(organization_id=org, name="Общая", is_default=True))
        admin = await create_operator("admin", "password-123", grants=[Grant("admin")])
        tokens = []
        for login in ("anna", "boris"):
            operator = await create_operator(login, "password-123", grants=[Grant("operator", org)])
            tokens.append(await create_token(operator, "console"))
        return {
            "org": org,
            "member": await create_member(None, org, full_name="Иван Петров"),
            "admin": await create_token(admin, "admin"),
            "operators": tokens,
        }


@dataclass
class Console:
    """One operator's socket: the positions of the event frames it got, and how it ended."""

    name: str
    ws: Any
    start: int = 0  # the position it caught up at: live events follow
    ids: list[int] = field(default_factory=list)
    closed: str | None = None

    async def read(self) -> None:
        try:
            async for raw in self.ws:
                frame = json.loads(raw)
                if frame["type"] == "event":
                    self.ids.append(frame["id"])
        except websockets.ConnectionClosed as exc:
            self.closed = repr(exc)
        else:
            self.closed = "closed"


async def _connect(base: str, token: str, name: str) -> Console:
    url = base.replace("http", "ws", 1) + "/ws/console"
    ws = await websockets.connect(url, additional_headers={"Authorization": f"Bearer {token}"})
    await ws.send(json.dumps({"type": "hello", "last_id": None}))
    while (frame := json.loads(await asyncio.wait_for(ws.recv(), 20)))["type"] != "caught_up":
        pass
    return Console(name, ws, start=frame["id"])


async def _org_positions(database_url: str, org: uuid.UUID) -> tuple[list[int], int]:
    """Positions of the organization's events, and how many events are still unpositioned."""
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT position FROM system_event WHERE organization_id = $1"
            " AND position IS NOT NULL ORDER BY position",
            org,
        )
        waiting = await conn.fetchval("SELECT COUNT(*) FROM system_event WHERE position IS NULL")
        return [r["position"] for r in rows], int(waiting)
    finally:
        await conn.close()


async def _published_positions() -> set[int]:
    """The positions of the events on the Redis stream of the ``events`` channel."""
    client = AsyncRedis.from_url(_redis_url())
    try:
        entries = await client.xrange(STREAM_KEY)
    finally:
        await client.aclose()
    return {event["position"] for _, fields in entries for event in json.loads(fields[b"data"])}


async def _load(database_url: str, seed: dict[str, Any]) -> None:
    """Open RATE appeals a second for SECONDS from this process, which is not a web app — as
    a channel poller or an import would; the job worker routes them."""
    from unionline.appeals.services import create_appeal

    settings = make_settings(
        database_url, redis_url=_redis_url(), jobs={"executor": "arq", "poll_interval": 0.2}
    )
    rt = runtime.build(*runtime.from_settings(settings))
    async with rt.running():
        started = time.monotonic()
        for n in range(RATE * SECONDS):
            await asyncio.sleep(max(0.0, started + n / RATE - time.monotonic()))
            await create_appeal(
                None, organization_id=seed["org"], member_id=seed["member"],
                subject=f"Вопрос {n}", channel="phone",
            )  # fmt: skip


async def test_every_console_gets_every_event_of_its_scope_during_a_steady_load(
    shared: str, tmp_path: Path
) -> None:
    seed = await _prepare(shared)
    worker = [sys.executable, "-m", "unionline", "worker"]
    with _process(worker, _env(shared), tmp_path, "worker"):
        async with webs(shared, tmp_path, 2) as (a, b):
            consoles = [
                await _connect(base, token, f"{login}@{side}")
                for base, side in ((a, "A"), (b, "B"))
                for token, login in zip(seed["operators"], ("anna", "boris"), strict=True)
            ]
            readers = [asyncio.create_task(c.read()) for c in consoles]
            await _load(shared, seed)

            deadline = time.monotonic() + SETTLE
            while True:
                positions, waiting = await _org_positions(shared, seed["org"])
                expected = {c.name: [p for p in positions if p > c.start] for c in consoles}
                if not waiting and all(c.ids == expected[c.name] for c in consoles):
                    break
                if time.monotonic() > deadline or any(c.closed for c in consoles):
                    break
                await asyncio.sleep(0.5)
            dropped = {c.name: c.closed for c in consoles if c.closed}  # before we close them
            on_the_bus = await _published_positions()
            for console in consoles:
                await console.ws.close()
            await asyncio.gather(*readers)
            final, _ = await _org_positions(shared, seed["org"])

    assert len(positions) > RATE * SECONDS  # created, assigned, ... per appeal
    assert not dropped, f"sockets closed under load: {dropped}"
    # The bus itself carried every event: none was left for a console to find in the log later.
    first = min(c.start for c in consoles)
    unpublished = sorted(p for p in positions if p > first and p not in on_the_bus)
    assert not unpublished, f"{len(unpublished)} event(s) never published: {unpublished[:20]}"
    for console in consoles:
        missing = sorted(set(expected[console.name]) - set(console.ids))
        assert not missing, f"{console.name} never got {len(missing)} event(s): {missing[:20]}"
        # In order, none twice, none unknown. The worker may still add an event (the last
        # appeal's routing) after the loop saw every console caught up: the log read after the
        # sockets closed holds it, and a console may or may not have got it before closing.
        in_the_log = [p for p in final if p > console.start]
        assert console.ids == in_the_log[: len(console.ids)]
