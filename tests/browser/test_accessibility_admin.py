"""The accessibility gate (tests/browser/axe_support.py: nothing critical or serious) over the
admin area — Организации, Операторы (the list with the new-operator form and the roles help, one
operator's page), Каналы (the list, a Telegram account form generated from its schema, an
account's page), Очереди and Шаблоны ответов (with their forms open), Настройки, Плагины and
the robots builder (a condition and an action) — and over «Контакты»: the list, a member's card
and a merge preview; the admin area at 390 × 844 too."""

from __future__ import annotations

from typing import Any

import pytest
from axe_support import serious_violations
from conftest import Login
from console_support import Operator, Site
from playwright.async_api import expect

ADMIN = Operator("", "admin", "")
SUPERVISOR = Operator("", "boris", "Борис Ким")


async def gate(page: Any, where: str) -> None:
    found = await serious_violations(page)
    assert found == [], f"{where}:\n" + "\n".join(found)


async def open_admin(page: Any, name: str, ready: str) -> None:
    await page.evaluate(f"location.hash = '#/admin/{name}'")
    await expect(page.locator(f"ul-pages nav.subnav a[data-page={name}].active")).to_be_visible()
    await expect(page.locator(ready).first).to_be_visible()


@pytest.mark.unionline_plugins("telegram")
async def test_the_admin_pages_pass_the_accessibility_gate(site: Site, login: Login) -> None:
    page = await login(ADMIN)
    await open_admin(page, "organizations", "li.org[data-code=ZAVOD]")
    await page.click("button.new-org")
    await page.locator("li.org[data-code=ZAVOD] button.edit").click()
    await gate(page, "Организации, with the forms open")

    await open_admin(page, "operators", "li.operator[data-login=anna]")
    await page.click("button.new-operator")
    await page.locator("details.roles-help summary").click()
    await gate(page, "Операторы, the new-operator form and the roles")
    await page.locator("li.operator[data-login=anna] a").first.click()
    await expect(page.locator(".operator-head h2")).to_have_text("Анна Орлова")
    await gate(page, "an operator's page")

    await open_admin(page, "channels", "li.admin-card[data-channel=telegram]")
    await gate(page, "Каналы")
    await page.locator("li.admin-card[data-channel=telegram] a.add-account").click()
    await expect(page.locator("form.channel-account-form[data-channel=telegram]")).to_be_visible()
    await page.locator("form.channel-account-form button.save").click()  # errors by the fields
    await expect(page.locator("form.channel-account-form .field-error").first).not_to_be_empty()
    await gate(page, "a new Telegram account, with its errors")
    await page.evaluate(f"location.hash = '#/admin/channels/{site.account_id}'")
    await expect(page.locator("section.channel-setup")).to_be_visible()
    await gate(page, "a channel account's page")

    await open_admin(page, "queues", "ul-admin-queues h2")
    await page.click("ul-admin-queues button.new-queue")
    await page.locator("form.queue-form-new [name=business_hours]").check()
    await gate(page, "Очереди, the new-queue form")

    await open_admin(page, "canned", "ul-admin-canned h2")
    await page.click("ul-admin-canned button.new-canned")
    await page.locator("form.canned-form-new [name=text]").fill("Здравствуйте, {{имя}}!")
    await gate(page, "Шаблоны ответов, the new-reply form")

    await open_admin(page, "settings", "ul-admin-settings h2")
    await gate(page, "Настройки")
    await open_admin(page, "plugins", "li.plugin")
    await gate(page, "Плагины")

    await page.click("nav.views a[href='#/robots']")
    await page.click("button.new-rule")
    form = page.locator("form.rule-form")
    await form.locator("[name=name]").fill("Вопросы о зарплате")
    await form.locator(".builder-conditions button.add-condition").first.click()
    await form.locator("li.condition input.condition-value").first.fill("зарплата")
    await form.locator("li.step select.action-name").first.select_option(label="Добавить метки")
    await form.locator("button.save").click()  # the tags are empty: an error by the field
    error = form.locator("[data-field='actions[0].params.tags'] .field-error")
    await expect(error).not_to_be_empty()
    await gate(page, "the robots builder")
    await form.locator("button.advanced-mode").click()
    await gate(page, "the robots builder, advanced mode")
    assert page.console_errors == []


async def test_contacts_pass_the_accessibility_gate(site: Site, login: Login) -> None:
    await site.api(
        "POST",
        "/api/members/",
        json={
            "organization_id": site.organization_id,
            "full_name": "Соколова М. И.",
            "contacts": [{"kind": "email", "address": "m.sokolova@example.org"}],
        },
    )
    page = await login(SUPERVISOR)
    await page.click("nav a[data-page=contacts]")
    await expect(page.locator("ul-contacts .contact-row")).to_have_count(2)
    await gate(page, "Контакты, the list")
    await page.evaluate(f"location.hash = '#/work/contacts/{site.member_id}'")
    await expect(page.locator("ul-contacts form.contact-card")).to_be_visible()
    await gate(page, "a member's card")
    section = page.locator("ul-contacts .join-merge")
    await section.locator("input[type=search]").fill("m.sokolova@example.org")
    await section.locator("button[type=submit]").click()
    await section.locator("button.join-choose").click()
    await expect(section.locator(".merge-preview")).to_be_visible()
    await gate(page, "a merge preview")
    assert page.console_errors == []


@pytest.mark.unionline_plugins("telegram")
async def test_the_admin_area_at_phone_width_passes_the_gate(site: Site, login: Login) -> None:
    page = await login(
        ADMIN, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    for name, ready in (
        ("organizations", "li.org"),
        ("operators", "li.operator"),
        ("channels", "li.admin-card"),
        ("queues", "ul-admin-queues h2"),
        ("canned", "ul-admin-canned h2"),
    ):
        await open_admin(page, name, ready)
        await gate(page, f"{name} at phone width")
    await page.evaluate("location.hash = '#/work/contacts'")
    await expect(page.locator("ul-contacts .contact-row").first).to_be_visible()
    await gate(page, "Контакты at phone width")
