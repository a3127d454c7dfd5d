"""What plugins registered at startup: settings sections, tables, routes, jobs, events, ...

Each ``register_*`` hook implementation receives a registrar bound to its plugin's name, so a
bad or duplicate registration fails startup with an error naming the plugin at fault.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from unionline.errors import PluginError

if TYPE_CHECKING:
    import click
    from piccolo.conf.apps import AppConfig

    from unionline.events import Event
    from unionline.jobs import JobContext

_NAME = re.compile(r"^[a-z][a-z0-9_.-]*$")


@dataclass(frozen=True)
class JobType:
    name: str
    function: Callable[[JobContext, Any], Awaitable[None]]
    payload: type[msgspec.Struct] | None
    max_attempts: int | None
    plugin: str


@dataclass(frozen=True)
class Permission:
    code: str
    description: str
    roles: tuple[str, ...]
    plugin: str


@dataclass(frozen=True)
class ConsoleAsset:
    plugin: str
    directory: Path
    entry: str


@dataclass
class Registry:
    """Everything registered by the enabled plugins (core defaults included)."""

    settings: dict[str, type[msgspec.Struct]] = field(default_factory=dict)
    tables: dict[str, AppConfig] = field(default_factory=dict)
    routes: list[tuple[str, Any]] = field(default_factory=list)
    channels: dict[str, Any] = field(default_factory=dict)
    robots: dict[str, Any] = field(default_factory=dict)
    jobs: dict[str, JobType] = field(default_factory=dict)
    events: dict[str, type[Event]] = field(default_factory=dict)
    permissions: dict[str, Permission] = field(default_factory=dict)
    commands: dict[str, tuple[str, click.Command]] = field(default_factory=dict)
    console_assets: list[ConsoleAsset] = field(default_factory=list)
    owners: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, key) -> plugin

    def claim(self, kind: str, key: str, plugin: str) -> None:
        """Record that ``plugin`` owns ``key`` of ``kind``; a second owner is a startup error."""
        owner = self.owners.get((kind, key))
        if owner is not None:
            raise PluginError(plugin, f"{kind} {key!r} is already registered by plugin {owner!r}")
        self.owners[(kind, key)] = plugin


class Registrar:
    """Base of the ``register`` objects handed to ``register_*`` hooks."""

    kind = "thing"

    def __init__(self, registry: Registry, plugin: str) -> None:
        self.registry = registry
        self.plugin = plugin

    def fail(self, message: str) -> PluginError:
        return PluginError(self.plugin, f"register_{self.kind}: {message}")

    def name(self, value: object, what: str = "name") -> str:
        if not isinstance(value, str) or not _NAME.match(value):
            raise self.fail(f"{what} {value!r} must be lower-case letters, digits, _ . -")
        return value


class SettingsRegistrar(Registrar):
    kind = "settings"

    def __call__(self, section: str, kind: type[msgspec.Struct]) -> None:
        """Add the ``[section]`` table to the config file, decoded into ``kind``."""
        from unionline.settings import CORE_KEYS

        self.name(section, "section")
        if section in CORE_KEYS:
            raise self.fail(f"section {section!r} is a core setting")
        if not (isinstance(kind, type) and issubclass(kind, msgspec.Struct)):
            raise self.fail(f"section {section!r}: {kind!r} is not a msgspec.Struct")
        self.registry.claim("settings section", section, self.plugin)
        self.registry.settings[section] = kind


class TablesRegistrar(Registrar):
    kind = "tables"

    def __call__(self, app: AppConfig) -> None:
        """Add a piccolo app (its tables and migrations folder)."""
        from piccolo.conf.apps import AppConfig

        if not isinstance(app, AppConfig):
            raise self.fail(f"{app!r} is not a piccolo AppConfig")
        self.registry.claim("table app", app.app_name, self.plugin)
        self.registry.tables[app.app_name] = app


class RoutesRegistrar(Registrar):
    kind = "routes"

    def __call__(self, *handlers: Any) -> None:
        """Add Litestar route handlers, controllers or routers to the app."""
        from litestar.controller import Controller
        from litestar.handlers import BaseRouteHandler
        from litestar.router import Router

        for handler in handlers:
            ok = isinstance(handler, BaseRouteHandler | Router) or (
                isinstance(handler, type) and issubclass(handler, Controller)
            )
            if not ok:
                raise self.fail(f"{handler!r} is not a route handler, controller or router")
            self.registry.routes.append((self.plugin, handler))


class ChannelsRegistrar(Registrar):
    kind = "channels"

    def __call__(self, channel: Any) -> None:
        """Add a channel type (see the channel SDK)."""
        name = self.name(getattr(channel, "name", None), "channel name")
        self.registry.claim("channel", name, self.plugin)
        self.registry.channels[name] = channel


class RobotsRegistrar(Registrar):
    kind = "robots"

    def __call__(self, action: Any) -> None:
        """Add a robot action usable in automation rules."""
        name = self.name(getattr(action, "name", None), "robot action name")
        self.registry.claim("robot action", name, self.plugin)
        self.registry.robots[name] = action


class JobsRegistrar(Registrar):
    kind = "jobs"

    def __call__(
        self,
        name: str,
        function: Callable[[JobContext, Any], Awaitable[None]],
        *,
        payload: type[msgspec.Struct] | None = None,
        max_attempts: int | None = None,
    ) -> None:
        """Add a job type: ``async function(ctx, payload)`` run from the outbox."""
        self.name(name, "job name")
        if not callable(function):
            raise self.fail(f"job {name!r}: {function!r} is not callable")
        if payload is not None and not issubclass(payload, msgspec.Struct):
            raise self.fail(f"job {name!r}: payload {payload!r} is not a msgspec.Struct")
        self.registry.claim("job", name, self.plugin)
        self.registry.jobs[name] = JobType(name, function, payload, max_attempts, self.plugin)


class EventsRegistrar(Registrar):
    kind = "events"

    def __call__(self, *event_types: type[Event]) -> None:
        """Add event types (subclasses of ``unionline.Event`` with a ``tag``)."""
        from unionline.events import Event, event_type_name

        for kind in event_types:
            if not (isinstance(kind, type) and issubclass(kind, Event)):
                raise self.fail(f"{kind!r} is not a subclass of unionline.Event")
            name = self.name(event_type_name(kind), "event type")
            self.registry.claim("event type", name, self.plugin)
            self.registry.events[name] = kind


class PermissionsRegistrar(Registrar):
    kind = "permissions"

    def __call__(self, code: str, description: str, roles: tuple[str, ...] = ("admin",)) -> None:
        """Declare a permission and the built-in roles that hold it."""
        self.name(code, "permission code")
        self.registry.claim("permission", code, self.plugin)
        self.registry.permissions[code] = Permission(code, description, tuple(roles), self.plugin)


class CommandsRegistrar(Registrar):
    kind = "commands"

    def __call__(self, command: click.Command) -> None:
        """Add a ``unionline <name>`` sub-command (a click command or group)."""
        import click

        if not isinstance(command, click.Command) or not command.name:
            raise self.fail(f"{command!r} is not a named click command")
        self.registry.claim("command", command.name, self.plugin)
        self.registry.commands[command.name] = (self.plugin, command)


class ConsoleAssetsRegistrar(Registrar):
    kind = "console_assets"

    def __call__(self, directory: Path, entry: str = "index.js") -> None:
        """Serve ``directory`` to the console; it loads ``entry`` as an ES module."""
        directory = Path(directory)
        if not (directory / entry).is_file():
            raise self.fail(f"{directory / entry} does not exist")
        self.registry.claim("console assets", self.plugin, self.plugin)
        self.registry.console_assets.append(ConsoleAsset(self.plugin, directory, entry))


REGISTRARS: dict[str, type[Registrar]] = {
    "register_settings": SettingsRegistrar,
    "register_tables": TablesRegistrar,
    "register_routes": RoutesRegistrar,
    "register_channels": ChannelsRegistrar,
    "register_robots": RobotsRegistrar,
    "register_jobs": JobsRegistrar,
    "register_events": EventsRegistrar,
    "register_permissions": PermissionsRegistrar,
    "register_commands": CommandsRegistrar,
    "register_console_assets": ConsoleAssetsRegistrar,
}
