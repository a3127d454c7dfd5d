"""«Шаблоны ответов» (#14 item 1) in a real Chromium: a supervisor writes a shared reply with a
variable on the page (the preview fills it), and an operator of that organization inserts it
into a reply with "/" — the variable filled with the member's name."""

from __future__ import annotations

from conftest import Login
from console_support import Site
from playwright.async_api import expect


async def test_a_supervisor_shares_a_reply_an_operator_inserts_it(site: Site, login: Login) -> None:
    boss = await login(site.b)  # Борис Ким, supervisor of ZAVOD
    await boss.click("nav.views a.admin-link")
    await boss.locator("ul-pages nav.subnav a", has_text="Шаблоны ответов").click()
    await boss.click("ul-admin-canned button.new-canned")
    form = boss.locator("ul-admin-canned form.canned-form-new")
    await form.locator("[name=key]").fill("взносы")
    await form.locator("[name=title]").fill("О взносах")
    await form.locator("[name=text]").fill(
        "Здравствуйте, {{имя}}! Взносы можно уточнить в бухгалтерии."
    )
    await expect(form.locator(".canned-preview")).to_have_text(
        "Здравствуйте, Соколова Мария Ивановна! Взносы можно уточнить в бухгалтерии."
    )
    await form.locator("button.submit").click()
    await expect(boss.locator(".toast").last).to_have_text("Шаблон /взносы создан")
    await expect(boss.locator("ul-admin-canned li.canned[data-key=взносы]")).to_have_count(1)

    await site.inbound("Сколько платить взносов?")
    anna = await login(site.a)
    await anna.click("[data-list=unassigned]")
    await anna.locator(".appeal-row", has_text="взносов").first.click()
    await expect(anna.locator("ul-appeal-view .timeline")).to_be_visible()
    await anna.keyboard.press("c")  # claim
    await expect(anna.locator(".assignee-name")).to_have_text(site.a.name)
    box = anna.locator("textarea.composer-text")
    await anna.keyboard.press("r")
    await expect(box).to_be_focused()
    await anna.keyboard.type("/взн")
    await expect(anna.locator(".popup li.active")).to_contain_text("/взносы")
    await anna.keyboard.press("Enter")
    await expect(box).to_have_value(
        "Здравствуйте, Соколова Мария Ивановна! Взносы можно уточнить в бухгалтерии."
    )
    assert anna.console_errors == [] and boss.console_errors == []
