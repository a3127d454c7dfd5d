"""Building blocks of the pytest fixtures; usable from plain scripts and benchmarks too."""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import msgspec

from unionline.settings import Settings

TEST_SECRET = "test-secret-key-not-for-production-0123456789"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_service(name: str, host: str, port: int) -> None:
    """Skip when a service is down on a developer machine; fail under ``CI=true``."""
    import pytest

    try:
        with socket.create_connection((host, port), timeout=1):
            return
    except OSError as exc:
        message = f"{name} is not reachable on {host}:{port} ({exc})"
        if in_ci():
            pytest.fail(f"{message}; under CI=true a missing service is a failure")
        pytest.skip(message)


def postgres_server_url() -> str | None:
    return os.environ.get("UNIONLINE_TEST_DATABASE_URL") or None


def redis_url() -> str:
    return os.environ.get("UNIONLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@contextlib.contextmanager
def fresh_database(
    tmp_path: Path, server_url: str | None = None, *, lazy: bool = False
) -> Iterator[str]:
    """A new, empty database: a SQLite file under ``tmp_path``, or a PostgreSQL database
    created on ``server_url`` for this test and dropped afterwards.

    ``lazy``: on PostgreSQL the database is created when a runtime first starts on it (from
    the migrated template when it migrates: creating it empty first would copy twice); use it
    only where a runtime is the first to connect.
    """
    if not server_url:
        yield f"sqlite:///{tmp_path / 'unionline.sqlite3'}"
        return
    import asyncio

    from unionline.testing import spares, templates

    parts = urlsplit(server_url)
    require_service("PostgreSQL", parts.hostname or "127.0.0.1", parts.port or 5432)
    name = f"ul_t_{uuid.uuid4().hex[:12]}"
    if lazy:
        templates.NOT_CREATED.add(name)
    else:
        asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    try:
        yield _with_database(server_url, name)
    finally:
        if name in templates.NOT_CREATED:
            templates.NOT_CREATED.discard(name)  # never started: nothing was created
        else:
            spares.drop_later(server_url, name)  # in the background: the test is over


async def _admin(server_url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def make_settings(database_url: str, **overrides: Any) -> Settings:
    """Settings for a test app: the given database, quick retries, no Redis unless asked, and
    cheap password hashing (production parameters are tested on their own)."""
    data: dict[str, Any] = {
        "secret_key": TEST_SECRET,
        "database_url": database_url,
        "jobs": {"backoff_base": 0.05, "backoff_max": 0.5, "poll_interval": 0.05},
        "log": {"level": "WARNING"},
        "password_hashing": "fast-insecure",
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return msgspec.convert(data, Settings)


class AppHarness:
    """A started app with an HTTP client; ``admin`` holds an administrator's API token."""

    def __init__(self, app: Any, client: Any) -> None:
        self.app = app
        self.client = client
        self.runtime = app.state.runtime
        self.admin_token: str = ""

    @property
    def admin_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.admin_token}"}

    async def settle(self) -> None:
        """Wait until committed events reached listeners and due jobs have run."""
        for _ in range(3):
            await self.runtime.events.drain()
            executor = self.runtime.executor
            if executor is not None and hasattr(executor, "drain"):
                await executor.drain()
        await self.runtime.events.drain()

    async def create_operator(
        self,
        login: str,
        role: str = "operator",
        organization_id: uuid.UUID | None = None,
        password: str = "password-123",
    ) -> tuple[uuid.UUID, str]:
        """Create an operator with one role grant; returns its id and an API token."""
        from unionline.access import Grant
        from unionline.operators.services import create_operator, create_token

        operator_id = await create_operator(login, password, grants=[Grant(role, organization_id)])
        return operator_id, await create_token(operator_id, f"{login} test token")


@contextlib.asynccontextmanager
async def lifespan_task(app: Any) -> AsyncIterator[None]:
    """Run the app's lifespan in a task of its own.

    Litestar's lifespan holds an anyio cancel scope, which must be left by the task that
    entered it; pytest-asyncio may set a fixture up and tear it down in different tasks.
    """
    import asyncio

    started: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    stop = asyncio.Event()

    async def hold() -> None:
        try:
            async with app.lifespan():
                started.set_result(None)
                await stop.wait()
        except BaseException as exc:
            if not started.done():
                started.set_exception(exc)
            raise

    task = asyncio.create_task(hold())
    await started
    try:
        yield
    finally:
        stop.set()
        await task


@contextlib.asynccontextmanager
async def running_app(settings: Settings, **options: Any) -> AsyncIterator[AppHarness]:
    """Start an app for ``settings`` and yield a harness with an admin API token.

    The app runs on the test's own event loop (httpx over ASGI), so the test may use the
    database pool and services directly; Litestar's test client would run it on another loop.
    Under pytest, an empty database the app would migrate is filled from the migrated template
    of the same apps instead (:mod:`unionline.testing.templates`).
    """
    import httpx

    from unionline.app import create_app

    app = create_app(settings, **options)
    # Litestar is an ASGI app; its typed scope and event unions are narrower than the plain
    # mappings httpx's ASGI signature names, which mypy cannot match up.
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with (
        lifespan_task(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client,
    ):
        harness = AppHarness(app, client)
        _, harness.admin_token = await harness.create_operator("admin", "admin", None)
        yield harness
