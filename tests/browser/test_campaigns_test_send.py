"""«Отправить себе» of a campaign in a real Chromium, at 390 px: the channel's refusal of the
test address (422, field ``address``) is said under «Ваш адрес для проверки», in words, not in
a toast; the address the channel takes gets the test message."""

from __future__ import annotations

import pytest
from axe_support import serious_violations
from conftest import Login
from console_support import Site, fits
from playwright.async_api import expect

from unionline.channel import reference

pytestmark = pytest.mark.unionline_plugins("campaigns")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


async def test_a_refused_test_address_is_said_at_its_input(site: Site, login: Login) -> None:
    made = await site.api("POST", "/api/campaigns/", json={
        "organization_id": site.organization_id, "name": "Собрание 12 декабря",
        "channel_order": ["email"], "accounts": {"email": str(site.account_id)},
        "variants": {"email": {"subject": "Собрание профкома", "text": "Ждём вас 12 декабря."}},
    })  # fmt: skip
    page = await login(site.b, **PHONE)
    await page.goto(f"{site.base}/console#/work/campaigns/{made['id']}")
    editor = page.locator("form.cmp-editor")
    address = editor.locator("[data-field=address]")
    await address.get_by_label("Ваш адрес для проверки").fill("ref-me")
    reference.provider(site.account_id).fail_next("permanent")
    await editor.get_by_role("button", name="Отправить себе").click()
    await expect(address.locator(".field-error")).to_have_text(
        "Канал не принял проверочное сообщение на этот адрес — проверьте адрес"
    )
    await expect(address.locator("input")).to_be_focused()
    await expect(page.locator(".toast")).to_have_count(0)
    assert await serious_violations(page, "form.cmp-editor") == []
    assert await fits(page)
    await editor.get_by_role("button", name="Отправить себе").click()
    await expect(page.locator(".toast")).to_contain_text("Проверочное сообщение отправлено")
    await expect(address.locator(".field-error")).to_have_text("")
    assert [m.recipient for m in site.sent()] == ["ref-me"]
    assert page.console_errors == []
