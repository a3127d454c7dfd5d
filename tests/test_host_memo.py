"""The test plugin's memo of the plugin host's lookups (unionline.testing.host_memo): the same
plugins and hooks as without it, and anything the lookups read that changes read anew."""

from __future__ import annotations

import gc
import sys
import types
import weakref
from pathlib import Path
from typing import Any

import pluggy
import pytest

from unionline import hookspecs, plugin_host
from unionline.plugin_host import PluginHost
from unionline.testing import host_memo

PLUGINS = ["campaigns", "tasks", "knowledge", "mail"]


def test_the_plugin_installed_the_memo() -> None:
    assert plugin_host.entry_point_sources is host_memo.entry_point_sources
    assert pluggy.PluginManager.__dict__["parse_hookimpl_opts"] is host_memo.parse_hookimpl_opts


def hooks_of(host: PluginHost) -> dict[str, Any]:
    return {name: (info.origin, info.hooks) for name, info in sorted(host.info.items())}


def test_a_host_made_with_the_memo_is_the_host_made_without() -> None:
    with_it = [hooks_of(PluginHost(PLUGINS)) for _ in range(2)]
    host_memo.uninstall()
    try:
        without = hooks_of(PluginHost(PLUGINS))
    finally:
        host_memo.install()
    assert with_it == [without, without]
    assert len(without) > len(PLUGINS)  # the core's too


def test_entry_points_on_a_new_path_are_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {source.name for source in plugin_host.entry_point_sources()}
    dist = tmp_path / "dues_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: dues-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[unionline]\ndues = dues_plugin\n")
    with monkeypatch.context() as patch:
        patch.syspath_prepend(str(tmp_path))
        found = {s.name: s for s in plugin_host.entry_point_sources()}
        assert found["dues"].origin == "entry point (dues-plugin)"
        assert found["dues"].version == "1.0"
    assert {source.name for source in plugin_host.entry_point_sources()} == before
    assert str(tmp_path) not in sys.path


def test_the_caller_owns_the_list() -> None:
    first = plugin_host.entry_point_sources()
    first.append(plugin_host.PluginSource("x", "x", "path", "0"))
    assert "x" not in {source.name for source in plugin_host.entry_point_sources()}


def manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    return pm


def plugin_module(name: str) -> types.ModuleType:
    module = types.ModuleType(name)

    @hookspecs.hookimpl
    def register_routes() -> list[Any]:
        return []

    def not_a_hook() -> None:
        return None

    module.register_routes = register_routes  # type: ignore[attr-defined]
    module.helper = not_a_hook  # type: ignore[attr-defined]
    return module


def impls(pm: pluggy.PluginManager, plugin: object) -> list[str]:
    return sorted(caller.name for caller in pm.get_hookcallers(plugin) or [])


def test_an_attribute_replaced_is_read_anew(monkeypatch: pytest.MonkeyPatch) -> None:
    module = plugin_module("plugin_one")
    first = manager()
    first.register(module)
    assert impls(first, module) == ["register_routes"]
    monkeypatch.setattr(module, "register_routes", lambda: [])  # no longer marked
    second = manager()
    second.register(module)
    assert impls(second, module) == []


def test_objects_that_are_not_modules_are_read_each_time() -> None:
    class Plugin:
        @hookspecs.hookimpl
        def register_routes(self) -> list[Any]:
            return [self]

    one, two = Plugin(), Plugin()
    pm = manager()
    pm.register(one, name="one")
    pm.register(two, name="two")
    results = pm.hook.register_routes(register=None)
    assert sorted(map(id, (r for found in results for r in found))) == sorted(map(id, (one, two)))


def test_other_projects_managers_are_not_memoized() -> None:
    other = pluggy.PluginManager("elsewhere")
    module = plugin_module("plugin_two")
    assert other.parse_hookimpl_opts(module, "register_routes") is None
    assert manager().parse_hookimpl_opts(module, "register_routes") is not None


def test_the_memo_keeps_no_plugin_object() -> None:
    class Plugin:
        pass

    plugin = Plugin()
    plugin.register_routes = plugin_module("plugin_three").register_routes  # type: ignore[attr-defined]
    manager().register(plugin, name="three")
    gone = weakref.ref(plugin)
    del plugin
    gc.collect()
    assert gone() is None
