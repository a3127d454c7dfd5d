"""Console pages and settings forms registered through ``register_console_assets``: what the
registrar accepts and refuses (naming the plugin), and which pages ``/console/pages.json`` lists
to whom (the permission; federation-wide pages only for federation-wide holders)."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path
from typing import Annotated, Any

import msgspec
import pytest

from unionline import hookimpl
from unionline.errors import PluginError
from unionline.registry import (
    ConsoleAssetsRegistrar,
    ConsolePage,
    FieldLabel,
    Permission,
    PermissionsRegistrar,
    Registry,
    SettingsForm,
)
from unionline.settings import Settings
from unionline.testing.support import running_app


def page(**changes: Any) -> ConsolePage:
    base = ConsolePage(
        id="lines",
        section="admin",
        title_ru="Линии",
        title_en="Lines",
        permission="demo.manage",
        element="demo-lines",
        module="lines.js",
    )
    return dataclasses.replace(base, **changes)


class DemoSettings(msgspec.Struct, kw_only=True):
    greeting: Annotated[str, msgspec.Meta(title="Приветствие")] = "Здравствуйте"
    token: str = ""
    workers: int = 2


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "lines.js").write_text("// page\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a module\n", encoding="utf-8")
    return tmp_path


def registrar(plugin: str = "demo") -> ConsoleAssetsRegistrar:
    registry = Registry()
    registry.permissions["demo.manage"] = Permission("demo.manage", "Manage", ("admin",), "demo")
    return ConsoleAssetsRegistrar(registry, plugin)


def test_a_page_and_a_form_are_recorded_with_their_plugin(folder: Path) -> None:
    register = registrar()
    register(folder, None)  # no module imported up front: the folder only serves the page
    register.page(page())
    register.settings(
        SettingsForm(
            kind=DemoSettings,
            title_ru="Демо",
            title_en="Demo",
            labels={"token": FieldLabel("Ключ доступа", "Access key")},
            secrets=frozenset({"token"}),
            restart=frozenset({"workers"}),
        )
    )
    registry = register.registry
    assert registry.console_assets[0].entry is None
    assert registry.console_pages["lines"].plugin == "demo"
    form = registry.settings_forms["demo"]  # the id defaults to the plugin's name
    assert form.plugin == "demo" and form.secrets == {"token"} and form.restart == {"workers"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"permission": "nobody.has"}, "unknown permission 'nobody.has'"),
        ({"element": "queues"}, "is not a custom element name"),
        ({"module": "../outside.js"}, "is not an ES module of"),
        ({"module": "notes.txt"}, "is not an ES module of"),
        ({"section": "elsewhere"}, "section must be one of"),
        ({"id": "Очереди"}, "page id 'Очереди' must be"),
        ({"title_en": " "}, "title_ru and title_en are required"),
    ],
)
def test_a_bad_page_names_the_plugin(folder: Path, changes: dict[str, Any], message: str) -> None:
    register = registrar()
    register(folder, None)
    with pytest.raises(PluginError) as error:
        register.page(page(**changes))
    assert error.value.plugin == "demo" and message in str(error.value)


def test_a_page_needs_the_folder_first_and_a_unique_id(folder: Path) -> None:
    register = registrar()
    with pytest.raises(PluginError, match="register\\(directory\\) the console folder first"):
        register.page(page())
    register(folder, None)
    register.page(page())
    other = ConsoleAssetsRegistrar(register.registry, "other")
    other(folder, None)
    with pytest.raises(PluginError, match="'lines' is already registered by plugin 'demo'"):
        other.page(page())


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"labels": {"nope": FieldLabel("Нет")}}, "labels names no field: ['nope']"),
        ({"secrets": frozenset({"workers"})}, "secret 'workers' must be a str"),
        ({"restart": frozenset({"later"})}, "restart names no field: ['later']"),
        ({"kind": dict}, "is not a msgspec.Struct"),
    ],
)
def test_a_bad_settings_form_names_the_plugin(changes: dict[str, Any], message: str) -> None:
    form = dataclasses.replace(
        SettingsForm(kind=DemoSettings, title_ru="Демо", title_en="Demo"), **changes
    )
    with pytest.raises(PluginError) as error:
        registrar().settings(form)
    assert error.value.plugin == "demo" and message in str(error.value)


# -- /console/pages.json ---------------------------------------------------------------------


class PagesPlugin:
    """A work page for operators and an admin page for admins of any subtree."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @hookimpl
    def register_permissions(self, register: PermissionsRegistrar) -> None:
        register("demo.manage", "Manage the demo", ("admin",))

    @hookimpl
    def register_console_assets(self, register: ConsoleAssetsRegistrar) -> None:
        register(self.folder, None)
        register.page(page(order=5))
        register.page(
            page(id="people", section="work", permission="members.read", element="demo-people")
        )


async def test_pages_are_listed_to_those_who_may_open_them(
    unionline_settings: Settings, folder: Path
) -> None:
    plugins = {"demo": PagesPlugin(folder)}
    async with running_app(unionline_settings, migrate=True, extra_plugins=plugins) as h:
        org = await h.client.post(
            "/api/organizations/", json={"name": "ППО", "code": "PPO"}, headers=h.admin_headers
        )
        org_id = uuid.UUID(org.json()["id"])
        _, local_admin = await h.create_operator("local", "admin", org_id)
        _, operator = await h.create_operator("anna", "operator", org_id)

        async def listed(token: str | None) -> list[tuple[str, str]]:
            headers = {"Authorization": f"Bearer {token}"} if token else h.admin_headers
            response = await h.client.get("/console/pages.json", headers=headers)
            assert response.status_code == 200, response.text
            return [(p["section"], p["id"]) for p in response.json()]

        everything = await listed(None)
        assert ("admin", "lines") in everything and ("admin", "settings") in everything
        assert everything.index(("admin", "lines")) < everything.index(("admin", "settings"))
        # The settings page is federation-wide: an admin of one organization does not get it.
        assert ("admin", "settings") not in await listed(local_admin)
        assert ("admin", "lines") in await listed(local_admin)
        # The core's «Контакты» (members.read) and the demo's work page.
        assert sorted(await listed(operator)) == [("work", "contacts"), ("work", "people")]

        queues = next(
            p
            for p in (await h.client.get("/console/pages.json", headers=h.admin_headers)).json()
            if p["id"] == "lines"
        )
        assert queues == {
            "id": "lines",
            "section": "admin",
            "plugin": "demo",
            "title": {"ru": "Линии", "en": "Lines"},
            "element": "demo-lines",
            "url": "/console/plugins/demo/lines.js",
            "order": 5,
        }
        module = await h.client.get(queues["url"], headers=h.admin_headers)
        assert module.status_code == 200 and module.text == "// page\n"
        # A folder registered without an entry adds nothing to what the console imports up front.
        assets = (await h.client.get("/console/plugins.json", headers=h.admin_headers)).json()
        assert "demo" not in [a["plugin"] for a in assets]
        assert (await h.client.get("/console/pages.json")).status_code == 401
