"""Settings: a TOML file plus ``UNIONLINE_*`` environment overrides, decoded into msgspec Structs.

Core keys live at the top level and in the ``[server]``, ``[jobs]``, ``[realtime]`` and ``[log]``
sections; each plugin may add one section of its own (``register_settings``). Any problem is a
:class:`~unionline.errors.ConfigError` whose message is one line naming the key and its source.
"""

from __future__ import annotations

import os
import re
import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import msgspec

from unionline.errors import ConfigError

DEFAULT_CONFIG = "unionline.toml"
DEFAULT_DATABASE_URL = "sqlite:///unionline.sqlite3"
ENV_PREFIX = "UNIONLINE_"
# Variables that steer loading itself rather than naming a setting.
RESERVED_ENV = {
    "UNIONLINE_CONFIG",
    "UNIONLINE_TRACE_HOOKS",
    "UNIONLINE_PLUGIN_PATHS",
    "UNIONLINE_ADMIN_PASSWORD",
    "UNIONLINE_TEST_DATABASE_URL",
    "UNIONLINE_TEST_REDIS_URL",
}

S = TypeVar("S", bound=msgspec.Struct)


class ServerSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    public_url: str = ""  # how members' browsers and providers reach us, e.g. https://union.example
    # Cookies (session, CSRF) carry ``Secure``, so browsers send them over HTTPS only.
    # Unset: on when public_url is https. Set false only for plain-HTTP test setups.
    secure_cookies: bool | None = None
    # HTTP requests one process serves at once; past it, 503 with Retry-After at once (health
    # checks exempt, websockets not counted). 0: no bound. See unionline.admission.
    max_concurrent_requests: Annotated[int, msgspec.Meta(ge=0)] = 64

    @property
    def cookies_secure(self) -> bool:
        if self.secure_cookies is not None:
            return self.secure_cookies
        return self.public_url.strip().lower().startswith("https://")


class JobSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    max_attempts: int = 8
    backoff_base: float = 2.0  # seconds before the second attempt; doubles each time
    backoff_max: float = 3600.0
    # A claim not renewed for this long is taken up again (its worker crashed). A running job
    # renews it every lease_seconds / 3, so the lease bounds how long a dead worker's jobs wait.
    lease_seconds: Annotated[float, msgspec.Meta(gt=0)] = 30.0
    poll_interval: float = 1.0
    concurrency: int = 8
    executor: Literal["auto", "inprocess", "arq"] = "auto"  # auto: arq when redis_url is set
    # Redis key prefix of the arq queue; deployments sharing one Redis database need their own.
    queue: str = "unionline:jobs"
    keep_done_days: Annotated[float, msgspec.Meta(gt=0)] = 7.0  # finished jobs purged after this


class RealtimeSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    history: int = 1000  # events kept by the bus backend for late subscribers
    subscriber_backlog: int = 1000  # per-subscriber queue bound; a slower consumer is dropped


class LogSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    level: str = "INFO"
    format: Literal["text", "json"] = "text"


class Settings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Core settings. Plugin sections are added as extra fields by :func:`settings_type`."""

    secret_key: str
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    plugins: list[str] = msgspec.field(default_factory=list)
    # Optional plugins an administrator may switch on or off in the console (stored choices,
    # applied at each process's start); None: every installed one, []: none (the file decides).
    plugins_allowed: list[str] | None = None
    language: Literal["ru", "en"] = "ru"
    timezone: str = "Europe/Moscow"
    # Argon2id cost of operators' passwords. "fast-insecure" is for test suites only (see
    # docs/testing.md): it makes stolen hashes cheap to crack.
    password_hashing: Literal["standard", "fast-insecure"] = "standard"
    server: ServerSettings = msgspec.field(default_factory=ServerSettings)
    jobs: JobSettings = msgspec.field(default_factory=JobSettings)
    realtime: RealtimeSettings = msgspec.field(default_factory=RealtimeSettings)
    log: LogSettings = msgspec.field(default_factory=LogSettings)

    def section(self, name: str, kind: type[S]) -> S:
        """Return the decoded section a plugin registered under ``name``."""
        value = getattr(self, name, None)
        if not isinstance(value, kind):
            raise KeyError(f"settings section {name!r} is not registered")
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite:")


CORE_KEYS = frozenset(Settings.__struct_fields__)


class RawConfig(msgspec.Struct):
    """Merged, undecoded configuration with the source of every key (for error messages)."""

    data: dict[str, Any]
    sources: dict[str, str]  # "server.port" -> "unionline.toml" or "UNIONLINE_SERVER__PORT"
    path: Path | None

    @property
    def plugins(self) -> list[str]:
        value = self.data.get("plugins", [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{self.source_of('plugins')}: plugins: expected a list of names")
        return value

    @property
    def plugins_allowed(self) -> list[str] | None:
        value = self.data.get("plugins_allowed")
        if value is not None and (
            not isinstance(value, list) or not all(isinstance(v, str) for v in value)
        ):
            where = self.source_of("plugins_allowed")
            raise ConfigError(f"{where}: plugins_allowed: expected a list of names")
        return value

    def source_of(self, key: str) -> str:
        parts = key.split(".")
        for end in range(len(parts), 0, -1):
            found = self.sources.get(".".join(parts[:end]))
            if found:
                return found
        if self.path:
            return str(self.path)
        # No file was read: say where one was looked for, so the fix is obvious.
        return f"no config file ({Path.cwd() / DEFAULT_CONFIG} does not exist)"


def config_path(explicit: str | os.PathLike[str] | None, env: Mapping[str, str]) -> Path | None:
    """The config file to read: ``--config``, then ``UNIONLINE_CONFIG``, then ./unionline.toml."""
    chosen = explicit or env.get("UNIONLINE_CONFIG")
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found")
        return path
    default = Path(DEFAULT_CONFIG)
    return default if default.is_file() else None


def read_config(
    explicit: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> RawConfig:
    """Read the TOML file and apply ``UNIONLINE_<SECTION>__<KEY>`` overrides on top."""
    env = os.environ if env is None else env
    path = config_path(explicit, env)
    data: dict[str, Any] = {}
    sources: dict[str, str] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        _record_sources(data, str(path), "", sources)
    for name, value in sorted(env.items()):
        if name.startswith(ENV_PREFIX) and name not in RESERVED_ENV:
            _apply_env(name, value, data, sources)
    return RawConfig(data=data, sources=sources, path=path)


def _record_sources(data: dict[str, Any], source: str, prefix: str, out: dict[str, str]) -> None:
    for key, value in data.items():
        out[prefix + key] = source
        if isinstance(value, dict):
            _record_sources(value, source, f"{prefix}{key}.", out)


def _apply_env(name: str, value: str, data: dict[str, Any], sources: dict[str, str]) -> None:
    path = [p.lower() for p in name[len(ENV_PREFIX) :].split("__")]
    if not all(re.fullmatch(r"[a-z0-9_]+", p) for p in path):
        raise ConfigError(f"{name} (environment): not a valid setting name")
    target = data
    for part in path[:-1]:
        target = target.setdefault(part, {})
        if not isinstance(target, dict):
            raise ConfigError(f"{name} (environment): {part} is not a section")
    target[path[-1]] = _env_value(path, value)
    sources[".".join(path)] = f"{name} (environment)"


def _env_value(path: list[str], value: str) -> Any:
    # Lists come as comma-separated names (UNIONLINE_PLUGINS=mail,telegram) or as a TOML array.
    if value.startswith("["):
        try:
            return tomllib.loads(f"v = {value}")["v"]
        except tomllib.TOMLDecodeError:
            return value
    if path in (["plugins"], ["plugins_allowed"]):
        return [p.strip() for p in value.split(",") if p.strip()]
    return value


def settings_type(sections: Mapping[str, type[msgspec.Struct]]) -> type[Settings]:
    """The Settings Struct extended with one field per registered plugin section."""
    if not sections:
        return Settings
    fields = [(name, kind, msgspec.field(default_factory=kind)) for name, kind in sections.items()]
    return msgspec.defstruct(  # type: ignore[return-value]
        "Settings", fields, bases=(Settings,), forbid_unknown_fields=True, kw_only=True
    )


def decode_settings(
    raw: RawConfig,
    sections: Mapping[str, type[msgspec.Struct]] | None = None,
    ignore: frozenset[str] = frozenset(),
) -> Settings:
    """Decode ``raw`` into Settings; ``ignore`` names sections of installed, disabled plugins."""
    kind = settings_type(sections or {})
    data = {k: v for k, v in raw.data.items() if k not in ignore}
    try:
        return msgspec.convert(data, type=kind, strict=False)
    except msgspec.ValidationError as exc:
        raise ConfigError(_explain(exc, raw)) from None


_PATH = re.compile(r" - at `\$((?:\.[A-Za-z0-9_]+|\[\d+\])*)`$")


def _explain(exc: msgspec.ValidationError, raw: RawConfig) -> str:
    text = str(exc)
    match = _PATH.search(text)
    where = match.group(1).lstrip(".").replace("[", ".").replace("]", "") if match else ""
    reason = text[: match.start()] if match else text
    unknown = re.match(r"Object contains unknown field `(.+)`", reason)
    missing = re.match(r"Object missing required field `(.+)`", reason)
    if unknown:
        key = ".".join(filter(None, [where, unknown.group(1)]))
        return f"{raw.source_of(key)}: {key}: unknown setting"
    if missing:
        key = ".".join(filter(None, [where, missing.group(1)]))
        hint = (
            " (run `unionline init` to write a config with one here, or name an existing one"
            " with --config FILE or UNIONLINE_CONFIG)"
            if key == "secret_key"
            else ""
        )
        return f"{raw.source_of(key)}: {key}: required setting is missing{hint}"
    return f"{raw.source_of(where)}: {where or 'config'}: {reason[0].lower()}{reason[1:]}"


def new_secret_key() -> str:
    return secrets.token_urlsafe(48)


STARTER = """\
# Unionline configuration. Every key can be overridden by the environment:
# UNIONLINE_<SECTION>__<KEY>, e.g. UNIONLINE_SERVER__PORT=9000; UNIONLINE_PLUGINS=web,telegram.
# Reference: docs/configuration.md

# Signs CSRF tokens and encrypts channel secrets at rest. Keep it secret: changing it makes
# stored channel secrets (bot tokens, mailbox passwords) unreadable.
secret_key = "{secret_key}"

# SQLite file by default (no services needed). For production:
# database_url = "postgresql://unionline@127.0.0.1:5432/unionline"
database_url = "sqlite:///unionline.sqlite3"

# Set to use arq workers (`unionline worker`) and Redis pub/sub between web processes.
# redis_url = "redis://127.0.0.1:6379/0"

# Optional plugins to enable, by name (`unionline plugins` lists what is installed), e.g.
# the channels "web", "webform", "telegram", "vk", "mail", "phone" (cloud PBX or the built-in
# SIP agent), "sms". "satisfaction": the members' 1–5 ratings of resolved appeals, asked by a
# robot rule (docs/satisfaction.md). "meetings": video calls on Jitsi Meet, BigBlueButton or a
# fixed link, set up under [meetings] or in the console (docs/meetings.md). "campaigns":
# mailings to members under a consent register, with one-click unsubscribe
# (docs/campaigns.md). "tasks", "knowledge" (the knowledge base), "docflow" (documents and
# approval routes), "timekeeping" (the workday, absences, the T-13 sheet), "reports".
plugins = ["satisfaction"]
# An administrator may switch installed plugins on or off in the console (Администрирование →
# Плагины); the choice applies at each process's next start. Limit what the console may switch:
# plugins_allowed = ["telegram", "vk", "mail"]      # [] : only this file decides

language = "ru"            # console and widgets default language: ru or en
timezone = "Europe/Moscow"

[server]
host = "127.0.0.1"
port = 8000
workers = 1

[jobs]
max_attempts = 8           # then the job is a dead letter (`unionline jobs --failed`)
backoff_base = 2.0         # seconds; doubles each attempt, with jitter
backoff_max = 3600.0

[log]
level = "INFO"
format = "text"            # or "json"
"""


def starter_config() -> str:
    return STARTER.format(secret_key=new_secret_key())
