"""«Отменить» of a campaign in a real Chromium, at 390 px: the button asks first («Отменить
рассылку? …», a named alert dialog, axe clean) and nothing is cancelled until «Отменить
рассылку» is pressed (the page made the question and never showed it: the button did
nothing at all)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from axe_support import serious_violations
from conftest import Login
from console_support import Site, fits
from playwright.async_api import expect

pytestmark = pytest.mark.unionline_plugins("campaigns")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


async def _scheduled(site: Site) -> str:
    made = await site.api("POST", "/api/campaigns/", json={
        "organization_id": site.organization_id, "name": "Собрание 12 декабря",
        "channel_order": ["email"], "accounts": {"email": str(site.account_id)},
        "variants": {"email": {"subject": "Собрание профкома", "text": "Ждём вас 12 декабря."}},
    })  # fmt: skip
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat(timespec="minutes")
    await site.api("POST", f"/api/campaigns/{made['id']}/schedule", json={"at": tomorrow})
    return str(made["id"])


async def test_cancelling_a_campaign_asks_first(site: Site, login: Login) -> None:
    campaign = await _scheduled(site)
    status = f"/api/campaigns/{campaign}"
    page = await login(site.b, **PHONE)
    await page.goto(f"{site.base}/console#/work/campaigns/{campaign}")
    view = page.locator("ul-campaigns-page")
    await expect(view.locator(".cmp-status")).to_have_text("Запланирована")
    cancel = view.get_by_role("button", name="Отменить", exact=True)
    await cancel.click()
    box = view.get_by_role(
        "alertdialog", name="Отменить рассылку? Неотправленные сообщения не уйдут."
    )
    await expect(box).to_be_visible()
    await expect(box.get_by_role("button", name="Отменить рассылку")).to_be_focused()
    await expect(cancel).to_have_attribute("aria-expanded", "true")
    assert (await site.api("GET", status))["status"] == "scheduled"
    assert await serious_violations(page) == []
    assert await fits(page)
    await box.get_by_role("button", name="Отмена").click()
    await expect(box).to_have_count(0)
    await expect(cancel).to_be_focused()
    assert (await site.api("GET", status))["status"] == "scheduled"

    await cancel.click()
    await box.get_by_role("button", name="Отменить рассылку").click()
    await expect(view.locator(".cmp-status")).to_have_text("Отменена")
    await expect(box).to_have_count(0)
    assert (await site.api("GET", status))["status"] == "cancelled"
    assert page.console_errors == []
