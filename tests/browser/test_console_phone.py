"""The console at phone width (390 × 844): the list fits the screen, the reply box of an open
appeal stays on screen however long the timeline, and every control is a tap target of at
least 44 × 44 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import Login
from console_support import Site, fits, open_appeal
from playwright.async_api import expect

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LONG = "Вопрос с телефона: как вступить в профсоюз, если я работаю по договору подряда? " * 4
TAP = 44

# Every control an operator taps; text links inside messages are not controls.
SMALL_TARGETS = """(min) => [...document.querySelectorAll(
    'button, a[href], select, input, textarea, [role=tab]')]
  .filter((e) => e.offsetParent !== null && !e.closest('.timeline'))
  .filter((e) => getComputedStyle(e).visibility !== 'hidden')
  .map((e) => { const r = e.getBoundingClientRect();
    return { what: e.outerHTML.slice(0, 80), w: Math.round(r.width), h: Math.round(r.height) }; })
  .filter((x) => x.w < min || x.h < min)"""


async def small_targets(page: Any) -> list[dict[str, Any]]:
    return list(await page.evaluate(SMALL_TARGETS, TAP))


async def width_of(page: Any, selector: str) -> float:
    return float(
        await page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().width")
    )


async def test_list_fits_and_reply_box_stays_on_screen(
    site: Site, login: Login, shots: Path
) -> None:
    await site.inbound(LONG)
    page = await login(site.a, **PHONE)
    await page.click("[data-list=unassigned]")
    await expect(page.locator(".appeal-row", has_text="договору подряда")).to_be_visible()
    # The list column is the screen's width, not its longest row's (it was 643+ px).
    assert await width_of(page, ".sidebar") <= 390
    assert await width_of(page, ".appeal-row") <= 390
    assert await fits(page)
    assert await small_targets(page) == []
    await page.screenshot(path=shots / "phone-list.png")

    await open_appeal(page, "договору подряда")
    for n in range(12):  # a timeline much taller than the screen
        await site.inbound(f"Дополнение {n}: прикладываю сведения о стаже и справку с работы.")
    await expect(page.locator(".timeline .message-in", has_text="Дополнение 11")).to_be_visible()
    await page.evaluate("window.scrollTo(0, 0)")
    box = page.locator("textarea.composer-text")
    await expect(box).to_be_in_viewport()
    await page.evaluate("window.scrollTo(0, document.querySelector('.timeline').offsetTop + 400)")
    await expect(box).to_be_in_viewport()
    assert await fits(page)
    assert await small_targets(page) == []
    await page.screenshot(path=shots / "phone-appeal.png")
    await page.click("button.claim")
    await page.fill("textarea.composer-text", "Ответ с телефона")
    await page.click("button.send")
    await expect(
        page.locator(".timeline .message-out", has_text="Ответ с телефона")
    ).to_be_visible()
    assert page.console_errors == []
