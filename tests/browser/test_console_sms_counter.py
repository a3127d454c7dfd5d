"""The reply counter of an SMS account in a real browser: it counts SMS parts at the account's
own limit (the appeal's ``reply``, here an account of two parts: the reference channel standing
in for an SMS gateway), Cyrillic in UCS-2 and Latin in GSM 7-bit, and over the limit says how
much fits and keeps the send button off — the server would refuse the reply with a 422."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from conftest import Login
from console_support import Site, open_appeal
from playwright.async_api import expect

from unionline.channel import Capabilities
from unionline.channel.reference import ReferenceChannel


async def test_the_counter_follows_the_accounts_sms_part_limit(
    site: Site, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    def two_parts(self: Any, account: Any) -> Capabilities:
        return msgspec.structs.replace(self.capabilities, sms_segments=2, max_text_length=134)

    monkeypatch.setattr(ReferenceChannel, "account_capabilities", two_parts)
    text = "Подскажите, когда собрание профкома?"
    await site.inbound(text)
    page = await login(site.a)
    await page.click("[data-list=unassigned]")
    await open_appeal(page, text)
    await page.click("[data-mode=reply]")
    box, counter = page.locator("textarea.composer-text"), page.locator(".counter")
    send, warning = page.locator("button.send"), page.locator(".over-limit")

    await box.fill("Ж" * 134)
    await expect(counter).to_have_text("2 SMS из 2 · 134 симв. (кириллица)")
    await expect(send).to_be_enabled()
    await box.fill("Ж" * 135)
    await expect(counter).to_have_text("3 SMS из 2 · 135 симв. (кириллица)")
    await expect(warning).to_have_text(
        "Для этого подключения не больше 2 SMS — это 134 симв. кириллицей или 306 латиницей:"
        " сократите ответ"
    )
    await expect(send).to_be_disabled()
    await box.fill("A" * 306 + "{")  # an escape takes two septets: 308, over 306
    await expect(counter).to_have_text("3 SMS из 2 · 308 симв. (латиница)")
    await box.fill("A" * 306)
    await expect(counter).to_have_text("2 SMS из 2 · 306 симв. (латиница)")
    await expect(warning).to_have_text("")
    await expect(send).to_be_enabled()
    assert page.console_errors == []
