"""The operator console in a real browser: live lists, claim and reply through the reference
channel, a colleague seen as a viewer, live status changes, member text never run as markup,
phone width, English."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from channel_support import PREFIX
from conftest import Login
from console_support import MEMBER_NAME, PASSWORD, Site, fits, open_appeal, wait_for
from playwright.async_api import expect

PAYLOAD = "<img src=x onerror=alert(1)><script>alert(2)</script>"


async def test_live_claim_reply_viewers_and_status(site: Site, login: Login, shots: Path) -> None:
    a = await login(site.a)
    b = await login(site.b)
    await a.click("[data-list=unassigned]")
    await b.click("[data-list=unassigned]")
    await a.evaluate("window.__sameDocument = true")

    # A member writes through the reference channel; both consoles show it without a reload.
    text = "Здравствуйте! Мне не выплатили отпускные за июль."
    await site.inbound(text)
    await expect(a.locator(".appeal-row", has_text=text)).to_be_visible()
    await expect(b.locator(".appeal-row", has_text=text)).to_be_visible()
    assert await a.evaluate("window.__sameDocument === true")  # no reload happened

    await open_appeal(a, text)
    await open_appeal(b, text)
    # Each sees the other as a viewer of the same appeal.
    await expect(b.locator(".presence-line .viewers")).to_contain_text(site.a.name)
    await expect(a.locator(".presence-line .viewers")).to_contain_text(site.b.name)
    # The member card shows every contact point and the earlier appeal on another channel.
    card = a.locator("ul-member-card")
    await expect(card.locator(".member-name")).to_have_text(MEMBER_NAME)
    await expect(card.locator(".contacts li")).to_have_count(3)
    await expect(card.locator(".member-appeals li")).to_have_count(2)
    await expect(card.locator(".member-appeals")).to_contain_text("Звонок: вопрос о премии")

    # A claims: B sees the assignee and the status move to "open" live.
    await a.click("button.claim")
    await expect(a.locator(".assignee-name")).to_have_text(site.a.name)
    await expect(b.locator(".assignee-name")).to_have_text(site.a.name)
    await expect(b.locator(".appeal-head [data-status]").first).to_have_text("В работе")

    # A replies (the counter knows the channel's limit); the reply reaches the channel.
    reply = "Добрый день! Проверим начисление и ответим до пятницы."
    await a.click("[data-mode=reply]")
    await a.fill("textarea.composer-text", reply)
    await expect(a.locator(".counter")).to_have_text(f"{len(reply)} / 4096")
    await a.press("textarea.composer-text", "Control+Enter")
    await expect(a.locator(".timeline .message-out", has_text=reply)).to_be_visible()
    sent = await wait_for(lambda: [s for s in site.sent() if reply in s.text], "the reply sent")
    assert [s.text for s in sent] == [PREFIX + reply]
    mark = a.locator(".message-out .delivery").first
    await expect(mark).to_have_attribute("data-status", re.compile("^(sent|delivered|read)$"))
    # The provider reports it read: A's mark follows live.
    await site.receipt(sent[0].external_id, "read")
    await expect(mark).to_have_attribute("data-status", "read")
    await expect(b.locator(".timeline .message-out", has_text=reply)).to_be_visible()

    # A sets "waiting": B's header and timeline follow without a reload.
    await a.select_option("select[name=status]", "waiting")
    await expect(b.locator(".appeal-head [data-status]").first).to_have_text("Ждём ответа")
    await expect(b.locator(".timeline .event", has_text="В работе → Ждём ответа")).to_be_visible()
    await a.screenshot(path=shots / "console-main.png")
    assert a.console_errors == [] and b.console_errors == []


async def test_member_html_is_shown_as_text_and_never_runs(site: Site, login: Login) -> None:
    a = await login(site.a)
    await a.click("[data-list=unassigned]")
    await site.inbound(PAYLOAD)
    await open_appeal(a, "onerror")
    bubble = a.locator(".timeline .message-in .text").first
    await expect(bubble).to_have_text(PAYLOAD)
    # Literal text, not elements: no image, no script inside the timeline or the list.
    assert await a.locator(".timeline img, .timeline script, ul-appeal-list img").count() == 0
    await expect(a.locator(".appeal-row .row-subject").first).to_contain_text("<script>")
    await asyncio.sleep(0.5)  # give a would-be onerror handler its chance to fire
    assert a.dialogs == []
    assert a.console_errors == []
    # The detector itself works: a real alert is seen.
    await a.evaluate("setTimeout(() => alert('probe'), 0)")
    await wait_for(lambda: a.dialogs, "the probe dialog")
    assert a.dialogs == ["probe"]


async def test_phone_width(site: Site, login: Login, shots: Path) -> None:
    await site.inbound("Вопрос с телефона: как вступить в профсоюз?")
    page = await login(
        site.a, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    await page.click("[data-list=unassigned]")
    row = page.locator(".appeal-row").first
    await expect(row).to_be_visible()
    assert await fits(page)
    await row.locator("a").click()
    # One column: the appeal replaces the list, with a way back.
    await expect(page.locator(".timeline .message-in")).to_be_visible()
    await expect(page.locator("ul-appeal-list")).to_be_hidden()
    await expect(page.locator("textarea.composer-text")).to_be_visible()
    await page.click("button.claim")
    await expect(page.locator(".assignee-name")).to_have_text(site.a.name)
    await page.fill("textarea.composer-text", "Ответ с телефона")
    await page.click("button.send")
    await expect(
        page.locator(".timeline .message-out", has_text="Ответ с телефона")
    ).to_be_visible()
    assert await fits(page)
    await page.screenshot(path=shots / "console-phone.png", full_page=True)
    await page.click("a.back")
    await expect(page.locator("ul-appeal-list")).to_be_visible()
    assert page.console_errors == []


async def test_switch_to_english_persists(site: Site, login: Login) -> None:
    page = await login(site.a)
    await expect(page.locator("[data-list=mine]")).to_contain_text("Мои")
    await page.click(".topbar [data-lang=en]")
    await expect(page.locator("[data-list=mine]")).to_contain_text("Mine")
    await expect(page.locator("[data-list=unassigned]")).to_contain_text("Unassigned")
    await expect(page.locator(".list-search")).to_have_attribute(
        "placeholder", "Search text or number"
    )
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await page.reload()
    await expect(page.locator("[data-list=all]")).to_contain_text("All available")
    await expect(page.locator("button.logout")).to_have_text("Sign out")
    # Every key has both languages.
    missing = await page.evaluate(
        """async () => {
            const { DICTIONARIES } = await import('/console/static/js/i18n.js');
            const ru = Object.keys(DICTIONARIES.ru), en = Object.keys(DICTIONARIES.en);
            return [...ru.filter(k => !en.includes(k)), ...en.filter(k => !ru.includes(k))];
        }"""
    )
    assert missing == []


async def test_sign_out_and_in_as_someone_else(site: Site, login: Login) -> None:
    page = await login(site.a)
    await expect(page.locator(".topbar .me")).to_have_text(site.a.name)
    async with page.expect_response("**/api/auth/logout") as answer:
        await page.click("button.logout")
    assert (await answer.value).status == 204  # the CSRF header was echoed
    await expect(page.locator("form.login-form")).to_be_visible()
    await expect(page.locator(".login-notice")).to_have_count(0)  # one's own sign-out is no news
    assert await page.evaluate("sessionStorage.getItem('ul.lastEventId')") is None
    await page.fill("#login-name", site.b.login)
    await page.fill("#login-password", "wrong-password")
    await page.click("form.login-form button[type=submit]")
    await expect(page.locator(".login-error")).to_have_text("Неверный логин или пароль")
    await page.fill("#login-password", PASSWORD)
    await page.click("form.login-form button[type=submit]")
    await expect(page.locator(".topbar .me")).to_have_text(site.b.name)
    await expect(page.locator(".connection")).to_have_attribute("data-state", "online")
    await expect(page.locator(".topbar a[href='#/supervisor']")).to_be_visible()
    assert page.console_errors == []


async def test_deactivation_shows_the_sign_in_page_at_once(site: Site, login: Login) -> None:
    """The open console's socket is closed with 4401: the sign-in page says the session ended,
    without waiting for a request of the console's own to be refused."""
    page = await login(site.a)
    refused: list[str] = []
    page.on("response", lambda r: refused.append(r.url) if r.status == 401 else None)
    await site.api("POST", f"/api/operators/{site.a.id}/deactivate")
    await expect(page.locator("form.login-form")).to_be_visible()
    await expect(page.locator(".login-notice")).to_have_text("Сеанс завершён. Войдите снова")
    assert refused == []  # the socket's close did it, not a refused REST call
    assert page.console_errors == []
