"""Settings forms (``register.settings``) on both engines: the form the console draws, saving
with the plugin's Struct as the judge (422 naming the field), secrets write-only and encrypted,
restart fields, what the plugin reads (``unionline.read_settings``), and who may do it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
import pytest
import pytest_asyncio

import unionline
from unionline import NotReady, hookimpl
from unionline.plugin_settings.services import STARTED
from unionline.registry import (
    ConsoleAssetsRegistrar,
    FieldLabel,
    SettingsForm,
    SettingsRegistrar,
)
from unionline.settings import settings_type
from unionline.testing import AppHarness
from unionline.testing.support import make_settings, running_app

FORM = "/api/settings/forms/greeter"


class GreeterSettings(msgspec.Struct, kw_only=True):
    greeting: Annotated[
        str, msgspec.Meta(title="Приветствие", description="Первая фраза ответа", max_length=200)
    ] = "Здравствуйте"
    limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 10
    api_key: str = ""
    workers: int = 2
    channels: list[str] = msgspec.field(default_factory=list)


class SignupSettings(msgspec.Struct, kw_only=True):
    endpoint: str  # no default: the plugin cannot run until an administrator fills it in


class Greeter:
    @hookimpl
    def register_settings(self, register: SettingsRegistrar) -> None:
        register("greeter", GreeterSettings)  # the same Struct in the config file

    @hookimpl
    def register_console_assets(self, register: ConsoleAssetsRegistrar) -> None:
        register.settings(
            SettingsForm(
                kind=GreeterSettings,
                title_ru="Приветствия",
                title_en="Greetings",
                labels={"limit": FieldLabel("Лимит в час", "Hourly limit", help_ru="От 1 до 100")},
                secrets=frozenset({"api_key"}),
                restart=frozenset({"workers"}),
            )
        )
        register.settings(
            SettingsForm(id="signup", kind=SignupSettings, title_ru="Запись", title_en="Signup")
        )


@pytest_asyncio.fixture
async def app(unionline_database_url: str) -> AsyncIterator[AppHarness]:
    # As if the config file had [greeter] greeting = "Добрый день".
    data = {**msgspec.to_builtins(make_settings(unionline_database_url))}
    data["greeter"] = {"greeting": "Добрый день"}
    settings = msgspec.convert(data, settings_type({"greeter": GreeterSettings}))
    async with running_app(settings, migrate=True, extra_plugins={"greeter": Greeter()}) as h:
        yield h


async def put(h: AppHarness, values: dict[str, Any], headers: Any = None) -> Any:
    return await h.client.put(FORM, json={"values": values}, headers=headers or h.admin_headers)


async def test_the_form_is_described_for_the_console(app: AppHarness) -> None:
    form = (await app.client.get(FORM, headers=app.admin_headers)).json()
    assert form["title"] == {"ru": "Приветствия", "en": "Greetings"}
    fields = {f["name"]: f for f in form["fields"]}
    # Labels: the label map first, then the field's msgspec title/description, then its name.
    assert fields["limit"]["label"] == {"ru": "Лимит в час", "en": "Hourly limit"}
    assert fields["limit"]["help"]["ru"] == "От 1 до 100"
    assert fields["greeting"]["label"]["ru"] == "Приветствие"
    assert fields["greeting"]["help"]["ru"] == "Первая фраза ответа"
    assert fields["workers"]["label"] == {"ru": "workers", "en": "Workers"}
    assert fields["limit"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "default": 10,
    }
    assert fields["api_key"]["secret"] and fields["workers"]["restart"]
    # Defaults, then the config file's section: the file said "Добрый день".
    assert form["values"]["greeting"] == "Добрый день" and form["values"]["limit"] == 10
    assert "api_key" not in form["values"] and form["secrets_set"] == []
    assert form["saved"] is False and form["restart_pending"] is False
    listed = (await app.client.get("/api/settings/forms", headers=app.admin_headers)).json()
    assert [f["id"] for f in listed] == ["greeter", "signup"]


async def test_saving_is_judged_by_the_struct(app: AppHarness) -> None:
    too_big = await put(app, {"limit": 1000})
    assert too_big.status_code == 422, too_big.text
    error = too_big.json()["error"]
    assert error["field"] == "values.limit" and error["extra"] == {"problem": "invalid"}
    wrong_type = await put(app, {"channels": "telegram"})
    assert wrong_type.json()["error"]["field"] == "values.channels"
    unknown = await put(app, {"colour": "red"})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "values.colour"
    body = await app.client.put(FORM, json={"values": {}, "extra": 1}, headers=app.admin_headers)
    assert body.status_code == 400  # the request body itself is typed

    saved = await put(app, {"limit": 20, "channels": ["telegram", "vk"]})
    assert saved.status_code == 200, saved.text
    answer = saved.json()
    assert answer["changed"] == ["channels", "limit"] and answer["restart_needed"] is False
    assert answer["form"]["values"]["limit"] == 20 and answer["form"]["saved"] is True
    assert (await unionline_read(app)).limit == 20
    again = (await put(app, {"limit": 20})).json()
    assert again["changed"] == []


async def unionline_read(app: AppHarness) -> GreeterSettings:
    return await unionline.read_settings(GreeterSettings)


async def test_secrets_are_write_only_and_encrypted(app: AppHarness) -> None:
    saved = (await put(app, {"api_key": "s3cr3t-value"})).json()
    assert saved["changed"] == ["api_key"]
    assert saved["form"]["secrets_set"] == ["api_key"] and "api_key" not in saved["form"]["values"]
    shown = (await app.client.get(FORM, headers=app.admin_headers)).text
    assert "s3cr3t-value" not in shown
    rows = await app.runtime.db.fetch("SELECT * FROM plugin_settings_form")
    assert rows and "s3cr3t-value" not in repr(rows)
    assert (await unionline_read(app)).api_key == "s3cr3t-value"
    # Left out (or null), the secret stays; an empty string clears it.
    await put(app, {"greeting": "Привет", "api_key": None})
    settings = await unionline_read(app)
    assert settings.api_key == "s3cr3t-value" and settings.greeting == "Привет"
    cleared = (await put(app, {"api_key": ""})).json()
    assert cleared["form"]["secrets_set"] == [] and (await unionline_read(app)).api_key == ""


async def test_a_restart_field_says_so_until_the_restart(app: AppHarness) -> None:
    answer = (await put(app, {"workers": 4})).json()
    assert answer["restart_needed"] is True and answer["form"]["restart_pending"] is True
    logged = await app.runtime.db.fetch(
        "SELECT payload FROM system_event WHERE type = {}", "settings.changed"
    )
    assert [msgspec.json.decode(r["payload"])["fields"] for r in logged] == [["workers"]]
    # A process that started after the change has it in effect: nothing is pending there.
    app.runtime.state[STARTED] = datetime.now(UTC)
    form = (await app.client.get(FORM, headers=app.admin_headers)).json()
    assert form["restart_pending"] is False and form["values"]["workers"] == 4
    assert (await unionline_read(app)).workers == 4


async def test_a_form_without_defaults_is_not_ready_until_filled_in(app: AppHarness) -> None:
    with pytest.raises(NotReady, match="'signup' are not filled in"):
        await unionline.read_settings(SignupSettings)
    form = (await app.client.get("/api/settings/forms/signup", headers=app.admin_headers)).json()
    assert form["fields"][0]["required"] is True
    missing = await app.client.put(
        "/api/settings/forms/signup", json={"values": {}}, headers=app.admin_headers
    )
    assert missing.status_code == 422
    assert missing.json()["error"] == {
        "code": "invalid",
        "message": "Object missing required field `endpoint`",
        "field": "values.endpoint",
        "extra": {"problem": "missing"},
    }
    filled = await app.client.put(
        "/api/settings/forms/signup",
        json={"values": {"endpoint": "https://example.org/signup"}},
        headers=app.admin_headers,
    )
    assert filled.status_code == 200, filled.text
    assert (await unionline.read_settings(SignupSettings)).endpoint == "https://example.org/signup"


async def test_only_federation_wide_administrators_see_settings(app: AppHarness) -> None:
    org = await app.client.post(
        "/api/organizations/", json={"name": "ППО", "code": "PPO"}, headers=app.admin_headers
    )
    org_id = uuid.UUID(org.json()["id"])
    for login, role in (("local-admin", "admin"), ("anna", "operator")):
        _, token = await app.create_operator(login, role, org_id)
        headers = {"Authorization": f"Bearer {token}"}
        assert (await app.client.get("/api/settings/forms", headers=headers)).status_code == 403
        assert (await app.client.get(FORM, headers=headers)).status_code == 403
        assert (await put(app, {"limit": 5}, headers)).status_code == 403
    assert (await unionline_read(app)).limit == 10
    nothing = await app.client.get("/api/settings/forms/nope", headers=app.admin_headers)
    assert nothing.status_code == 404 and nothing.json()["error"]["field"] == "form_id"
