"""A channel that cannot carry replies (the site form) is known before typing: the reply box says
so and offers the member's phone and e-mail; from there (or the member card) the operator writes
to the member first on a channel that does, and lands in the new appeal."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec
import pytest
from channel_support import PREFIX, REF
from conftest import Login
from console_support import Site, wait_for
from playwright.async_api import expect

from unionline.channel.config import ChannelsSettings
from unionline.channels.webform.settings import WebformSettings
from unionline.settings import Settings, settings_type
from unionline.testing.support import make_settings


@pytest.fixture
def browser_settings(unionline_database_url: str, tmp_path: Path) -> Settings:
    """The seeded site with the site form's channel on as well (its appeals carry no replies)."""
    settings = REF.configure(make_settings(unionline_database_url), tmp_path)
    data = msgspec.to_builtins(settings)
    data["plugins"] = [*data["plugins"], "webform"]
    kind = settings_type({"channels": ChannelsSettings, "webform": WebformSettings})
    return msgspec.convert(data, kind)


async def test_form_appeal_says_no_replies_and_writes_first(site: Site, login: Login) -> None:
    form_appeal = await site.api(
        "POST",
        "/api/appeals/",
        json={
            "organization_id": site.organization_id,
            "member_id": site.member_id,
            "subject": "Заявка с сайта: перерасчёт отпускных",
            "channel": "webform",
        },
    )
    page = await login(site.a)
    await page.goto(f"{site.base}/console#/all/{form_appeal['id']}")
    notice = page.locator("ul-composer .no-replies")
    await expect(notice).to_be_visible()
    await expect(notice).to_contain_text("Ответ через канал «Форма на сайте» не доставить")
    await expect(notice.locator("a[data-kind=phone]")).to_have_attribute("href", "tel:+79123456789")
    await expect(notice.locator("a[data-kind=email]")).to_have_text("maria@example.org")
    await expect(page.locator("textarea.composer-text")).to_be_hidden()
    # Notes still work on such an appeal.
    await page.click("[data-mode=note]")
    await expect(page.locator("textarea.composer-text")).to_be_visible()
    await page.click("[data-mode=reply]")
    await expect(notice).to_be_visible()

    # Write to the member on a channel that delivers: the dialog lists where.
    await notice.locator("button.write-first").click()
    dialog = page.locator("dialog.new-conversation")
    await expect(dialog.locator("select[name=via] option")).to_have_text(
        ["Эталонный канал · Reference → ref-100001"]
    )
    await expect(dialog.locator("input[name=subject]")).to_have_value(
        "Заявка с сайта: перерасчёт отпускных"
    )
    text = "Здравствуйте! Перерасчёт сделан, разница придёт с зарплатой."
    await dialog.locator("textarea[name=text]").fill(text)
    await dialog.locator("button[type=submit]").click()
    await expect(dialog).to_have_count(0)
    view = page.locator("ul-appeal-view")
    await expect(view.locator(".timeline .message-out", has_text=text)).to_be_visible()
    await expect(view.locator(".assignee-name")).to_have_text(site.a.name)
    await expect(page).to_have_url(re.compile("#/mine/"))
    assert form_appeal["id"] not in page.url
    await expect(page.locator("ul-composer textarea.composer-text")).to_be_visible()
    sent = await wait_for(lambda: [s for s in site.sent() if text in s.text], "the first message")
    assert [(s.recipient, s.text) for s in sent] == [("ref-100001", PREFIX + text)]
    assert page.console_errors == []
