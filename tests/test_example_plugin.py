"""The example third-party plugin (examples/hello-plugin, installed with ``pip install -e``):
the host finds it by its entry point, and its setting, route, table, job, event, listener and
command all work. Disabling it leaves its table and rows alone."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from cli_runner import TEST_SECRET, run_cli

from unionline import runtime
from unionline.settings import Settings
from unionline.testing import AppHarness
from unionline.testing.support import lifespan_task, running_app

HELLO_HOOKS = {
    "on_event",
    "register_commands",
    "register_events",
    "register_jobs",
    "register_permissions",
    "register_robots",
    "register_routes",
    "register_settings",
    "register_tables",
}


def write_config(path: Path, database_url: str, *, plugins: list[str], extra: str = "") -> Path:
    path.write_text(
        f'secret_key = "{TEST_SECRET}"\n'
        f'database_url = "{database_url}"\n'
        f"plugins = {json.dumps(plugins)}\n"
        '[log]\nlevel = "WARNING"\n'
        f"{extra}",
        encoding="utf-8",
    )
    return path


@contextlib.asynccontextmanager
async def reopened(settings: Settings, token: str, **options: Any) -> AsyncIterator[AppHarness]:
    """An app on a database a previous app already set up (its admin token still valid)."""
    import httpx

    from unionline.app import create_app

    app = create_app(settings, **options)
    transport = httpx.ASGITransport(app=app)
    async with (
        lifespan_task(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client,
    ):
        harness = AppHarness(app, client)
        harness.admin_token = token
        yield harness


def listed(stdout: str) -> dict[str, dict]:
    return {row["name"]: row for row in json.loads(stdout)}


def test_installed_plugin_is_listed_off_until_enabled(tmp_path: Path) -> None:
    env = {"UNIONLINE_SECRET_KEY": TEST_SECRET}
    off = run_cli("plugins", "--json", cwd=tmp_path, env=env)
    assert off.returncode == 0, off.stderr
    hello = listed(off.stdout)["hello"]
    assert (hello["enabled"], hello["version"]) == (False, "0.1.0")
    assert hello["origin"] == "entry point (unionline-hello)"

    on = run_cli("plugins", "--json", cwd=tmp_path, env={**env, "UNIONLINE_PLUGINS": "hello"})
    assert on.returncode == 0, on.stderr
    hello = listed(on.stdout)["hello"]
    assert hello["enabled"] is True
    assert set(hello["hooks"]) == HELLO_HOOKS

    text = run_cli("plugins", cwd=tmp_path, env={**env, "UNIONLINE_PLUGINS": "hello"})
    assert "on  hello" in text.stdout and "entry point (unionline-hello)" in text.stdout


@pytest.mark.unionline_plugins("hello")
async def test_route_table_job_event_and_listener(unionline_app: AppHarness) -> None:
    client, headers = unionline_app.client, unionline_app.admin_headers
    created = await client.post("/api/hello/greetings", json={"name": "Анна"}, headers=headers)
    assert created.status_code == 201, created.text
    greeting = created.json()
    assert greeting["text"] == "Привет, Анна!"
    assert greeting["delivered"] is False  # the job runs only after the commit

    await unionline_app.settle()
    rows = (await client.get("/api/hello/greetings", headers=headers)).json()
    assert [(r["id"], r["delivered"], r["events_seen"]) for r in rows] == [
        (greeting["id"], True, 1)
    ]

    # The event is in the log with its position; the job is done in the outbox.
    events = await unionline_app.runtime.events.read_after(0)
    mine = [e for e in events if e.type == "hello.greeting_created"]
    assert len(mine) == 1
    decoded = unionline_app.runtime.events.decode(mine[0])
    assert (decoded.greeting_id, decoded.name) == (greeting["id"], "Анна")
    jobs = [j for j in await unionline_app.runtime.jobs.list() if j.name.startswith("hello.")]
    assert [(j.name, j.status, j.idempotency_key) for j in jobs] == [
        ("hello.deliver", "done", f"hello.deliver:{greeting['id']}")
    ]
    table = await unionline_app.runtime.db.fetch("SELECT name, delivered FROM hello_greeting")
    assert [(r["name"], bool(r["delivered"])) for r in table] == [("Анна", True)]


@pytest.mark.unionline_plugins("hello")
async def test_route_checks_input_and_permission(unionline_app: AppHarness) -> None:
    client, headers = unionline_app.client, unionline_app.admin_headers
    blank = await client.post("/api/hello/greetings", json={"name": "  "}, headers=headers)
    assert (blank.status_code, blank.json()["error"]["field"]) == (422, "name")
    missing = await client.post("/api/hello/greetings", json={}, headers=headers)
    assert missing.status_code == 400
    assert "`name`" in missing.json()["error"]["message"]
    _, token = await unionline_app.create_operator("nablyudatel", "observer")
    observer = {"Authorization": f"Bearer {token}"}
    denied = await client.post("/api/hello/greetings", json={"name": "Олег"}, headers=observer)
    assert denied.status_code == 403
    assert denied.json()["error"]["extra"]["permission"] == "hello.greet"
    anonymous = await client.get("/api/hello/greetings")
    assert anonymous.status_code == 401


async def test_setting_from_the_config_file(unionline_database_url: str, tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "unionline.toml",
        unionline_database_url,
        plugins=["hello"],
        extra='[hello]\ngreeting = "Здравствуйте"\n',
    )
    settings, _, _ = runtime.load(config, env={})
    async with running_app(settings, migrate=True) as app:
        created = await app.client.post(
            "/api/hello/greetings", json={"name": "Пётр"}, headers=app.admin_headers
        )
    assert created.json()["text"] == "Здравствуйте, Пётр!"


async def test_disabling_leaves_its_table_untouched(
    unionline_database_url: str, tmp_path: Path
) -> None:
    on = write_config(tmp_path / "on.toml", unionline_database_url, plugins=["hello"])
    off = write_config(tmp_path / "off.toml", unionline_database_url, plugins=[])
    settings, _, _ = runtime.load(on, env={})
    async with running_app(settings, migrate=True) as app:
        await app.client.post(
            "/api/hello/greetings", json={"name": "Вера"}, headers=app.admin_headers
        )
        await app.settle()
        token = app.admin_token

    settings, _, _ = runtime.load(off, env={})
    async with reopened(settings, token, migrate=True) as app:
        gone = await app.client.get("/api/hello/greetings", headers=app.admin_headers)
        assert gone.status_code == 404
        assert "hello" not in await app.runtime.db.pending_migrations()
        rows = await app.runtime.db.fetch("SELECT name, delivered FROM hello_greeting")
        assert [(r["name"], bool(r["delivered"])) for r in rows] == [("Вера", True)]
        # Its event stays in the log; without the plugin it is simply not decoded.
        stored = [
            e for e in await app.runtime.events.read_after(0) if e.type == "hello.greeting_created"
        ]
        assert len(stored) == 1 and app.runtime.events.decode(stored[0]) is None

    settings, _, _ = runtime.load(on, env={})
    async with reopened(settings, token, migrate=False) as app:  # nothing left to migrate
        rows = (await app.client.get("/api/hello/greetings", headers=app.admin_headers)).json()
        assert [r["name"] for r in rows] == ["Вера"]


async def test_hello_command(unionline_database_url: str, tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "unionline.toml",
        unionline_database_url,
        plugins=["hello"],
        extra='[hello]\ngreeting = "Добрый день"\n',
    )
    settings, _, _ = runtime.load(config, env={})
    async with running_app(settings, migrate=True) as app:
        await app.client.post(
            "/api/hello/greetings", json={"name": "Ирина"}, headers=app.admin_headers
        )
        await app.settle()
    result = run_cli("--config", str(config), "hello", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "greeting: Добрый день"
    assert "delivered" in lines[1] and lines[1].endswith("Добрый день, Ирина!")
    assert lines[-1] == "1 greeting(s)"
    listed_commands = run_cli("--config", str(config), "--help", cwd=tmp_path)
    assert "hello" in listed_commands.stdout
