"""Saving a list filter in a real Chromium at 390 px: the server's refusals are said at the
filter's inputs, not in a toast — the 51st filter under «Сохранить как» (it said «Уже занято:
название», as if the name were taken), a tag longer than 200 characters under «Метка»."""

from __future__ import annotations

from axe_support import serious_violations
from conftest import Login
from console_support import Operator, Site, fits
from playwright.async_api import expect

ADMIN = Operator("", "admin", "")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


async def test_a_refused_filter_is_said_at_its_inputs(site: Site, login: Login) -> None:
    for n in range(50):
        body = {"name": f"Фильтр {n}", "query": {"tag": f"t{n}"}}
        await site.api("POST", "/api/saved-filters/", json=body)
    page = await login(ADMIN, **PHONE)
    panel = page.locator("details.filter-panel")
    await panel.locator("summary").click()
    form = panel.locator("form.filter-form")
    await form.locator("input[name=f-name]").fill("Срочные")
    await form.locator("button.filter-save").click()
    name = form.locator("[data-field=name]")
    await expect(name.locator(".field-error")).to_have_text(
        "Сохранено уже 50 фильтров — удалите ненужный, чтобы сохранить новый"
    )
    await expect(name.locator("input")).to_be_focused()
    await form.locator("input[name=f-name]").fill("Фильтр 1")  # the same name: saved over it
    await form.locator("input[name=f-tag]").fill("я" * 201)
    await form.locator("button.filter-save").click()
    tag = form.locator("[data-field='query.tag']")
    await expect(tag.locator(".field-error")).to_have_text("Проверьте поле «метка»")
    await expect(name.locator(".field-error")).to_have_text("")
    await expect(page.locator(".toast")).to_have_count(0)
    assert await serious_violations(page, "details.filter-panel") == []
    assert await fits(page)
    assert page.console_errors == []
