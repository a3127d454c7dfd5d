"""The write-first dialog in a real Chromium at 390 px: a refusal that names a field (422) is
said under that field of the dialog, not in a toast behind it — here the channel account was
switched off while the dialog stood open (``channel_account_id``), so «Куда» says to choose
another; the dialog stays open with the text typed."""

from __future__ import annotations

from axe_support import serious_violations
from conftest import Login
from console_support import Site, fits
from playwright.async_api import expect

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


async def test_a_refused_account_is_said_under_where_to(site: Site, login: Login) -> None:
    page = await login(site.a, **PHONE)
    await page.evaluate(
        "async (id) => (await import('/console/static/components/new-conversation.js'))"
        ".newConversation(id)",
        site.member_id,
    )
    dialog = page.locator("dialog.new-conversation")
    await dialog.locator("textarea[name=text]").fill("Здравствуйте! Перерасчёт сделан.")
    await site.api("POST", f"/api/channel-accounts/{site.account_id}/disable")
    await dialog.get_by_role("button", name="Отправить").click()
    via = dialog.locator("[data-field=channel_account_id]")
    await expect(via.locator(".field-error")).to_have_text(
        "Через этот канал сейчас не написать — выберите другой или откройте окно заново"
    )
    await expect(via.locator("select")).to_be_focused()
    await expect(page.locator(".toast")).to_have_count(0)
    await expect(dialog.locator("textarea[name=text]")).to_have_value(
        "Здравствуйте! Перерасчёт сделан."
    )
    assert await serious_violations(page, "dialog.new-conversation") == []
    assert await fits(page)
    assert page.console_errors == []
