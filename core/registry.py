"""What plugins registered at startup: settings sections, tables, routes, jobs, events, ...

Each ``register_*`` hook implementation receives a registrar bound to its plugin's name, so a
bad or duplicate registration fails startup with an error naming the plugin at fault.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import msgspec
import msgspec.inspect

from unionline.errors import PluginError

if TYPE_CHECKING:
    import click
    from piccolo.conf.apps import AppConfig

    from unionline.events import Event
    from unionline.jobs import JobContext

# The public part (docs/plugin-api.md): what the ``register_*`` hooks are handed, and the
# descriptions of console pages and settings forms they pass to it.
__all__ = [
    "ChannelsRegistrar",
    "CommandsRegistrar",
    "ConsoleAssetsRegistrar",
    "ConsolePage",
    "EventsRegistrar",
    "FieldLabel",
    "JobsRegistrar",
    "PermissionsRegistrar",
    "RobotsRegistrar",
    "RoutesRegistrar",
    "SettingsForm",
    "SettingsRegistrar",
    "TablesRegistrar",
]

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
    entry: str | None  # imported after sign-in; None: the folder only serves pages' modules


PAGE_SECTIONS = ("admin", "work")
_ELEMENT = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")


@dataclass(frozen=True, kw_only=True)
class ConsolePage:
    """A page of the console, registered with ``register.page(...)`` in
    ``register_console_assets`` (docs/writing-plugins.md, "Console pages and settings").

    The console lists it to operators holding ``permission`` in any organization, at
    ``#/admin/<id>`` (section ``admin``: under «Администрирование») or ``#/work/<id>``
    (section ``work``: an entry of the main navigation), and when it is opened imports
    ``module`` from the plugin's console folder and mounts ``<element>``.
    """

    id: str  # lower-case letters, digits, _ . -; unique across plugins
    section: Literal["admin", "work"]
    title_ru: str
    title_en: str
    permission: str  # a registered permission code
    element: str  # the custom element's tag (with a hyphen), defined by ``module``
    module: str  # an ES module, relative to the folder passed to ``register(directory)``
    order: int = 100  # position in its section, lowest first
    # Shown only to those holding ``permission`` over the whole federation (a page about what
    # belongs to no organization: plugins, settings); else a grant over any subtree will do.
    federation_wide: bool = False
    plugin: str = ""  # filled in by the registrar


@dataclass(frozen=True)
class FieldLabel:
    """How a settings field is shown: its label and help text, Russian first."""

    ru: str
    en: str = ""
    help_ru: str = ""
    help_en: str = ""
    # A choice field's values as people read them: value -> (Russian, English). On a plain
    # ``str`` field they are also the only values taken (a list known at run time: the mapping
    # may be computed each time it is read).
    choices: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def schema_of(self, prop: dict[str, Any]) -> dict[str, Any]:
        """``prop`` (the field's JSON schema) with the choices' words under ``x-choices``; a
        plain string field with choices gets them as its ``enum`` (the console shows a list)."""
        if not self.choices:
            return prop
        words = {value: {"ru": ru, "en": en or ru} for value, (ru, en) in self.choices.items()}
        if self.limits(prop):
            return {**prop, "enum": list(words), "x-choices": words}
        return {**prop, "x-choices": words}

    def limits(self, prop: dict[str, Any]) -> bool:
        """Whether the choices are the only values of the field of schema ``prop``."""
        return bool(self.choices) and prop.get("type") == "string" and "enum" not in prop


@dataclass(frozen=True, kw_only=True)
class SettingsForm:
    """Settings an administrator edits in the console, registered with
    ``register.settings(...)`` in ``register_console_assets``; read back with
    ``await unionline.read_settings(kind)``.

    ``kind`` validates what is saved (a 422 names the field). Labels come from ``labels``, else
    from the field's ``msgspec.Meta(title=..., description=...)`` (Russian), else its name.
    ``secrets`` are string fields shown write-only and kept encrypted; changing a field of
    ``restart`` takes effect after a restart, and the console says so.
    """

    kind: type[msgspec.Struct]
    title_ru: str
    title_en: str
    id: str = ""  # default: the plugin's name
    help_ru: str = ""
    help_en: str = ""
    labels: Mapping[str, FieldLabel] = field(default_factory=dict)
    secrets: frozenset[str] = frozenset()
    restart: frozenset[str] = frozenset()
    order: int = 100
    plugin: str = ""  # filled in by the registrar


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
    console_pages: dict[str, ConsolePage] = field(default_factory=dict)
    settings_forms: dict[str, SettingsForm] = field(default_factory=dict)
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
    """``register(directory, entry)`` serves a folder to the console; ``register.page(...)``
    adds a console page whose module lies in that folder; ``register.settings(...)`` adds a
    settings form to the admin area."""

    kind = "console_assets"

    def __call__(self, directory: Path, entry: str | None = "index.js") -> None:
        """Serve ``directory`` to the console; after sign-in it imports ``entry`` as an ES
        module (``None``: nothing is imported up front, the folder serves pages' modules)."""
        directory = Path(directory)
        if entry is not None and not (directory / entry).is_file():
            raise self.fail(f"{directory / entry} does not exist")
        if entry is None and not directory.is_dir():
            raise self.fail(f"{directory} is not a folder")
        self.registry.claim("console assets", self.plugin, self.plugin)
        self.registry.console_assets.append(ConsoleAsset(self.plugin, directory, entry))

    def page(self, page: ConsolePage) -> None:
        """Add a console page; call ``register(directory, ...)`` first."""
        if not isinstance(page, ConsolePage):
            raise self.fail(f"{page!r} is not a unionline.registry.ConsolePage")
        self.name(page.id, "page id")
        if page.section not in PAGE_SECTIONS:
            raise self.fail(f"page {page.id!r}: section must be one of {PAGE_SECTIONS}")
        if not (page.title_ru.strip() and page.title_en.strip()):
            raise self.fail(f"page {page.id!r}: title_ru and title_en are required")
        if page.permission not in self.registry.permissions:
            raise self.fail(f"page {page.id!r}: unknown permission {page.permission!r}")
        if not _ELEMENT.match(page.element):
            raise self.fail(f"page {page.id!r}: {page.element!r} is not a custom element name")
        folder = self._folder()
        if folder is None:
            raise self.fail(f"page {page.id!r}: register(directory) the console folder first")
        module = (folder / page.module).resolve()
        inside = module.is_relative_to(folder.resolve()) and module.is_file()
        if not inside or module.suffix not in (".js", ".mjs"):
            raise self.fail(f"page {page.id!r}: {page.module!r} is not an ES module of {folder}")
        self.registry.claim("console page", page.id, self.plugin)
        self.registry.console_pages[page.id] = dataclasses.replace(page, plugin=self.plugin)

    def settings(self, form: SettingsForm) -> None:
        """Add a settings form to the admin area (its values: ``unionline.read_settings``)."""
        if not isinstance(form, SettingsForm):
            raise self.fail(f"{form!r} is not a unionline.registry.SettingsForm")
        kind = form.kind
        if not (isinstance(kind, type) and issubclass(kind, msgspec.Struct)):
            raise self.fail(f"settings form: {kind!r} is not a msgspec.Struct")
        form_id = self.name(form.id or self.plugin, "settings form id")
        info = msgspec.inspect.type_info(kind)
        assert isinstance(info, msgspec.inspect.StructType)
        fields = {f.name: f.type for f in info.fields}
        for what, names in (
            ("labels", form.labels),
            ("secrets", form.secrets),
            ("restart", form.restart),
        ):
            unknown = sorted(set(names) - set(fields))
            if unknown:
                raise self.fail(f"settings form {form_id!r}: {what} names no field: {unknown}")
        for name in form.secrets:
            if not _is_text(fields[name]):
                raise self.fail(f"settings form {form_id!r}: secret {name!r} must be a str")
        if not (form.title_ru.strip() and form.title_en.strip()):
            raise self.fail(f"settings form {form_id!r}: title_ru and title_en are required")
        self.registry.claim("settings form", form_id, self.plugin)
        self.registry.claim("settings kind", f"{kind.__module__}.{kind.__qualname__}", self.plugin)
        self.registry.settings_forms[form_id] = dataclasses.replace(
            form,
            id=form_id,
            labels=dict(form.labels),
            secrets=frozenset(form.secrets),
            restart=frozenset(form.restart),
            plugin=self.plugin,
        )

    def _folder(self) -> Path | None:
        for asset in self.registry.console_assets:
            if asset.plugin == self.plugin:
                return asset.directory
        return None


def _is_text(info: Any) -> bool:
    """A ``str`` (or ``str | None``) field, whatever its constraints."""
    mi = msgspec.inspect
    while isinstance(info, mi.Metadata):
        info = info.type
    if isinstance(info, mi.UnionType):
        return all(isinstance(t, mi.StrType | mi.NoneType) for t in info.types)
    return isinstance(info, mi.StrType)


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
