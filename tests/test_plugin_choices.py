"""Plugins switched on or off in the console: the precedence of the config file and the stored
choices, the switch's API (admins only, audited, a trial load first), and processes starting
with a stored choice — the web app and a separate command alike — on both engines."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cli_runner import run_cli
from test_example_plugin import reopened, write_config

from unionline import runtime
from unionline.plugin_host import resolve
from unionline.testing import AppHarness
from unionline.testing.support import make_settings, running_app

INSTALLED = {"hello", "mail", "telegram", "satisfaction"}


def switch_of(plugins: list[dict], name: str) -> dict:
    return next(p for p in plugins if p["name"] == name)["switch"]


# -- precedence (no database) ------------------------------------------------------------------


def test_stored_choices_switch_what_the_file_enables() -> None:
    none = resolve(["mail", "telegram"], {}, INSTALLED)
    assert none.enabled == ["mail", "telegram"] and none.ignored == {}
    chosen = resolve(["mail", "telegram"], {"telegram": False, "hello": True}, INSTALLED)
    assert chosen.enabled == ["mail", "hello"]
    assert chosen.decided_by == {"mail": "config", "telegram": "console", "hello": "console"}


def test_choices_that_cannot_apply_are_ignored_with_the_reason() -> None:
    result = resolve(
        ["mail"],
        {"gone": True, "core.appeals": False, "telegram": True, "mail": False},
        INSTALLED,
        allowed=["telegram"],
    )
    assert result.enabled == ["mail", "telegram"]  # mail is not allowed: the file decides
    assert result.ignored == {
        "gone": "not installed",
        "core.appeals": "a core plugin is always on",
        "mail": "not in plugins_allowed",
    }
    assert resolve(["mail"], {"telegram": True}, INSTALLED, allowed=[]).enabled == ["mail"]


# -- the switch's API -----------------------------------------------------------------------


async def test_an_admin_switches_a_plugin_and_a_restart_is_pending(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    plugins = (await h.client.get("/api/plugins/", headers=h.admin_headers)).json()
    hello = switch_of(plugins, "hello")
    assert (hello["running"], hello["next_start"], hello["pending_restart"]) == (False,) * 3
    assert (hello["switchable"], hello["may_switch"], hello["decided_by"]) == (
        True,
        True,
        "default",
    )
    core = switch_of(plugins, "core.appeals")
    assert (core["running"], core["switchable"], core["decided_by"]) == (True, False, "core")

    on = await h.client.put(
        "/api/plugins/hello/enabled", json={"enabled": True}, headers=h.admin_headers
    )
    assert on.status_code == 200, on.text
    view = on.json()
    assert (view["running"], view["next_start"], view["pending_restart"]) == (False, True, True)
    assert view["decided_by"] == "console" and view["changed_at"]
    listed = (await h.client.get("/api/plugins/", headers=h.admin_headers)).json()
    assert switch_of(listed, "hello")["pending_restart"] is True
    channels = (await h.client.get("/api/channel-plugins", headers=h.admin_headers)).json()
    telegram = next(c for c in channels if c["plugin"] == "telegram")
    assert telegram["switch"]["switchable"] is True and telegram["enabled"] is False

    # The processes running now: this web app, which runs without hello and so is behind.
    running = (await h.client.get("/api/plugins/processes", headers=h.admin_headers)).json()
    assert [(p["kind"], p["this"], p["plugins"], p["behind"]) for p in running] == [
        ("web", True, [], ["hello"])
    ]

    # Switched back before any restart: nothing waits.
    off = await h.client.put(
        "/api/plugins/hello/enabled", json={"enabled": False}, headers=h.admin_headers
    )
    assert off.json()["pending_restart"] is False
    audit = await h.client.get(
        "/api/audit/", params={"subject_kind": "plugin"}, headers=h.admin_headers
    )
    assert audit.status_code == 200, audit.text
    actions = [(e["action"], e["subject_id"]) for e in audit.json()["items"]]
    assert sorted(actions) == [("plugin.disabled", "hello"), ("plugin.enabled", "hello")]
    running = (await h.client.get("/api/plugins/processes", headers=h.admin_headers)).json()
    assert [p["behind"] for p in running] == [[]]


async def test_a_process_not_seen_for_long_counts_as_gone(unionline_app: AppHarness) -> None:
    h = unionline_app
    await h.runtime.db.execute(
        "INSERT INTO plugin_process (id, kind, host, pid, started_at, seen_at, plugins)"
        " VALUES ({}, 'worker', 'old-host', 4242, {}, {}, '[\"hello\"]')",
        uuid.uuid4(),
        datetime.now(UTC) - timedelta(hours=2),
        datetime.now(UTC) - timedelta(minutes=5),
    )
    await h.runtime.db.execute(
        "INSERT INTO plugin_process (id, kind, host, pid, started_at, seen_at, plugins)"
        " VALUES ({}, 'worker', 'box', 4343, {}, {}, '[\"hello\"]')",
        uuid.uuid4(),
        datetime.now(UTC) - timedelta(hours=1),
        datetime.now(UTC),
    )
    running = (await h.client.get("/api/plugins/processes", headers=h.admin_headers)).json()
    assert [(p["host"], p["kind"], p["behind"]) for p in running] == [
        ("box", "worker", ["hello"]),  # a worker started when hello was on: it needs a restart
        (running[1]["host"], "web", []),
    ]
    rows = await h.runtime.db.fetch("SELECT host FROM plugin_process ORDER BY started_at")
    assert [r["host"] for r in rows][:1] == ["box"] and len(rows) == 2  # the stale one deleted
    _, token = await h.create_operator("sup", "supervisor")
    denied = await h.client.get(
        "/api/plugins/processes", headers={"Authorization": f"Bearer {token}"}
    )
    assert denied.status_code == 403


async def test_only_a_federation_wide_admin_switches(unionline_app: AppHarness) -> None:
    h = unionline_app
    org = await h.client.post(
        "/api/organizations/",
        json={"name": "Профком завода", "code": "ZAVOD", "kind": "primary"},
        headers=h.admin_headers,
    )
    org_id = org.json()["id"]
    for role, organization in (("admin", org_id), ("supervisor", None), ("operator", None)):
        _, token = await h.create_operator(f"{role}-x", role, organization)
        answer = await h.client.put(
            "/api/plugins/hello/enabled",
            json={"enabled": True},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 403, (role, answer.text)
        if role == "admin":  # an organization's administrator sees channels, not the switch
            listed = await h.client.get(
                "/api/channel-plugins", headers={"Authorization": f"Bearer {token}"}
            )
            assert listed.status_code == 200, listed.text
            assert {c["switch"]["may_switch"] for c in listed.json()} == {False}
    core = await h.client.put(
        "/api/plugins/core.appeals/enabled", json={"enabled": False}, headers=h.admin_headers
    )
    assert (core.status_code, core.json()["error"]["extra"]["problem"]) == (422, "core")
    unknown = await h.client.put(
        "/api/plugins/nothing/enabled", json={"enabled": True}, headers=h.admin_headers
    )
    assert unknown.status_code == 404
    stored = await h.runtime.db.fetch("SELECT name FROM plugin_choice")
    assert stored == []


async def test_a_plugin_that_would_not_load_is_not_switched_on(
    unionline_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken_plugin.py").write_text("raise RuntimeError('no licence key')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.setenv("UNIONLINE_PLUGIN_PATHS", "broken=broken_plugin")
    settings = make_settings(unionline_database_url, plugins_allowed=["broken", "hello"])
    async with running_app(settings, migrate=True) as h:
        answer = await h.client.put(
            "/api/plugins/broken/enabled", json={"enabled": True}, headers=h.admin_headers
        )
        assert answer.status_code == 422, answer.text
        error = answer.json()["error"]
        assert error["extra"]["problem"] == "fails_to_load"
        assert "no licence key" in error["extra"]["detail"]
        assert await h.runtime.db.fetch("SELECT name FROM plugin_choice") == []
        # Outside plugins_allowed, the console may not switch it.
        denied = await h.client.put(
            "/api/plugins/mail/enabled", json={"enabled": True}, headers=h.admin_headers
        )
        assert denied.json()["error"]["extra"]["problem"] == "not_allowed"


# -- processes starting with a stored choice -------------------------------------------------


async def test_processes_start_with_the_stored_choice(
    unionline_database_url: str, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "unionline.toml", unionline_database_url, plugins=[])
    settings, _, _ = runtime.load(config, env={})
    async with running_app(settings, migrate=True) as h:
        token = h.admin_token
        assert (
            await h.client.get("/api/hello/greetings", headers=h.admin_headers)
        ).status_code == 404
        on = await h.client.put(
            "/api/plugins/hello/enabled", json={"enabled": True}, headers=h.admin_headers
        )
        assert on.status_code == 200, on.text

    # A separate process (as a job worker would be) reads the same choice at its start.
    listed = run_cli("--config", str(config), "plugins", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert {r["name"]: r["enabled"] for r in json.loads(listed.stdout)}["hello"] is True
    # So does the web app: the plugin's routes and table are there, nothing is pending.
    settings, host, _ = runtime.load(config, env={})
    assert host.enabled == ["hello"] and host.resolution.decided_by == {"hello": "console"}
    async with reopened(settings, token, migrate=True) as h:
        made = await h.client.post(
            "/api/hello/greetings", json={"name": "Вера"}, headers=h.admin_headers
        )
        assert made.status_code == 201, made.text
        plugins = (await h.client.get("/api/plugins/", headers=h.admin_headers)).json()
        hello = switch_of(plugins, "hello")
        assert (hello["running"], hello["pending_restart"]) == (True, False)
        off = await h.client.put(
            "/api/plugins/hello/enabled", json={"enabled": False}, headers=h.admin_headers
        )
        assert off.json()["pending_restart"] is True
        # The running process keeps its list until it restarts.
        still = await h.client.get("/api/hello/greetings", headers=h.admin_headers)
        assert still.status_code == 200

    settings, _, _ = runtime.load(config, env={})
    async with reopened(settings, token, migrate=True) as h:
        # The earlier apps deleted their process rows when they stopped.
        assert len(await h.runtime.db.fetch("SELECT id FROM plugin_process")) == 1
        gone = await h.client.get("/api/hello/greetings", headers=h.admin_headers)
        assert gone.status_code == 404
        rows = await h.runtime.db.fetch("SELECT name FROM hello_greeting")
        assert [r["name"] for r in rows] == ["Вера"]  # switched off, its table untouched

    # plugins_allowed = [] makes the file alone decide: a stored "on" is ignored, and said so.
    locked = write_config(tmp_path / "locked.toml", unionline_database_url, plugins=[])
    async with reopened(settings, token, migrate=True) as h:
        await h.client.put(
            "/api/plugins/hello/enabled", json={"enabled": True}, headers=h.admin_headers
        )
    _, host, _ = runtime.load(locked, env={"UNIONLINE_PLUGINS_ALLOWED": ""})
    assert host.enabled == [] and host.resolution.ignored == {"hello": "not in plugins_allowed"}
