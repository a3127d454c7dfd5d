"""Settings: a TOML file plus ``UNIONLINE_*`` overrides, plugin sections, and the one-line
errors (exit status 2, no traceback) that name the key and where it came from."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import msgspec
import pytest
from cli_runner import one_error_line, run_cli
from hypothesis import given
from hypothesis import strategies as st

from unionline import hookimpl, runtime
from unionline.errors import ConfigError
from unionline.registry import SettingsRegistrar
from unionline.settings import Settings, decode_settings, read_config


@pytest.fixture(autouse=True)
def _elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's ./unionline.toml must not leak into these tests.
    monkeypatch.chdir(tmp_path)


def config(tmp_path: Path, text: str, name: str = "unionline.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path | None, env: dict[str, str] | None = None) -> Settings:
    return decode_settings(read_config(path, env or {}))


class DemoSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    limit: int = 3
    title: str = "Профсоюз"


class DemoPlugin:
    @hookimpl
    def register_settings(self, register: SettingsRegistrar) -> None:
        register("demo", DemoSettings)


def load_with_demo(path: Path | None, env: dict[str, str] | None = None) -> Settings:
    settings, _, _ = runtime.load(path, env or {}, extra_plugins={"demo": DemoPlugin()})
    return settings


# -- the file and the environment ---------------------------------------------------------


def test_file_values_and_defaults(tmp_path: Path) -> None:
    path = config(tmp_path, 'secret_key = "s"\nlanguage = "en"\n[server]\nport = 8080\n')
    settings = load(path)
    assert (settings.secret_key, settings.language, settings.server.port) == ("s", "en", 8080)
    assert settings.server.host == "127.0.0.1"  # untouched keys keep their defaults
    assert settings.database_url == "sqlite:///unionline.sqlite3" and settings.is_sqlite


def test_environment_overrides_the_file_and_is_typed(tmp_path: Path) -> None:
    path = config(tmp_path, 'secret_key = "s"\n[server]\nport = 8080\n[jobs]\nmax_attempts = 2\n')
    env = {
        "UNIONLINE_SERVER__PORT": "9000",
        "UNIONLINE_JOBS__BACKOFF_BASE": "0.5",
        "UNIONLINE_PLUGINS": "a, b",
        "UNIONLINE_REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    settings = load(path, env)
    assert settings.server.port == 9000 and isinstance(settings.server.port, int)
    assert settings.jobs.backoff_base == 0.5
    assert settings.jobs.max_attempts == 2  # from the file, not overridden
    assert settings.plugins == ["a", "b"]
    assert settings.redis_url == "redis://127.0.0.1:6379/0"


def test_plugins_from_env_as_toml_array_and_secret_from_env(tmp_path: Path) -> None:
    env = {"UNIONLINE_PLUGINS": '["mail", "telegram"]', "UNIONLINE_SECRET_KEY": "from-env"}
    settings = load(None, env)
    assert settings.plugins == ["mail", "telegram"]
    assert settings.secret_key == "from-env"


def test_config_file_from_unionline_config(tmp_path: Path) -> None:
    path = config(tmp_path, 'secret_key = "chosen"\n', name="elsewhere.toml")
    raw = read_config(None, {"UNIONLINE_CONFIG": str(path)})
    assert raw.path == path and decode_settings(raw).secret_key == "chosen"


@given(port=st.integers(min_value=1, max_value=65535))
def test_any_port_from_the_environment_is_an_int(port: int) -> None:
    settings = load(None, {"UNIONLINE_SECRET_KEY": "s", "UNIONLINE_SERVER__PORT": str(port)})
    assert settings.server.port == port


# -- plugin sections ----------------------------------------------------------------------


def test_plugin_section_defaults_file_and_env(tmp_path: Path) -> None:
    assert (
        load_with_demo(None, {"UNIONLINE_SECRET_KEY": "s"}).section("demo", DemoSettings)
        == DemoSettings()
    )
    path = config(tmp_path, 'secret_key = "s"\n[demo]\nlimit = 7\ntitle = "Федерация"\n')
    assert load_with_demo(path).section("demo", DemoSettings) == DemoSettings(
        limit=7, title="Федерация"
    )
    demo = load_with_demo(path, {"UNIONLINE_DEMO__LIMIT": "11"}).section("demo", DemoSettings)
    assert demo.limit == 11


def test_plugin_section_errors_name_the_key(tmp_path: Path) -> None:
    path = config(tmp_path, 'secret_key = "s"\n[demo]\nlimt = 7\n', name="demo.toml")
    with pytest.raises(ConfigError) as unknown:
        load_with_demo(path)
    assert str(unknown.value) == f"{path}: demo.limt: unknown setting"
    with pytest.raises(ConfigError) as wrong:
        load_with_demo(None, {"UNIONLINE_SECRET_KEY": "s", "UNIONLINE_DEMO__LIMIT": "many"})
    assert str(wrong.value).startswith("UNIONLINE_DEMO__LIMIT (environment): demo.limit: ")


def test_section_of_an_installed_but_disabled_plugin_is_accepted(tmp_path: Path) -> None:
    # [hello] belongs to the example plugin (installed, not enabled): kept for when it is.
    path = config(tmp_path, 'secret_key = "s"\n[hello]\ngreeting = "Добрый день"\n')
    settings, _, _ = runtime.load(path, {})
    assert not hasattr(settings, "hello")
    with pytest.raises(ConfigError, match=r"nothello: unknown setting"):
        runtime.load(config(tmp_path, 'secret_key = "s"\n[nothello]\nx = 1\n', "b.toml"), {})


# -- errors, in process --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('secret_key = "s"\ncolour = "red"\n', "colour: unknown setting"),
        ('secret_key = "s"\n[server]\nprot = 1\n', "server.prot: unknown setting"),
        ('secret_key = "s"\n[server]\nport = "abc"\n', "server.port: expected `int`, got `str`"),
        ('secret_key = "s"\nlanguage = "fr"\n', "language: invalid enum value 'fr'"),
        ('secret_key = "s"\nplugins = [1]\n', "plugins: expected a list of names"),
        ("[server]\nport = 1\n", "secret_key: required setting is missing"),
        ('secret_key = "s"\n[server\n', "not valid TOML"),
    ],
)
def test_errors_are_one_line_naming_key_and_file(tmp_path: Path, text: str, expected: str) -> None:
    path = config(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        runtime.load(path, {})
    message = str(error.value)
    assert message.startswith(f"{path}: ") and expected in message
    assert "\n" not in message


# -- errors through the command line --------------------------------------------------------

CLI_ERRORS = [
    ('secret_key = "s"\ncolour = "red"\n', {}, "{file}: colour: unknown setting"),
    ('secret_key = "s"\n[server]\nport = "abc"\n', {}, "{file}: server.port: expected `int`"),
    ("[server]\nport = 1\n", {}, "{file}: secret_key: required setting is missing"),
    (
        'secret_key = "s"\n',
        {"UNIONLINE_SERVER__PORT": "nine"},
        "UNIONLINE_SERVER__PORT (environment): server.port: expected `int`",
    ),
    ('secret_key = "s"\n', {"UNIONLINE_SERVER__PROT": "1"}, "(environment): server.prot: unknown"),
]


@pytest.mark.parametrize("command", ["plugins", "run"])
@pytest.mark.parametrize(("text", "env", "expected"), CLI_ERRORS)
def test_cli_stops_with_status_2_and_one_line(
    tmp_path: Path, command: str, text: str, env: dict[str, str], expected: str
) -> None:
    path = config(tmp_path, text)
    line = one_error_line(run_cli("--config", str(path), command, cwd=tmp_path, env=env))
    assert expected.format(file=path) in line
    assert line.startswith("unionline: ")


def test_cli_reads_unionline_toml_in_the_working_directory(tmp_path: Path) -> None:
    config(tmp_path, 'secret_key = "s"\nunknown_thing = 1\n')
    line = one_error_line(run_cli("plugins", cwd=tmp_path))
    assert line == "unionline: unionline.toml: unknown_thing: unknown setting"


def test_cli_names_a_missing_config_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    line = one_error_line(run_cli("--config", str(missing), "plugins", cwd=tmp_path))
    assert line == f"unionline: {missing}: config file not found"


# -- unionline init --------------------------------------------------------------------------


def test_init_writes_a_commented_starter_with_a_fresh_secret(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    for folder in (first, second):
        result = run_cli("init", cwd=folder)
        assert result.returncode == 0, result.stderr
    texts = [(f / "unionline.toml").read_text(encoding="utf-8") for f in (first, second)]
    keys = [tomllib.loads(t)["secret_key"] for t in texts]
    assert keys[0] != keys[1] and all(len(k) >= 32 for k in keys)
    assert sum(line.lstrip().startswith("#") for line in texts[0].splitlines()) >= 5
    mode = stat.S_IMODE(os.stat(first / "unionline.toml").st_mode)
    assert mode == 0o600  # it holds the secret key

    settings = load(first / "unionline.toml")  # loads cleanly, as written
    assert settings.secret_key == keys[0]
    assert settings.plugins == ["satisfaction"]  # the optional plugins enabled from the start
    listed = run_cli("plugins", cwd=first)  # and the CLI starts on it
    assert listed.returncode == 0, listed.stderr
    assert "core.system" in listed.stdout and "satisfaction" in listed.stdout


def test_init_does_not_overwrite_without_force(tmp_path: Path) -> None:
    assert run_cli("init", cwd=tmp_path).returncode == 0
    before = (tmp_path / "unionline.toml").read_text(encoding="utf-8")
    line = one_error_line(run_cli("init", cwd=tmp_path))
    assert "already exists" in line
    assert (tmp_path / "unionline.toml").read_text(encoding="utf-8") == before
    assert run_cli("init", "--force", cwd=tmp_path).returncode == 0
    assert (tmp_path / "unionline.toml").read_text(encoding="utf-8") != before


@pytest.mark.parametrize("command", ["demo", "migrate"])
def test_without_a_config_file_the_command_says_which_file_it_needs(
    tmp_path: Path, command: str
) -> None:
    line = one_error_line(run_cli(command, cwd=tmp_path))
    assert f"no config file ({tmp_path / 'unionline.toml'} does not exist)" in line
    assert "unionline init" in line and "--config FILE" in line and "UNIONLINE_CONFIG" in line


def test_secret_key_has_no_default() -> None:
    with pytest.raises(ConfigError, match="secret_key: required setting is missing"):
        load(None, {})


# -- the reference ----------------------------------------------------------------------------


def core_keys(kind: type[msgspec.Struct] = Settings, prefix: str = "") -> list[str]:
    keys = []
    for field in msgspec.structs.fields(kind):
        if isinstance(field.type, type) and issubclass(field.type, msgspec.Struct):
            keys += core_keys(field.type, f"{prefix}{field.name}.")
        else:
            keys.append(prefix + field.name)
    return keys


def test_every_core_key_is_in_the_configuration_reference() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "configuration.md").read_text(
        encoding="utf-8"
    )
    keys = core_keys()
    assert "server.port" in keys and "secret_key" in keys
    missing = [key for key in keys if f"| `{key}` |" not in doc]
    assert missing == [], f"document these in docs/configuration.md: {missing}"
