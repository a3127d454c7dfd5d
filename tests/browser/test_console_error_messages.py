"""Server errors reach the operator in the console's language, never as the server's English
message: a refused tag (under the tags), and a claim of an appeal a colleague holds, in Russian
and in English."""

from __future__ import annotations

import re

from conftest import Login
from console_support import Site, open_appeal
from playwright.async_api import expect

# Words of the server's own messages ("at most 100 characters", "is assigned to another operator").
ENGLISH_SERVER_TEXT = re.compile(r"Expected|length|another operator|assigned to|permission")


async def test_errors_are_said_in_the_operators_language(site: Site, login: Login) -> None:
    a = await login(site.a)
    await site.inbound("Прошу разъяснить порядок оплаты больничного")
    await a.click("[data-list=unassigned]")
    await open_appeal(a, "оплаты больничного")

    # A tag longer than the server takes: the field is named, in Russian, under the tags (not
    # in a toast), and the tag typed is given back to the input.
    tag = a.locator("input.tag-input")
    await tag.fill("я" * 101)
    await tag.press("Enter")
    tags = a.locator(".controls [data-field=tags]")
    await expect(tags.locator(".field-error")).to_have_text("Проверьте поле «метки»")
    await expect(tag).to_have_value("я" * 101)
    await expect(a.locator(".toast-error")).to_have_count(0)

    # A colleague takes the appeal; A's claim (the "c" shortcut) is refused in words.
    appeal_id = await a.locator("ul-appeal-view").get_attribute("appeal-id")
    await site.api("POST", f"/api/appeals/{appeal_id}/assign", json={"operator_id": site.b.id})
    await expect(a.locator(".assignee-name")).to_have_text(site.b.name)
    await a.locator(".timeline-scroll").click()  # focus out of any field: shortcuts apply
    await a.keyboard.press("c")
    await expect(
        a.locator(".toast-error", has_text="Обращение уже у другого оператора")
    ).to_be_visible()

    # The same in English.
    await a.click(".topbar [data-lang=en]")
    await a.locator(".timeline-scroll").click()
    await a.keyboard.press("c")
    await expect(
        a.locator(".toast-error", has_text="Another operator has this appeal")
    ).to_be_visible()
    for text in await a.locator(".toast").all_text_contents():
        assert not ENGLISH_SERVER_TEXT.search(text), text
    assert a.console_errors == []


async def test_every_code_has_words_and_unknown_ones_say_so(site: Site, login: Login) -> None:
    """The console's table covers the codes the server sends (tests/test_console_errors.py
    proves that from the source); a code it does not know still gets a sentence."""
    page = await login(site.a)
    said = await page.evaluate(
        """async () => {
            const m = await import('/console/static/js/errors.js');
            const say = (code, field, extra) =>
                m.errorText({ code, field, extra, message: 'SERVER TEXT', status: 500 });
            return {
                unknown: say('brand_new'),
                transition: say('conflict', 'status', { status: 'closed', allowed: [] }),
                missing: say('not_found', 'appeal_id'),
                recipients: say('invalid', 'recipients'),
                holidays: say('invalid', 'holidays[2]'),
                all: m.KNOWN_CODES.map((code) => say(code)),
            };
        }"""
    )
    assert said["unknown"] == "Не получилось выполнить действие (код brand_new)"
    assert said["transition"] == "Из статуса «Закрыто» сюда перевести нельзя"
    assert said["missing"] == "Не найдено: обращение"
    # fields of the plugins' forms are named too (a report's mailing, a queue's days off)
    assert said["recipients"] == "Проверьте поле «получатели»"
    assert said["holidays"] == "Проверьте поле «выходные дни»"
    assert all("SERVER TEXT" not in text and text for text in said["all"])
