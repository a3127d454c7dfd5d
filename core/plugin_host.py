"""The plugin manager: core defaults, built-in plugins by name, third parties by entry point.

Named ``plugin_host`` rather than the design's ``plugins.py`` because ``unionline.plugins`` is
the package of first-party feature plugins (the ``plugins/`` folder).
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import logging
import os
import pkgutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import ModuleType

import pluggy

from unionline import hookspecs
from unionline.errors import PluginError
from unionline.settings import RawConfig

log = logging.getLogger("unionline.plugins")

ENTRY_POINT_GROUP = "unionline"
# Core features are plugins too; they are always enabled and cannot be switched off.
CORE_PLUGINS: dict[str, str] = {
    "core.system": "unionline.system.plugin",
    "core.operators": "unionline.operators.plugin",
    "core.organizations": "unionline.organizations.plugin",
    "core.calendar": "unionline.calendar.plugin",
    "core.admin": "unionline.admin.plugin",
    "core.plugin_settings": "unionline.plugin_settings.plugin",
    "core.plugin_choices": "unionline.plugin_choices.plugin",
    "core.audit": "unionline.audit.plugin",
    "core.console": "unionline.console.plugin",
    "core.members": "unionline.members.plugin",
    "core.appeals": "unionline.appeals.plugin",
    "core.channel": "unionline.channel.plugin",
    "core.privacy": "unionline.privacy.plugin",
    "core.routing": "unionline.routing.plugin",
    "core.robots": "unionline.robots.plugin",
    "core.robot_actions": "unionline.robots.actions.plugin",
    "core.workspace": "unionline.workspace.plugin",
    "core.canned": "unionline.canned.plugin",
    "core.demo": "unionline.demo",  # the `unionline demo` command (app layer: serves the app)
    # Routing strategies: defaults (trylast) a plugin's strategy of the same name overrides.
    "core.routing.least_busy": "unionline.routing.strategies.least_busy",
    "core.routing.round_robin": "unionline.routing.strategies.round_robin",
    "core.routing.skills": "unionline.routing.strategies.skills",
    "core.routing.own_operator": "unionline.routing.strategies.own_operator",
    "core.routing.pool": "unionline.routing.strategies.pool",
}
BUILTIN_PACKAGES = ("unionline.plugins", "unionline.channels")
# name=dotted.module pairs of importable, uninstalled plugins (development and tests).
PLUGIN_PATHS_ENV = "UNIONLINE_PLUGIN_PATHS"


@dataclass(frozen=True)
class PluginSource:
    """An installed plugin that may be enabled: where its module comes from."""

    name: str
    module: str
    origin: str  # "core", "built-in", "entry point (<distribution>)" or "path"
    version: str


@dataclass
class PluginInfo:
    name: str
    version: str
    origin: str
    enabled: bool
    hooks: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Resolution:
    """Which optional plugins this process enables, and why.

    The config file (``plugins``) says what is on by default and ``plugins_allowed`` what the
    console may switch (None: every installed plugin); a stored choice of an administrator
    switches an allowed, installed plugin on or off. Choices that cannot apply are ignored,
    with the reason, rather than stopping the process.
    """

    enabled: list[str]
    decided_by: dict[str, str]  # name -> "config" or "console", for every optional plugin decided
    ignored: dict[str, str]  # stored choice -> why it was not applied


def resolve(
    configured: Iterable[str],
    stored: Mapping[str, bool],
    installed: Iterable[str],
    allowed: Iterable[str] | None = None,
) -> Resolution:
    """Apply stored choices over the config file's list (see :class:`Resolution`)."""
    configured = list(dict.fromkeys(configured))
    installed_set = set(installed)
    switchable = installed_set if allowed is None else installed_set & set(allowed)
    decided_by = dict.fromkeys(configured, "config")
    ignored: dict[str, str] = {}
    on = {name: True for name in configured}
    for name, enabled in sorted(stored.items()):
        if name in CORE_PLUGINS:
            ignored[name] = "a core plugin is always on"
        elif name not in installed_set:
            ignored[name] = "not installed"
        elif name not in switchable:
            ignored[name] = "not in plugins_allowed"
        else:
            on[name] = enabled
            decided_by[name] = "console"
    enabled_list = [n for n in configured if on[n]] + sorted(
        n for n, value in on.items() if value and n not in configured
    )
    return Resolution(enabled_list, decided_by, ignored)


@functools.cache  # the installed version cannot change while the process runs
def unionline_version() -> str:
    try:
        return importlib.metadata.version("unionline")
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


def builtin_sources() -> list[PluginSource]:
    """Sub-packages of ``unionline.plugins`` and ``unionline.channels``, by folder name."""
    version = unionline_version()
    found = []
    for package_name in BUILTIN_PACKAGES:
        try:
            package = importlib.import_module(package_name)
        except ImportError:
            continue
        for info in pkgutil.iter_modules(package.__path__):
            if info.ispkg and not info.name.startswith("_"):
                module = f"{package_name}.{info.name}"
                found.append(PluginSource(info.name, module, "built-in", version))
    return found


def entry_point_sources() -> list[PluginSource]:
    found = []
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist
        version = dist.version if dist else "unknown"
        origin = f"entry point ({dist.name if dist else 'unknown'})"
        found.append(PluginSource(ep.name, ep.value, origin, version))
    return found


def path_sources() -> list[PluginSource]:
    """Development plugins named by ``UNIONLINE_PLUGIN_PATHS``, origin ``path``.

    ``UNIONLINE_PLUGIN_PATHS=jobsink=tests.plugins.jobsink,other=pkg.mod`` makes importable
    modules installable without packaging them (tests, plugin development). They are still
    enabled only through the ``plugins`` list, and a name clash is an error like any other.
    """
    found = []
    for item in os.environ.get(PLUGIN_PATHS_ENV, "").split(","):
        if not item.strip():
            continue
        name, sep, module = (part.strip() for part in item.partition("="))
        if not (sep and name and module):
            raise PluginError(item.strip(), f"{PLUGIN_PATHS_ENV}: expected name=dotted.module")
        found.append(PluginSource(name, module, "path", "dev"))
    return found


def installed_sources() -> dict[str, list[PluginSource]]:
    """Every optional plugin that could be enabled, by name (a name may have several sources)."""
    by_name: dict[str, list[PluginSource]] = {}
    for source in [*builtin_sources(), *entry_point_sources(), *path_sources()]:
        by_name.setdefault(source.name, []).append(source)
    return by_name


class PluginHost:
    """Owns the pluggy manager; loads core, built-in and entry-point plugins strictly."""

    def __init__(
        self,
        enabled: Iterable[str],
        *,
        extra: dict[str, object] | None = None,
        stored: Mapping[str, bool] | None = None,
        allowed: Iterable[str] | None = None,
    ) -> None:
        """Load the core, then ``enabled`` (the config file's list) as ``stored`` choices of
        the console change it within ``allowed`` (:func:`resolve`)."""
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.sources = installed_sources()
        self.configured = list(dict.fromkeys(enabled))
        self.allowed = None if allowed is None else sorted(set(allowed))
        self.resolution = resolve(self.configured, stored or {}, self.sources, self.allowed)
        for name, why in self.resolution.ignored.items():
            log.warning("stored choice for plugin %r ignored: %s", name, why)
        self.enabled = self.resolution.enabled
        self.raw_config: RawConfig | None = None  # what the runtime read (for trial loads)
        self.info: dict[str, PluginInfo] = {}
        for name, module in CORE_PLUGINS.items():
            self._register(name, self._import(name, module), unionline_version(), "core")
        for name in self.enabled:
            self._load(name)
        for name, plugin in (extra or {}).items():  # objects handed in directly (tests)
            self._register(name, plugin, "0", "in-process")
        self.check_pending()
        if os.environ.get("UNIONLINE_TRACE_HOOKS") == "1":
            self.pm.trace.root.setwriter(lambda text: log.info("hook trace: %s", text.rstrip()))
            self.pm.enable_tracing()

    @property
    def trace(self) -> bool:
        return os.environ.get("UNIONLINE_TRACE_HOOKS") == "1"

    def _load(self, name: str) -> None:
        sources = self.sources.get(name)
        if not sources:
            known = ", ".join(sorted(self.sources)) or "none"
            raise PluginError(name, f"is enabled but not installed (installed: {known})")
        if len(sources) > 1:
            where = "; ".join(f"{s.module} from {s.origin}" for s in sources)
            raise PluginError(name, f"two installed plugins share this name: {where}")
        source = sources[0]
        try:
            self._register(name, self._import(name, source.module), source.version, source.origin)
        except PluginError as exc:
            if self.resolution.decided_by.get(name) != "console":
                raise
            raise PluginError(
                name,
                f"{str(exc).split(': ', 1)[-1]} (switched on in the console; start once with"
                " UNIONLINE_PLUGINS_ALLOWED= set empty to ignore the console's choices, then"
                " switch it off there)",
            ) from exc

    def switchable(self, name: str) -> bool:
        """Whether the console may switch optional plugin ``name`` (installed and allowed)."""
        installed = name in self.sources and name not in CORE_PLUGINS
        return installed and (self.allowed is None or name in self.allowed)

    @staticmethod
    def _import(name: str, module: str) -> ModuleType:
        try:
            return importlib.import_module(module)
        except Exception as exc:
            raise PluginError(
                name, f"failed to import {module}: {type(exc).__name__}: {exc}"
            ) from exc

    def _register(self, name: str, plugin: object, version: str, origin: str) -> None:
        if name in self.info or self.pm.has_plugin(name):
            raise PluginError(name, "a plugin with this name is already registered")
        try:
            self.pm.register(plugin, name=name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            raise PluginError(name, str(exc)) from exc
        callers = self.pm.get_hookcallers(plugin) or []
        for caller in callers:
            # unionline.hooks calls implementations itself; a wrapper would be run as a plain one.
            mine = [i for i in caller.get_hookimpls() if i.plugin is plugin]
            if any(i.wrapper or i.hookwrapper for i in mine):
                self.pm.unregister(plugin)
                raise PluginError(name, f"{caller.name}: hook wrappers are not supported")
        hooks = sorted(h.name for h in callers)
        self.info[name] = PluginInfo(name, version, origin, True, hooks)

    def check_pending(self) -> None:
        """Fail on hook implementations that match no hookspec (misspelled hook names)."""
        for hook_name in dir(self.pm.hook):
            if hook_name.startswith("_"):
                continue
            caller = getattr(self.pm.hook, hook_name)
            if caller.spec is None:
                impls = caller.get_hookimpls()
                plugin = impls[0].plugin_name if impls else "?"
                raise PluginError(plugin, f"implements unknown hook {hook_name!r}")

    def listing(self) -> list[PluginInfo]:
        """Installed plugins (enabled or not) with versions and implemented hooks."""
        rows = dict(self.info)
        for name, sources in sorted(self.sources.items()):
            if name not in rows:
                source = sources[0]
                rows[name] = PluginInfo(name, source.version, source.origin, False, [])
        return sorted(rows.values(), key=lambda p: (p.origin != "core", p.name))

    def installed_names(self) -> frozenset[str]:
        return frozenset(self.sources)
