"""The accessibility gate of the console: axe-core (tests/browser/axe_support.py) finds nothing
critical or serious on the sign-in page, the lists (filter open, appeals ticked), an open appeal
with a long timeline, the inbox and the write-first dialog, the supervisor view and the robots
page, in Russian and English and at phone width — and no badge or chip colour of the console
misses the contrast ratio. The widgets' gates are in test_widget_chat.py and test_widget_form.py.
"""

from __future__ import annotations

from typing import Any

from axe_support import serious_violations
from conftest import Login
from console_support import Site, console_module, open_appeal
from playwright.async_api import expect

# Every channel badge and chip the console draws, in one place, for the contrast rule.
SWATCH = """(async () => {
    const format = await import('/console/static/js/format.js');
    const { STATUSES, PRIORITIES } = await import('/console/static/js/vocabulary.js');
    const box = document.createElement('section');
    box.id = 'swatch';
    box.setAttribute('aria-label', 'swatch');
    const now = Date.now(), iso = (ms) => new Date(now + ms).toISOString();
    const sla = (due) => format.slaChip({ status: 'open', first_response_due: iso(due) });
    box.append(
        ...['telegram', 'vk', 'email', 'mail', 'phone', 'web', 'webform', 'reference', 'manual',
            'other'].map((c) => format.channelIcon(c)),
        ...STATUSES.map((s) => format.statusChip(s)),
        ...PRIORITIES.map((p) => format.priorityChip(p)).filter(Boolean),
        sla(5 * 3600e3), sla(20 * 60e3), sla(-3 * 3600e3),
        ...['queued', 'sent', 'delivered', 'read', 'failed', 'unknown']
            .map((s) => format.deliveryMark(s)),
    );
    document.body.append(box);
    return box.children.length;
})()"""


async def gate(page: Any, where: str) -> None:
    found = await serious_violations(page)
    assert found == [], f"{where}:\n" + "\n".join(found)


async def test_the_console_passes_the_accessibility_gate(
    site: Site, login: Login, browser: Any
) -> None:
    guest = await browser.new_page(locale="ru-RU")
    await guest.goto(f"{site.base}/console")
    await expect(guest.locator("form.login-form")).to_be_visible()
    await gate(guest, "sign-in")

    for n in range(14):  # a timeline longer than the screen: its scroller must be reachable
        await site.inbound(f"Вопрос о путёвке, дополнение {n}: " + "подробности " * 12)
    page = await login(site.b)
    await page.click("[data-list=unassigned]")
    await expect(page.locator(".appeal-row").first).to_be_visible()
    await page.locator(".appeal-row input.row-check").first.check()
    await page.locator("details.filter-panel summary").click()
    await expect(page.locator(".bulk-bar")).to_be_visible()
    await gate(page, "lists")

    await open_appeal(page, "дополнение 0")
    await gate(page, "an open appeal")
    await page.click("[data-mode=note]")
    await gate(page, "an open appeal, note")
    await page.locator("ul-inbox button.inbox-button").click()
    await expect(page.locator("dialog.inbox")).to_be_visible()
    await gate(page, "the inbox")
    await page.keyboard.press("Escape")
    await page.locator("ul-member-card button.write-first").click()
    await expect(page.locator("dialog.new-conversation form")).to_be_visible()
    await gate(page, "writing first")
    await page.keyboard.press("Escape")

    await page.click(".topbar a[href='#/supervisor']")
    await expect(page.locator("ul-supervisor table").first).to_be_visible()
    await gate(page, "the supervisor view")
    await page.click(".topbar a[href='#/robots']")
    await expect(page.locator("ul-robots")).to_be_visible()
    await page.wait_for_selector("ul-robots h2")
    await gate(page, "the robots page")
    await page.click(".topbar [data-lang=en]")
    await page.click(".topbar a[href^='#/mine'], .topbar nav a >> nth=0")
    await expect(page.locator("[data-list=mine]")).to_contain_text("Mine")
    await gate(page, "lists in English")

    assert await page.evaluate(SWATCH) > 20
    assert await serious_violations(page, include="#swatch") == []
    assert page.console_errors == []


async def test_the_console_at_phone_width_passes_the_gate(site: Site, login: Login) -> None:
    await site.inbound("Вопрос с телефона о матпомощи")
    page = await login(
        site.a, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    await page.click("[data-list=unassigned]")
    await expect(page.locator(".appeal-row").first).to_be_visible()
    await gate(page, "lists at phone width")
    await open_appeal(page, "о матпомощи")
    await gate(page, "an appeal at phone width")
    assert await console_module(page, "i18n", "m.lang()") == "ru"
