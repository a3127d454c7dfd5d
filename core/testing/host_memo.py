"""The plugin host's per-app lookups, done once per test process (installed by the pytest plugin).

Every test app makes a plugin host, which read every installed distribution's entry points
(``importlib.metadata``) and had pluggy look each attribute of each plugin module up with
``inspect.getattr_static`` — a tenth of ``create_app`` between them, the same answers each
time:

* :func:`entry_point_sources` keeps the plugins' entry points per ``sys.path`` (a test that
  fakes them replaces ``plugin_host.entry_point_sources`` itself, as before);
* :func:`parse_hookimpl_opts` keeps pluggy's answer for an attribute of a plugin *module* by
  the module, the name and the attribute's value (identities; the memo holds them). Plugin
  objects that are not modules are parsed each time (one could be made per app), and only
  Unionline's plugin managers take the memo.
"""

from __future__ import annotations

import sys
import types
from typing import Any

import pluggy

from unionline import hookspecs, plugin_host

_originals: dict[str, Any] = {}
_sources: dict[tuple[str, ...], list[plugin_host.PluginSource]] = {}
_opts: dict[tuple[int, str, int], tuple[Any, object]] = {}
_ABSENT = object()


def entry_point_sources() -> list[plugin_host.PluginSource]:
    """``plugin_host.entry_point_sources()``, read once per ``sys.path``."""
    key = tuple(sys.path)
    found = _sources.get(key)
    if found is None:
        found = _sources[key] = _originals["sources"]()
    return list(found)  # PluginSource is frozen; the list is the caller's


def parse_hookimpl_opts(self: pluggy.PluginManager, plugin: Any, name: str) -> Any:
    """pluggy's ``PluginManager.parse_hookimpl_opts``, kept for a module's own attributes."""
    parse = _originals["parse"]
    if (
        self.project_name != hookspecs.PROJECT  # pytest's own manager, for one
        or type(plugin) is not types.ModuleType
        or hasattr(types.ModuleType, name)
    ):
        return parse(self, plugin, name)
    value = vars(plugin).get(name, _ABSENT)
    if value is _ABSENT:
        return parse(self, plugin, name)
    key = (id(plugin), name, id(value))
    hit = _opts.get(key)
    if hit is None:
        hit = _opts[key] = (parse(self, plugin, name), (plugin, value))
    return hit[0]


def install() -> None:
    if _originals:
        return
    _originals["sources"] = plugin_host.entry_point_sources
    _originals["parse"] = pluggy.PluginManager.__dict__["parse_hookimpl_opts"]
    plugin_host.entry_point_sources = entry_point_sources
    pluggy.PluginManager.parse_hookimpl_opts = parse_hookimpl_opts  # type: ignore[method-assign]


def uninstall() -> None:
    if not _originals:
        return
    plugin_host.entry_point_sources = _originals.pop("sources")
    pluggy.PluginManager.parse_hookimpl_opts = _originals.pop("parse")  # type: ignore[method-assign]
    _sources.clear()
    _opts.clear()
