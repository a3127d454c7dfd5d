"""Strict plugin loading: every way a plugin can be wrong stops startup with a message that
names the plugin, in process and through the CLI (exit status 2, one line, no traceback)."""

from __future__ import annotations

import asyncio
import logging
import textwrap
import uuid
from pathlib import Path

import click
import pytest
from cli_runner import TEST_SECRET, one_error_line, run_cli

from unionline import hookimpl, plugin_host, runtime
from unionline.errors import PluginError
from unionline.events import Event
from unionline.hooks import Hooks
from unionline.plugin_host import PluginHost, PluginSource
from unionline.registry import (
    CommandsRegistrar,
    JobsRegistrar,
    PermissionsRegistrar,
    RoutesRegistrar,
    SettingsRegistrar,
)

ENV = {"UNIONLINE_SECRET_KEY": TEST_SECRET}

TYPO = """
from unionline import hookimpl

@hookimpl
def regster_routes(register):
    pass
"""
BROKEN = 'raise RuntimeError("needs a driver that is not installed")\n'
GOOD = """
from unionline import hookimpl

@hookimpl
def register_permissions(register):
    register("{name}.use", "Use {name}")
"""
BAD_REGISTER = """
from unionline import hookimpl

@hookimpl
def register_routes(register):
    register("not a handler")
"""


@pytest.fixture(autouse=True)
def _elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./unionline.toml of a developer


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder on sys.path for this test's plugin modules."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    return folder


def module(site: Path, source: str, **fmt: str) -> str:
    """Write a plugin module with a name unique to this test; returns the module name."""
    name = f"plugin_{uuid.uuid4().hex[:10]}"
    (site / f"{name}.py").write_text(textwrap.dedent(source.format(**fmt)), encoding="utf-8")
    return name


def fake_entry_points(monkeypatch: pytest.MonkeyPatch, *sources: PluginSource) -> None:
    monkeypatch.setattr(plugin_host, "entry_point_sources", lambda: list(sources))


def ep(
    name: str, module_name: str, dist: str = "demo-dist", version: str = "1.2.3"
) -> PluginSource:
    return PluginSource(name, module_name, f"entry point ({dist})", version)


def load(plugins: list[str], extra: dict[str, object] | None = None) -> PluginHost:
    _, host, _ = runtime.load(
        None, {**ENV, "UNIONLINE_PLUGINS": ",".join(plugins)}, extra_plugins=extra
    )
    return host


def error_of(plugins: list[str], extra: dict[str, object] | None = None) -> PluginError:
    with pytest.raises(PluginError) as error:
        load(plugins, extra)
    return error.value


# -- loading ------------------------------------------------------------------------------


def test_entry_point_plugin_is_listed_with_version_origin_and_hooks(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_entry_points(
        monkeypatch,
        ep("dues", module(site, GOOD, name="dues")),
        ep("idle", module(site, GOOD, name="idle"), "idle-dist", "0.9"),
    )
    host = load(["dues"])
    rows = {row.name: row for row in host.listing()}
    assert (rows["dues"].enabled, rows["dues"].version) == (True, "1.2.3")
    assert rows["dues"].origin == "entry point (demo-dist)"
    assert rows["dues"].hooks == ["register_permissions"]
    assert (rows["idle"].enabled, rows["idle"].version, rows["idle"].hooks) == (False, "0.9", [])
    assert rows["core.system"].origin == "core" and rows["core.system"].enabled
    _, _, registry = runtime.load(None, {**ENV, "UNIONLINE_PLUGINS": "dues"})
    assert registry.permissions["dues.use"].plugin == "dues"
    assert "idle.use" not in registry.permissions  # installed is not enabled


def test_enabling_a_name_twice_loads_it_once(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_entry_points(monkeypatch, ep("dues", module(site, GOOD, name="dues")))
    assert [p for p in load(["dues", "dues"]).info if p == "dues"] == ["dues"]


def test_misspelled_hook_name(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_entry_points(monkeypatch, ep("typo", module(site, TYPO)))
    error = error_of(["typo"])
    assert error.plugin == "typo"
    assert str(error) == "plugin 'typo': implements unknown hook 'regster_routes'"


def test_misspelled_hook_name_in_process() -> None:
    class Typo:
        @hookimpl
        def on_evnt(self, event: Event) -> None:
            pass

    assert str(error_of([], {"typo": Typo()})) == "plugin 'typo': implements unknown hook 'on_evnt'"


def test_hook_argument_not_in_the_spec() -> None:
    class WrongArgument:
        @hookimpl
        def register_routes(self, registrar: RoutesRegistrar) -> None:
            pass

    error = error_of([], {"wrongarg": WrongArgument()})
    assert error.plugin == "wrongarg" and "registrar" in str(error)


def test_plugin_that_raises_on_import(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = module(site, BROKEN)
    fake_entry_points(monkeypatch, ep("broken", name))
    error = error_of(["broken"])
    assert str(error) == (
        f"plugin 'broken': failed to import {name}: "
        "RuntimeError: needs a driver that is not installed"
    )


def test_two_entry_points_with_the_same_name(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = module(site, GOOD, name="a"), module(site, GOOD, name="b")
    fake_entry_points(monkeypatch, ep("dup", first, "dist-one"), ep("dup", second, "dist-two"))
    error = error_of(["dup"])
    assert error.plugin == "dup" and "two installed plugins share this name" in str(error)
    assert "dist-one" in str(error) and "dist-two" in str(error)


def test_entry_point_named_like_a_builtin(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    builtin = PluginSource("mail", "unionline.channels.mail", "built-in", "0.1.0")
    monkeypatch.setattr(plugin_host, "builtin_sources", lambda: [builtin])
    fake_entry_points(monkeypatch, ep("mail", module(site, GOOD, name="mail"), "mail-fork"))
    error = error_of(["mail"])
    assert error.plugin == "mail"
    assert "built-in" in str(error) and "mail-fork" in str(error)


def test_in_process_plugin_cannot_reuse_a_name(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Empty:
        pass

    error = error_of([], {"core.system": Empty()})
    assert str(error) == "plugin 'core.system': a plugin with this name is already registered"
    fake_entry_points(monkeypatch, ep("dues", module(site, GOOD, name="dues")))
    assert error_of(["dues"], {"dues": Empty()}).plugin == "dues"


def test_enabled_but_not_installed(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_entry_points(monkeypatch, ep("dues", module(site, GOOD, name="dues")))
    error = error_of(["dues", "telegramm"])
    assert error.plugin == "telegramm"
    assert str(error).startswith("plugin 'telegramm': is enabled but not installed (installed: ")
    assert "dues" in str(error)  # the names that would have worked


# -- registration -------------------------------------------------------------------------


class RegistersBadRoute:
    @hookimpl
    def register_routes(self, register: RoutesRegistrar) -> None:
        register("not a handler")


class RaisesInsideRegister:
    @hookimpl
    def register_jobs(self, register: JobsRegistrar) -> None:
        raise ZeroDivisionError("division by zero")


class ClaimsCoreSection:
    @hookimpl
    def register_settings(self, register: SettingsRegistrar) -> None:
        register("server", dict)  # type: ignore[arg-type]


class RegistersCommand:
    def __init__(self, command: object) -> None:
        self.command = command

    @hookimpl
    def register_commands(self, register: CommandsRegistrar) -> None:
        register(self.command)  # type: ignore[arg-type]


class RegistersPermission:
    @hookimpl
    def register_permissions(self, register: PermissionsRegistrar) -> None:
        register("operators.manage", "Same code as the core")


@pytest.mark.parametrize(
    ("plugin", "expected"),
    [
        (RegistersBadRoute(), "register_routes: 'not a handler' is not a route handler"),
        (RaisesInsideRegister(), "register_jobs failed: ZeroDivisionError: division by zero"),
        (ClaimsCoreSection(), "register_settings: section 'server' is a core setting"),
        (RegistersCommand(print), "register_commands: <built-in function print> is not a named"),
    ],
    ids=["bad-route", "raises", "core-section", "command"],
)
def test_failing_register_call_names_the_plugin(plugin: object, expected: str) -> None:
    error = error_of([], {"faulty": plugin})
    assert error.plugin == "faulty"
    assert str(error).startswith("plugin 'faulty': ") and expected in str(error)


def test_two_plugins_registering_the_same_thing() -> None:
    error = error_of(
        [],
        {
            "first": RegistersCommand(click.Command("tally")),
            "second": RegistersCommand(click.Command("tally")),
        },
    )
    # pluggy calls the later registered plugin first, so "second" owns the name.
    assert str(error) == (
        "plugin 'first': command 'tally' is already registered by plugin 'second'"
    )
    # A plugin clashing with the core: both are named, whichever registered second.
    clash = str(error_of([], {"faulty": RegistersPermission()}))
    assert "'faulty'" in clash and "'core.operators'" in clash
    assert "permission 'operators.manage' is already registered" in clash


# -- through the command line -------------------------------------------------------------


def distribution(site: Path, dist: str, entry_points: dict[str, str]) -> None:
    """A minimal installed distribution: importlib.metadata finds it on PYTHONPATH."""
    info = site / f"{dist.replace('-', '_')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[unionline]\n{lines}")


@pytest.fixture(scope="module")
def cli_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Installed (by metadata) plugins for the CLI: typo, broken, dup (twice), badroute."""
    site = tmp_path_factory.mktemp("cli-site")
    for name, source in [
        ("typo_mod", TYPO),
        ("broken_mod", BROKEN),
        ("good_mod", GOOD),
        ("badroute_mod", BAD_REGISTER),
    ]:
        (site / f"{name}.py").write_text(textwrap.dedent(source.format(name="x")))
    distribution(
        site,
        "typo-dist",
        {"typo": "typo_mod", "broken": "broken_mod", "dup": "good_mod", "badroute": "badroute_mod"},
    )
    distribution(site, "dup-dist", {"dup": "good_mod"})
    return site


@pytest.mark.parametrize(
    ("enabled", "expected"),
    [
        ("typo", "unionline: plugin 'typo': implements unknown hook 'regster_routes'"),
        ("broken", "unionline: plugin 'broken': failed to import broken_mod: RuntimeError:"),
        ("dup", "unionline: plugin 'dup': two installed plugins share this name"),
        ("badroute", "unionline: plugin 'badroute': register_routes: 'not a handler'"),
        ("nosuch", "unionline: plugin 'nosuch': is enabled but not installed"),
    ],
)
def test_cli_stops_with_status_2_naming_the_plugin(
    tmp_path: Path, cli_site: Path, enabled: str, expected: str
) -> None:
    env = {**ENV, "UNIONLINE_PLUGINS": enabled, "PYTHONPATH": str(cli_site)}
    # "telegram" is a plugin's command: the broken plugin set is named, not "no such command".
    for command in ("plugins", "run", "telegram"):
        line = one_error_line(run_cli(command, cwd=tmp_path, env=env))
        assert line.startswith(expected), line


def test_cli_lists_installed_plugins_that_are_not_enabled(tmp_path: Path, cli_site: Path) -> None:
    # Not enabled, the same broken plugins are harmless: listed, off, never imported.
    listed = run_cli("plugins", cwd=tmp_path, env={**ENV, "PYTHONPATH": str(cli_site)})
    assert listed.returncode == 0, listed.stderr
    assert "off typo" in listed.stdout and "entry point (typo-dist)" in listed.stdout
    assert "off broken" in listed.stdout


# -- the trace switch ---------------------------------------------------------------------


class Traced:
    @hookimpl
    def register_permissions(self, register: PermissionsRegistrar) -> None:
        register("traced.use", "Traced")

    @hookimpl
    async def on_event(self, event: Event) -> None:
        pass


def traced_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("hook ")]


def test_trace_switch_logs_hook_calls(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="unionline")
    _, host, _ = runtime.load(None, ENV, extra_plugins={"traced": Traced()})
    asyncio.run(Hooks(host).on_event(Event()))
    assert traced_lines(caplog) == []  # off by default

    monkeypatch.setenv("UNIONLINE_TRACE_HOOKS", "1")
    _, host, _ = runtime.load(None, ENV, extra_plugins={"traced": Traced()})
    asyncio.run(Hooks(host).on_event(Event(id=7)))
    lines = traced_lines(caplog)
    assert any(line.startswith("hook register_permissions -> traced:") for line in lines)
    assert any(line.startswith("hook register_permissions -> core.admin:") for line in lines)
    assert any(line.startswith("hook on_event -> traced: None (") for line in lines)
