"""Plugin pages and settings forms in a real Chromium: the «Администрирование» entry and its
sub-navigation, a page's module loaded when opened (its setup(consoleApi) run first) and told
the rest of the address, words for an unknown page and for a module that fails, and a settings
form generated from a Struct (an error next to its field, a secret kept write-only, a restart
announced)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

import msgspec
import pytest_asyncio
from conftest import Login
from console_support import Operator, Site, running_site
from playwright.async_api import expect

import unionline
from unionline import hookimpl
from unionline.registry import (
    ConsoleAssetsRegistrar,
    ConsolePage,
    FieldLabel,
    PermissionsRegistrar,
    SettingsForm,
)
from unionline.settings import Settings

PAGE_JS = """
let ui;
export function setup(consoleApi) {
  ui = consoleApi;
  ui.strings({ ru: { "demo.page": "Демо-страница" }, en: { "demo.page": "Demo page" } });
}
class DemoPage extends HTMLElement {
  static get observedAttributes() { return ["path"]; }
  connectedCallback() { this.render(); }
  attributeChangedCallback() { this.render(); }
  render() {
    ui.replace(this, ui.h("p", {}, ui.t("demo.page") + ": " + (this.getAttribute("path") || "—")));
  }
}
customElements.define("demo-page", DemoPage);
"""


class DemoSettings(msgspec.Struct, kw_only=True):
    greeting: Annotated[str, msgspec.Meta(title="Приветствие")] = "Здравствуйте"
    limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 10
    mode: str = "auto"
    token: str = ""
    workers: int = 2


class DemoPlugin:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @hookimpl
    def register_permissions(self, register: PermissionsRegistrar) -> None:
        register("demo.manage", "Manage the demo", ("admin",))

    @hookimpl
    def register_console_assets(self, register: ConsoleAssetsRegistrar) -> None:
        register(self.folder, None)
        demo = ConsolePage(
            id="demo",
            section="admin",
            title_ru="Демо",
            title_en="Demo",
            permission="demo.manage",
            element="demo-page",
            module="page.js",
            order=1,
        )
        register.page(demo)
        register.page(
            dataclasses.replace(
                demo,
                id="broken",
                title_ru="Сломанная",
                title_en="Broken",
                element="demo-broken",
                module="broken.js",
                order=2,
            )
        )
        register.settings(
            SettingsForm(
                kind=DemoSettings,
                title_ru="Демо-модуль",
                title_en="Demo module",
                labels={"limit": FieldLabel("Лимит в час", "Hourly limit", help_ru="От 1 до 100")},
                secrets=frozenset({"token"}),
                restart=frozenset({"workers"}),
            )
        )


@pytest_asyncio.fixture(loop_scope="session")
async def site(browser_settings: Settings, tmp_path: Path) -> AsyncIterator[Site]:
    folder = tmp_path / "demo-ui"
    folder.mkdir()
    (folder / "page.js").write_text(PAGE_JS, encoding="utf-8")
    (folder / "broken.js").write_text("export const nothing = 1;\n", encoding="utf-8")
    plugins = {"demo": DemoPlugin(folder)}
    async with running_site(browser_settings, extra_plugins=plugins) as s:
        yield s


ADMIN = Operator("", "admin", "")


async def test_admin_pages_come_from_plugins(site: Site, login: Login) -> None:
    page = await login(ADMIN)
    await page.click("nav.views a.admin-link")
    subnav = page.locator("ul-pages nav.subnav a")
    await expect(subnav.first).to_have_text("Демо")  # the lowest order comes first
    titles = await subnav.all_text_contents()
    assert titles[:2] == ["Демо", "Сломанная"] and "Настройки" in titles
    await expect(page.locator("demo-page")).to_have_text("Демо-страница: —")
    await page.evaluate("location.hash = '#/admin/demo/42/7'")
    await expect(page.locator("demo-page")).to_have_text("Демо-страница: 42/7")

    await page.evaluate("location.hash = '#/admin/nowhere'")
    missing = page.locator("ul-pages .page-missing")
    await expect(missing).to_contain_text("Раздел «nowhere» не найден или недоступен вам")
    await subnav.filter(has_text="Сломанная").click()
    await expect(missing).to_contain_text("Не удалось загрузить раздел «Сломанная»")
    await page.click("ul-pages nav.subnav a[data-page=demo]")
    await expect(page.locator("demo-page")).to_be_visible()
    # English on request: the entry, the sub-navigation and the page's own strings.
    await page.click(".topbar .lang-switch button[data-lang=en]")
    await expect(page.locator("nav.views a.admin-link")).to_have_text("Administration")
    await expect(subnav.first).to_have_text("Demo")
    await page.click("ul-pages nav.subnav a[data-page=settings]")
    await expect(page.locator("ul-admin-settings h2")).to_have_text("Settings")
    await page.click(".topbar .lang-switch button[data-lang=ru]")
    await expect(subnav.first).to_have_text("Демо")
    await page.click("nav.views a[href^='#/mine']")  # back to the appeals
    await expect(page.locator("ul-appeal-list")).to_be_visible()
    assert page.console_errors == []


async def test_an_operator_has_no_administration(site: Site, login: Login) -> None:
    page = await login(site.a)
    await expect(page.locator("nav.views a").first).to_be_visible()
    assert await page.locator("nav.views a.admin-link").count() == 0
    await page.evaluate("location.hash = '#/admin/settings'")
    await expect(page.locator("ul-pages .page-missing")).to_contain_text(
        "Раздел «settings» не найден или недоступен вам"
    )


async def test_a_settings_form_from_a_struct(site: Site, login: Login, shots: Any) -> None:
    page = await login(ADMIN)
    await page.evaluate("location.hash = '#/admin/settings'")
    card = page.locator("ul-admin-settings li.admin-card[data-form=demo]")
    await expect(card).to_contain_text("Демо-модуль")
    await expect(card).to_contain_text("По умолчанию")
    await card.locator("a.button").click()

    form = page.locator("form.settings-form[data-form=demo]")
    await expect(form.locator("[data-field=greeting] label")).to_have_text("Приветствие")
    await expect(form.locator("[data-field=limit] .field-help")).to_contain_text("От 1 до 100")
    await expect(form.locator("[data-field=workers] .field-help")).to_contain_text(
        "после перезапуска"
    )
    token = form.locator("[data-setting=token]")
    assert await token.get_attribute("type") == "password"
    await expect(token).to_have_attribute("placeholder", "Не задано")

    await form.locator("[data-setting=limit]").fill("1000")
    await form.locator("button.save").click()
    error = form.locator("[data-field=limit] .field-error")
    await expect(error).to_have_text("Недопустимое значение")
    await page.screenshot(path=shots / "admin-settings-error.png", full_page=True)

    await form.locator("[data-setting=limit]").fill("20")
    await token.fill("секретный-ключ")
    await form.locator("[data-setting=workers]").fill("4")
    await form.locator("button.save").click()
    await expect(page.locator(".toast").last).to_have_text("Настройки сохранены")
    form = page.locator("form.settings-form[data-form=demo]")
    await expect(form.locator(".restart-pending")).to_contain_text("после перезапуска")
    await expect(form.locator("[data-setting=token]")).to_have_attribute(
        "placeholder", "Задано — оставьте пустым, чтобы не менять"
    )
    await expect(form.locator("[data-setting=token]")).to_have_value("")
    saved = await unionline.read_settings(DemoSettings)
    assert (saved.limit, saved.token, saved.workers) == (20, "секретный-ключ", 4)
    assert "секретный-ключ" not in await page.content()
    assert page.console_errors == []
