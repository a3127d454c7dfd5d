"""@mentions with Cyrillic: "@Бор" offers Борис Ким, and "@Анна" typed in full (no completion)
still mentions Анна Орлова — the patterns use Unicode letter classes, not "\\w"."""

from __future__ import annotations

from conftest import Login
from console_support import Site, open_appeal
from playwright.async_api import expect


async def test_cyrillic_mentions(site: Site, login: Login) -> None:
    a = await login(site.a)
    b = await login(site.b)
    await site.inbound("Вопрос про доплату за вредность")
    await a.click("[data-list=unassigned]")
    await open_appeal(a, "доплату за вредность")
    await a.click("[data-mode=note]")
    area = a.locator("textarea.composer-text")
    await area.focus()
    await a.keyboard.type("Посмотри, @Бор")
    option = a.locator(".popup li.active")
    await expect(option).to_contain_text("@boris")
    await expect(option).to_contain_text("Борис Ким")
    await a.keyboard.press("Enter")
    await expect(area).to_have_value("Посмотри, @boris ")
    await a.keyboard.type("это по твоей части")
    await a.keyboard.press("Control+Enter")
    note = a.locator(".timeline .note", has_text="по твоей части")
    await expect(note.locator(".mention")).to_have_text("@boris")
    await expect(b.locator(".toast", has_text="Вас упомянули в заметке")).to_be_visible()

    # A name typed in full, in Cyrillic, without taking the completion, mentions too.
    await b.click("[data-list=all]")
    await open_appeal(b, "доплату за вредность")
    await b.click("[data-mode=note]")
    await b.locator("textarea.composer-text").focus()
    await b.keyboard.type("@Анна")
    await expect(b.locator(".popup li.active")).to_contain_text("Анна Орлова")
    await b.keyboard.press("Escape")
    await b.keyboard.type(", ответь заявителю сегодня.")
    await b.keyboard.press("Control+Enter")
    mine = b.locator(".timeline .note", has_text="ответь заявителю")
    await expect(mine.locator(".mention")).to_have_text("@Анна")
    await expect(a.locator(".toast", has_text="Вас упомянули в заметке")).to_be_visible()
    appeal_id = await a.locator("ul-appeal-view").get_attribute("appeal-id")
    timeline = await site.api("GET", f"/api/appeals/{appeal_id}/timeline")
    notes = [e for e in timeline["items"] if e["kind"] == "note"]
    assert [n["data"]["mentions"] for n in notes] == [[site.b.id], [site.a.id]]
    assert a.console_errors == [] and b.console_errors == []
