"""The core's admin pages in a real Chromium, as a federation administrator uses them with the
browser only: two organizations (one under the other, renamed, moved, a third archived), an
operator scoped to one of them with a role, an API token issued (shown once, working) and
revoked; the operator then signs in and sees only their organization. The same pages at
390 × 844: nothing sticks out sideways, tap targets are at least 44 px. Screenshots of each
admin page go to ``var/artifacts/admin/`` (or ``UNIONLINE_ADMIN_SCREENSHOTS``); docs/admin.md
shows them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import Login
from console_support import PASSWORD, Operator, Site, console_module, fits
from playwright.async_api import expect

ROOT = Path(__file__).resolve().parents[2]
ADMIN = Operator("", "admin", "")
PHONE = {"width": 390, "height": 844}
# Every control of the pages that a finger must hit, with its rendered height (px).
SMALL_TARGETS = """() => [...document.querySelectorAll(
  '.pages-host button, .pages-host select, .pages-host input:not([type=checkbox]), ' +
  '.pages-host a.button, .subnav a, .pages-host summary, .pages-host .check')]
  .filter((el) => el.offsetParent !== null)
  .map((el) => [el.className || el.tagName, Math.round(el.getBoundingClientRect().height)])
  .filter(([, height]) => height < 44)"""


@pytest.fixture
def admin_shots() -> Path:
    folder = Path(
        os.environ.get("UNIONLINE_ADMIN_SCREENSHOTS") or ROOT / "var" / "artifacts" / "admin"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def org_form(page: Any, name: str, code: str, kind: str | None = None) -> Any:
    form = page.locator("form.org-form").first
    await form.locator("[name=name]").fill(name)
    await form.locator("[name=code]").fill(code)
    if kind:
        await form.locator("[name=kind]").select_option(kind)
    return form


async def snap(page: Any, path: Path) -> None:
    """The whole page as one picture: on a wide screen the console scrolls inside its content
    column, so the viewport grows to the content's height for the shot (toasts hidden)."""
    size = page.viewport_size
    height = await page.evaluate(
        "Math.max(document.documentElement.scrollHeight,"
        " document.querySelector('.content').scrollHeight + 90)"
    )
    hide = await page.add_style_tag(content="#toasts { display: none !important; }")
    await page.evaluate("document.querySelector('.content').scrollTop = 0; window.scrollTo(0, 0)")
    await page.set_viewport_size(
        {"width": size["width"], "height": min(max(height, size["height"]), 8000)}
    )
    await page.screenshot(path=path, full_page=True)
    await page.set_viewport_size(size)
    await hide.evaluate("(el) => el.remove()")


def card(page: Any, code: str) -> Any:
    return page.locator(f"li.org[data-code={code}]")


async def test_an_administrator_sets_up_the_federation_in_the_browser(
    site: Site, login: Login, admin_shots: Path
) -> None:
    page = await login(ADMIN)
    await page.click("nav.views a.admin-link")
    await expect(page.locator("ul-pages nav.subnav a.active")).to_have_text("Организации")
    zavod = card(page, "ZAVOD")
    # The seeded organization: one member, one appeal (still new), two operators.
    await expect(zavod.locator(".org-members")).to_have_text("Членов профсоюза: 1")
    await expect(zavod.locator(".org-appeals")).to_have_text("Обращений: 1, в работе: 1")
    await expect(zavod.locator(".org-operators")).to_have_text("Операторов: 2")

    # A committee at the top level, a primary organization under it.
    await page.click("button.new-org")
    form = await org_form(page, "Северный комитет", "NORTH", "committee")
    await form.locator("[name=parent_id]").select_option("")
    await form.locator("button.submit").click()
    await expect(card(page, "NORTH")).to_be_visible()
    await card(page, "NORTH").locator("button.child").click()
    form = await org_form(page, "ППО депо", "ZAVOD")  # a code that is taken
    await form.locator("button.submit").click()
    await expect(form.locator("[data-field=code] .field-error")).to_have_text(
        "Этот код уже занят другой организацией"
    )
    await form.locator("[name=code]").fill("DEPO")
    await form.locator("button.submit").click()
    depo = card(page, "DEPO")
    await expect(depo).to_have_attribute("data-depth", "1")

    await depo.locator("button.edit").click()
    await depo.locator("form.org-form [name=name]").fill("ППО локомотивного депо")
    await depo.locator("form.org-form button.submit").click()
    await expect(depo.locator(".org-name")).to_have_text("ППО локомотивного депо")

    # A third organization: moved with its subtree, then archived.
    await expect(zavod.locator("button.move")).to_have_count(0)  # a root has nowhere to move
    await page.click("button.new-org")
    form = await org_form(page, "Временная организация", "TMP", "primary")
    await form.locator("[name=parent_id]").select_option(label="Северный комитет (NORTH)")
    await form.locator("button.submit").click()
    tmp = card(page, "TMP")
    await tmp.locator("button.move").click()
    await tmp.locator("form.org-form-move [name=parent_id]").select_option(
        label="Первичная профорганизация завода (ZAVOD)"
    )
    await tmp.locator("form.org-form-move button.submit").click()
    await expect(tmp).to_have_attribute("data-depth", "1")
    await tmp.locator("button.archive").click()
    await tmp.locator(".confirm button.confirm-yes").click()
    await expect(tmp).to_have_count(0)
    await page.click("label.show-archived input")
    await expect(card(page, "TMP").locator(".chip.off")).to_have_text("В архиве")
    await page.click("label.show-archived input")
    await snap(page, admin_shots / "organizations.png")

    # An operator over the depot only, as an operator.
    await page.click("ul-pages nav.subnav a[data-page=operators]")
    await page.click("button.new-operator")
    create = page.locator("form.operator-create")
    await create.locator("[name=login]").fill("vera")
    await create.locator("[name=name]").fill("Вера Лебедева")
    await create.locator("[name=password]").fill("short")
    await create.locator("[name=role]").select_option("operator")
    await expect(create.locator(".role-explainer")).to_contain_text(
        "Отвечать членам профсоюза и писать внутренние заметки"
    )
    await create.locator("[name=organization_id]").select_option(label="· ППО локомотивного депо")
    await create.locator("button.submit").click()
    short = "Пароль слишком короткий: нужно не меньше 8 символов"
    await expect(create.locator("[data-field=password] .field-error")).to_have_text(short)
    await expect(create.locator("[name=password]")).to_be_focused()
    await create.locator("[name=password]").fill(PASSWORD)
    await create.locator("button.submit").click()
    await expect(page.locator(".operator-head h2")).to_have_text("Вера Лебедева")
    reset = page.locator("form.password-form")
    await reset.locator("[name=new_password]").fill("1234567")
    await reset.locator("button.submit").click()
    await expect(reset.locator("[data-field=new_password] .field-error")).to_have_text(short)
    await expect(page.locator("li.grant .card-title")).to_have_text(
        "Оператор — ППО локомотивного депо"
    )

    # A token with one permission: shown once, it works; revoked, it stops.
    tokens = page.locator("form.token-form")
    await tokens.locator("button.submit").click()
    await expect(tokens.locator("[data-field=name] .field-error")).not_to_be_empty()
    await tokens.locator("[name=name]").fill("Выгрузка в 1С")
    await tokens.locator("button.submit").click()
    await expect(tokens.locator("[data-field=scopes] .field-error")).to_have_text(
        "Отметьте хотя бы одно право"
    )
    await tokens.locator("[data-scope='appeals.read']").check()
    await tokens.locator("button.submit").click()
    raw = await page.locator(".token-once .token-value").text_content()
    assert raw and len(raw) > 20
    async with httpx.AsyncClient(base_url=site.base) as client:
        bearer = {"Authorization": f"Bearer {raw}"}
        assert (await client.get("/api/appeals/", headers=bearer)).status_code == 200
        token_card = page.locator("li.token", has_text="Выгрузка в 1С")
        await expect(token_card.locator(".token-scopes")).to_have_text(
            "Видеть обращения, их историю и искать по ним"
        )
        await snap(page, admin_shots / "operator.png")
        await token_card.locator("button.revoke-token").click()
        await expect(token_card.locator(".chip.off")).to_have_text("Отозван")
        await expect(page.locator(".token-once")).to_have_count(0)
        assert (await client.get("/api/appeals/", headers=bearer)).status_code == 401

    await page.click("a.back")
    await expect(page.locator("li.operator[data-login=vera] .grant")).to_have_text(
        "Оператор — ППО локомотивного депо"
    )
    await page.locator("details.roles-help summary").click()
    await snap(page, admin_shots / "operators.png")
    await page.click("ul-pages nav.subnav a[data-page=plugins]")
    await expect(
        page.locator("li.plugin[data-plugin='core.admin'] [data-adds=pages]")
    ).to_contain_text("Организации, Операторы, Плагины")
    await snap(page, admin_shots / "plugins.png")
    await page.click("ul-pages nav.subnav a[data-page=settings]")
    await expect(page.locator("ul-admin-settings h2")).to_have_text("Настройки")
    await snap(page, admin_shots / "settings.png")
    assert page.console_errors == [] and page.dialogs == []

    # The new operator signs in and sees only the depot.
    vera = await login(Operator("", "vera", "Вера Лебедева"))
    await expect(vera.locator("nav.views a.admin-link")).to_have_count(0)
    visible = await console_module(
        vera, "api", "(await m.get('/api/organizations/')).map((o) => o.code)"
    )
    assert visible == ["DEPO"]
    await vera.click("[data-list=all]")
    await expect(vera.locator(".appeal-row")).to_have_count(0)  # the factory's appeal is not hers


async def test_admin_pages_at_phone_width(site: Site, login: Login, admin_shots: Path) -> None:
    page = await login(ADMIN, viewport=PHONE, is_mobile=True, has_touch=True)
    await page.evaluate("location.hash = '#/admin/organizations'")
    await expect(card(page, "ZAVOD")).to_be_visible()
    await page.click("button.new-org")
    form = await org_form(page, "Южный комитет", "SOUTH", "committee")
    await form.locator("[name=parent_id]").select_option("")
    await form.locator("button.submit").click()
    await card(page, "SOUTH").locator("button.child").click()
    await expect(card(page, "SOUTH").locator("form.org-form")).to_be_visible()
    assert await fits(page)
    assert await page.evaluate(SMALL_TARGETS) == []
    await snap(page, admin_shots / "organizations-390.png")

    for name in ("operators", "plugins", "settings"):
        await page.evaluate(f"location.hash = '#/admin/{name}'")
        await expect(
            page.locator(f"ul-pages nav.subnav a[data-page={name}].active")
        ).to_be_visible()
        await expect(page.locator("ul-pages .page-body h2")).to_be_visible()
        if name == "operators":
            await page.click("button.new-operator")
            await expect(page.locator("form.operator-create")).to_be_visible()
        assert await fits(page), name
        assert await page.evaluate(SMALL_TARGETS) == [], name
        await snap(page, admin_shots / f"{name}-390.png")
    operator = await console_module(
        page, "api", "(await m.get('/api/operators/', {q: 'anna'})).items[0].id"
    )
    await page.evaluate(f"location.hash = '#/admin/operators/{operator}'")
    await expect(page.locator(".operator-head h2")).to_have_text("Анна Орлова")
    assert await fits(page)
    assert await page.evaluate(SMALL_TARGETS) == []
    await snap(page, admin_shots / "operator-390.png")
    assert page.console_errors == []
