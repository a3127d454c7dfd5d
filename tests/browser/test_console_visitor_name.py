"""A web-chat visitor without a name is «Посетитель сайта» in the list, the card and the
timeline; once a message brings a name, the console shows it without a reload."""

from __future__ import annotations

from conftest import Login
from console_support import Site, open_appeal
from playwright.async_api import expect


async def test_a_visitor_is_named_until_known(site: Site, login: Login) -> None:
    page = await login(site.a)
    await page.click("[data-list=unassigned]")
    await site.inbound("Здравствуйте, подскажите часы приёма юриста", sender="555", name="")
    row = page.locator(".appeal-row", has_text="часы приёма юриста")
    await expect(row.locator(".row-member")).to_have_text("Посетитель сайта")
    await open_appeal(page, "часы приёма юриста")
    appeal_id = await page.locator("ul-appeal-view").get_attribute("appeal-id")
    row = page.locator(f".appeal-row[data-id='{appeal_id}']")  # its preview text will change
    await expect(page.locator("ul-member-card .member-name")).to_have_text("Посетитель сайта")
    await expect(page.locator(".timeline .message-in .author").first).to_have_text(
        "Посетитель сайта"
    )

    await site.inbound("Меня зовут Ольга Петрова", sender="555", name="Ольга Петрова")
    await expect(page.locator("ul-member-card .member-name")).to_have_text("Ольга Петрова")
    await expect(row.locator(".row-member")).to_have_text("Ольга Петрова")
    assert page.console_errors == []
