"""The console's one SMS counter (js/sms.js) where operators write besides the reply box, in a
real browser: the campaign editor's SMS message and «Написать заявителю…» count parts at the
account's own limit (here two parts: the reference channel standing in for an SMS gateway),
Cyrillic in UCS-2 and Latin in GSM 7-bit, and over it say in Russian how much fits — the
server refuses such a message (variants.sms.text, shown at the field; text). The editor
passes the accessibility gate with the warning shown, also at phone width (390 px)."""

from __future__ import annotations

import re
from typing import Any

import msgspec
import pytest
from axe_support import serious_violations
from conftest import Login
from console_support import Site, open_appeal
from playwright.async_api import expect

from unionline.channel import Capabilities
from unionline.channel.reference import ReferenceChannel

pytestmark = pytest.mark.unionline_plugins("campaigns")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
OVER = (
    "Для этого подключения не больше 2 SMS — это 134 симв. кириллицей или 306 латиницей:"
    " сократите сообщение"
)


REFUSED = "Текст занимает 3 SMS (кириллица), а для этого подключения разрешено не больше 2"


@pytest.fixture(autouse=True)
def two_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reference account as an SMS account of two parts: its limit, and its refusal past
    134 characters (the SMS channel's own sentence begins so)."""

    def capabilities(self: Any, account: Any) -> Capabilities:
        return msgspec.structs.replace(self.capabilities, sms_segments=2, max_text_length=134)

    def refusal(self: Any, account: Any, message: Any) -> str:
        return REFUSED if len(message.text) > 134 else ""

    monkeypatch.setattr(ReferenceChannel, "account_capabilities", capabilities)
    monkeypatch.setattr(ReferenceChannel, "message_refusal", refusal)


async def gate(page: Any, where: str) -> None:
    found = await serious_violations(page)
    assert found == [], f"{where}:\n" + "\n".join(found)


async def _sms_editor(site: Site, page: Any) -> Any:
    await page.goto(f"{site.base}/console#/work/campaigns")
    await page.get_by_role("link", name="Новая рассылка").click()
    editor = page.locator("form.cmp-editor")
    await editor.locator("input[data-order=sms]").check()
    return editor.locator("section.cmp-variant[data-channel=sms]")


async def test_the_campaign_editor_counts_at_the_sms_accounts_limit(
    site: Site, login: Login
) -> None:
    page = await login(site.b)
    sms = await _sms_editor(site, page)
    text, counter = sms.get_by_label("Текст"), sms.locator(".cmp-sms-counter")
    warning = sms.locator(".cmp-sms-over")
    await text.fill("Ж" * 135)
    await expect(counter).to_have_text("3 SMS · 135 симв. (кириллица)")  # no account: no limit
    await expect(warning).to_be_hidden()
    await sms.get_by_label("Аккаунт канала").select_option(str(site.account_id))
    await expect(counter).to_have_text("3 SMS из 2 · 135 симв. (кириллица)")
    await expect(warning).to_have_text(OVER)
    # Saved anyway: the server refuses it, said at the message's text.
    await page.locator("form.cmp-editor").get_by_label("Название").fill("Собрание профкома")
    await page.locator("form.cmp-editor button.cmp-save").click()
    field = sms.locator('[data-field="variants.sms.text"]')
    await expect(field).to_have_class(re.compile(r"\binvalid\b"))
    await expect(field.locator(".field-error")).to_have_text(
        f"Канал не примет это сообщение. {REFUSED}"
    )
    await gate(page, "the campaign editor over the SMS limit")
    await text.fill("Ж" * 134)
    await expect(counter).to_have_text("2 SMS из 2 · 134 симв. (кириллица)")
    await expect(warning).to_be_hidden()
    await text.fill("A" * 306 + "{")  # an escape takes two septets: 308, over 306
    await expect(counter).to_have_text("3 SMS из 2 · 308 симв. (латиница)")
    await text.fill("A" * 306)
    await expect(counter).to_have_text("2 SMS из 2 · 306 симв. (латиница)")

    phone = await login(site.b, **PHONE)
    small = await _sms_editor(site, phone)
    await small.get_by_label("Аккаунт канала").select_option(str(site.account_id))
    await small.get_by_label("Текст").fill("Собрание профкома 12 декабря в 18:00. " * 4)
    await expect(small.locator(".cmp-sms-over")).to_have_text(OVER)
    await gate(phone, "the campaign editor's SMS warning at 390 px")
    assert page.console_errors == [] and phone.console_errors == []


async def test_writing_first_by_sms_counts_at_the_accounts_limit(site: Site, login: Login) -> None:
    said = "Когда будет собрание профкома?"
    await site.inbound(said)
    page = await login(site.a)
    await page.click("[data-list=unassigned]")
    await open_appeal(page, said)
    await page.locator("ul-member-card button.write-first").click()
    dialog = page.locator("dialog.new-conversation")
    counter, warning = dialog.locator(".counter"), dialog.locator(".over-limit")
    text, send = dialog.locator("textarea[name=text]"), dialog.locator("button[type=submit]")
    await text.fill("Ж" * 135)
    await expect(counter).to_have_text("3 SMS из 2 · 135 симв. (кириллица)")
    await expect(warning).to_have_text(OVER)
    await expect(send).to_be_disabled()
    await text.fill("Ж" * 134)
    await expect(counter).to_have_text("2 SMS из 2 · 134 симв. (кириллица)")
    await expect(warning).to_have_text("")
    await expect(send).to_be_enabled()
    await gate(page, "the write-first dialog with its SMS counter")
    assert page.console_errors == []
