"""The reply box's lists ("/" canned replies, @mentions) hold up against what arrives while they
are open: a live redraw of the appeal (here a merge bringing another appeal in) keeps the box,
its caret and the open list, so the next Enter still takes the completion; and a "/" list
opened before the server's replies arrived is redrawn with them, without another key."""

from __future__ import annotations

import asyncio
from typing import Any

from conftest import Login
from console_support import Site, open_appeal
from playwright.async_api import expect


async def _appeal_id(page: Any) -> str:
    return str(await page.locator("ul-appeal-view").get_attribute("appeal-id"))


async def test_a_live_redraw_keeps_the_open_mention_list(site: Site, login: Login) -> None:
    a = await login(site.a)
    await site.inbound("Вопрос о доплате за ночные смены")
    await a.click("[data-list=unassigned]")
    await open_appeal(a, "ночные смены")
    await a.click("[data-mode=note]")
    area = a.locator("textarea.composer-text")
    await area.focus()
    await a.keyboard.type("Глянь, @bor")
    await expect(a.locator(".popup li.active")).to_contain_text("@boris")
    await a.evaluate("document.querySelector('textarea.composer-text').dataset.probe = 'kept'")

    # A supervisor merges the member's earlier phone appeal into this one: the open appeal is
    # loaded again and drawn anew, live, while the list is open.
    target = await _appeal_id(a)
    earlier = await site.api("GET", "/api/appeals/by-member/" + site.member_id)
    phone = next(x for x in earlier["items"] if x["channel"] == "phone")
    await site.api("POST", f"/api/appeals/{phone['id']}/merge", json={"target_id": target})
    await expect(a.locator(".timeline .event", has_text="Объединено")).to_be_visible()

    await expect(a.locator(".popup li.active")).to_contain_text("@boris")
    await expect(area).to_be_focused()
    assert await area.get_attribute("data-probe") == "kept"  # the same box, not a new one
    await a.keyboard.press("Enter")
    await expect(area).to_have_value("Глянь, @boris ")
    assert a.console_errors == []


async def test_a_canned_list_opened_early_is_redrawn_when_the_replies_arrive(
    site: Site, login: Login
) -> None:
    await site.api(
        "POST",
        "/api/canned-replies/",
        json={
            "organization_id": site.organization_id,
            "key": "взносы",
            "title": "О взносах",
            "text": "Взносы уточните в бухгалтерии, {{имя}}.",
        },
    )
    released = asyncio.Event()

    async def held(route: Any) -> None:  # the server's answer is late
        await released.wait()
        await route.continue_()

    a = await login(site.a)
    await a.route(lambda url: "/api/canned-replies" in url, held)
    await site.inbound("Сколько составляют взносы?")
    await a.click("[data-list=unassigned]")
    await open_appeal(a, "составляют взносы")
    area = a.locator("textarea.composer-text")
    await area.focus()
    await a.keyboard.type("/взн")
    popup = a.locator(".popup")
    await expect(popup).to_contain_text("Ничего не найдено")  # only the built-in ones so far

    released.set()
    await expect(popup.locator("li.active")).to_contain_text("/взносы")
    await a.keyboard.press("Enter")
    await expect(area).to_have_value("Взносы уточните в бухгалтерии, Соколова Мария Ивановна.")
    assert a.console_errors == []
