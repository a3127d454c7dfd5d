"""Acceptance: two app processes (uvicorn each) sharing PostgreSQL and Redis. An event raised
in one reaches an operator whose console is connected to the other — exactly once and in
order, although Redis' stream backend may deliver a batch twice — and routing crosses the
processes too: an appeal created through one is assigned to the operator online on the other.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
import websockets

from unionline import runtime
from unionline.access import Grant
from unionline.testing import require_service
from unionline.testing.server import free_port
from unionline.testing.support import TEST_SECRET, fresh_database, make_settings

# Always on PostgreSQL with Redis (whatever the engine of the run): run once, and on one
# worker, since these processes share a Redis database.
pytestmark = pytest.mark.xdist_group("two-processes")

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_DB = 13  # a database of its own: the realtime streams of these processes only


def _redis_url() -> str:
    base = urlsplit(os.environ.get("UNIONLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/14"))
    return urlunsplit(base._replace(path=f"/{REDIS_DB}"))


@pytest.fixture
def shared_database(tmp_path: Path) -> Iterator[str]:
    server = os.environ.get("UNIONLINE_TEST_DATABASE_URL") or DEFAULT_PG
    parts = urlsplit(server)
    require_service("PostgreSQL", parts.hostname or "127.0.0.1", parts.port or 5432)
    redis = urlsplit(_redis_url())
    require_service("Redis", redis.hostname or "127.0.0.1", redis.port or 6379)
    with fresh_database(tmp_path, server) as url:
        yield url


@contextlib.asynccontextmanager
async def app_process(database_url: str, workdir: Path) -> AsyncIterator[str]:
    """``uvicorn unionline.asgi:app`` in a subprocess; yields its base URL once ready."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("UNIONLINE_")},
        "UNIONLINE_SECRET_KEY": TEST_SECRET,
        "UNIONLINE_DATABASE_URL": database_url,
        "UNIONLINE_REDIS_URL": _redis_url(),
        "UNIONLINE_JOBS__EXECUTOR": "inprocess",
        "UNIONLINE_LOG__LEVEL": "WARNING",
    }
    command = [
        sys.executable, "-m", "uvicorn", "unionline.asgi:app", "--host", "127.0.0.1",
        "--port", str(port), "--ws", "websockets-sansio", "--lifespan", "on",
        "--log-level", "warning",
    ]  # fmt: skip
    log = (workdir / f"app-{port}.log").open("wb")
    process = subprocess.Popen(command, env=env, cwd=workdir, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        await _ready(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


async def _ready(base: str, process: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient(base_url=base) as client:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError(f"the app process exited with {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get("/health/ready")).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise RuntimeError("the app process did not become ready")


async def _prepare(database_url: str) -> dict[str, Any]:
    """Migrate, and create an organization with a queue, an admin and an operator."""
    from unionline.operators.services import create_operator, create_token
    from unionline.organizations.tables import Organization
    from unionline.routing.tables import Queue

    settings = make_settings(database_url)
    rt = runtime.build(*runtime.from_settings(settings))
    async with rt.running(migrate=True, execute_jobs=False):
        org = uuid.uuid4()
        await Organization.insert(Organization(id=org, path=f"/{org}/", name="ППО", code="PPO"))
        await Queue.insert(Queue(organization_id=org, name="Общая", is_default=True))
        admin = await create_operator("admin", "password-123", grants=[Grant("admin")])
        anna = await create_operator("anna", "password-123", grants=[Grant("operator", org)])
        member = await _member(org)
        return {
            "org": org,
            "anna": anna,
            "member": member,
            "admin": await create_token(admin, "admin"),
            "anna_token": await create_token(anna, "console"),
        }


async def _member(org: uuid.UUID) -> uuid.UUID:
    from unionline.members.services import create_member

    return await create_member(None, org, full_name="Иван Петров")


async def _frames(ws: Any, until: Any, timeout: float = 20) -> list[dict[str, Any]]:
    got = []
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        got.append(frame)
        if until(frame):
            return got


async def test_an_event_raised_in_one_process_reaches_a_console_on_the_other(
    shared_database: str, tmp_path: Path
) -> None:
    seed = await _prepare(shared_database)
    admin = {"Authorization": f"Bearer {seed['admin']}"}
    headers = {"Authorization": f"Bearer {seed['anna_token']}"}
    async with (
        app_process(shared_database, tmp_path) as a,
        app_process(shared_database, tmp_path) as b,
        httpx.AsyncClient(base_url=a, headers=admin) as api_a,
    ):
        url = b.replace("http", "ws", 1) + "/ws/console"
        async with websockets.connect(url, additional_headers=headers) as ws:
            await ws.send(json.dumps({"type": "hello", "last_id": None}))
            await _frames(ws, lambda f: f["type"] == "caught_up")
            created = []
            for n in range(3):
                r = await api_a.post(
                    "/api/appeals/",
                    json={"organization_id": str(seed["org"]), "member_id": str(seed["member"]),
                          "subject": f"Вопрос {n}"},
                )  # fmt: skip
                assert r.status_code == 201, r.text
                created.append(r.json()["id"])

            def done(frame: dict[str, Any]) -> bool:
                events = [f for f in seen if f["type"] == "event"]
                assigned = {
                    f["data"]["appeal_id"] for f in events if f["event"] == "appeal.assigned"
                }
                return assigned == set(created)

            seen: list[dict[str, Any]] = []
            while not seen or not done(seen[-1]):
                seen += await _frames(ws, lambda f: True)
            events = [f for f in seen if f["type"] == "event"]
            ids = [f["id"] for f in events]
            assert ids == sorted(set(ids))  # in order, none twice
            # (an operator's own notices, workspace.notified, name no appeal)
            kinds = {(f["event"], f["data"].get("appeal_id")) for f in events}
            assert {("appeal.created", x) for x in created} <= kinds
            for frame in events:
                if frame["event"] == "appeal.assigned":
                    assert frame["data"]["assignee_id"] == str(seed["anna"])
            last_id = ids[-1]
        # Disconnected from B: what happens meanwhile is replayed on A after the last id.
        r = await api_a.post(f"/api/appeals/{created[0]}/notes", json={"text": "Пока вас не было"})
        assert r.status_code == 201, r.text
        url = a.replace("http", "ws", 1) + "/ws/console"
        async with websockets.connect(url, additional_headers=headers) as ws:
            await ws.send(json.dumps({"type": "hello", "last_id": last_id}))
            replay = await _frames(
                ws, lambda f: f["type"] == "event" and f["event"] == "appeal.note_added"
            )
        events = [f for f in replay if f["type"] == "event"]
        assert events and events[0]["id"] == last_id + 1


async def test_withdrawing_access_in_one_process_closes_sockets_on_the_other(
    shared_database: str, tmp_path: Path
) -> None:
    """Deactivation and sign-out answered by A close anna's consoles held open on B (#12)."""
    from unionline.console.protocol import CLOSE_REVOKED

    seed = await _prepare(shared_database)
    admin = {"Authorization": f"Bearer {seed['admin']}"}
    async with (
        app_process(shared_database, tmp_path) as a,
        app_process(shared_database, tmp_path) as b,
        httpx.AsyncClient(base_url=a, headers=admin) as api_a,
        httpx.AsyncClient(base_url=a) as browser_a,
    ):
        r = await browser_a.post(
            "/api/auth/login", json={"login": "anna", "password": "password-123"}
        )
        assert r.status_code == 200, r.text
        await browser_a.get("/api/auth/me")  # the CSRF cookie
        url = b.replace("http", "ws", 1) + "/ws/console"
        by_cookie = {"Cookie": f"session={browser_a.cookies['session']}"}
        by_token = {"Authorization": f"Bearer {seed['anna_token']}"}
        async with (
            websockets.connect(url, additional_headers=by_cookie) as signed_in,
            websockets.connect(url, additional_headers=by_token) as integration,
        ):
            for ws in (signed_in, integration):
                await ws.send(json.dumps({"type": "hello", "last_id": None}))
                await _frames(ws, lambda f: f["type"] == "caught_up")
            csrf = {"x-csrftoken": browser_a.cookies["csrftoken"]}
            assert (await browser_a.post("/api/auth/logout", headers=csrf)).status_code == 204
            assert await _close_code(signed_in) == CLOSE_REVOKED
            r = await api_a.post(f"/api/operators/{seed['anna']}/deactivate")
            assert r.status_code == 200, r.text
            assert await _close_code(integration) == CLOSE_REVOKED


async def _close_code(ws: Any) -> int:
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(ws.recv(), 20)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code
