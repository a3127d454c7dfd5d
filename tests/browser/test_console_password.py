"""An operator changes their own password in the console («Пароль» in the header), at phone
width in Chromium: a new password too short and a wrong current one are each said at their
input, in Russian, with the server's minimum; the right ones change it, and it signs in."""

from __future__ import annotations

import httpx
from axe_support import serious_violations
from conftest import Login
from console_support import PASSWORD, Site, fits
from playwright.async_api import expect

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


async def test_an_operator_changes_their_password_and_is_told_what_is_wrong(
    site: Site, login: Login
) -> None:
    page = await login(site.a, **PHONE)
    await page.get_by_role("button", name="Пароль", exact=True).click()
    dialog = page.get_by_role("dialog", name="Смена пароля")
    current = dialog.get_by_label("Текущий пароль")
    fresh = dialog.get_by_label("Новый пароль")
    await expect(current).to_be_focused()

    async def refused(field: str, text: str) -> None:
        await dialog.get_by_role("button", name="Сменить пароль").click()
        await expect(dialog.locator(f"[data-field={field}] .field-error")).to_have_text(text)
        await expect(dialog.locator(f"[name={field}]")).to_be_focused()

    await current.fill(PASSWORD)
    await fresh.fill("1234567")
    await refused("new_password", "Пароль слишком короткий: нужно не меньше 8 символов")
    assert await fits(page)
    assert await serious_violations(page) == []
    await current.fill("not-my-password")
    await fresh.fill("new-password-42")
    await refused("current_password", "Текущий пароль введён неверно")
    await current.fill(PASSWORD)
    await dialog.get_by_role("button", name="Сменить пароль").click()
    await expect(page.locator(".toast")).to_contain_text("Пароль изменён")
    await expect(dialog).to_have_count(0)
    async with httpx.AsyncClient(base_url=site.base) as client:
        body = {"login": site.a.login, "password": "new-password-42"}
        assert (await client.post("/api/auth/login", json=body)).status_code == 200
    assert page.console_errors == []
