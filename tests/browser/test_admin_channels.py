"""«Каналы» in a real Chromium: an administrator connects a Telegram bot against the loopback Bot
API stand-in from the form generated from the channel's declared account Structs, the product sets
the webhook, «Проверить подключение» says the bot answers, and a member's message through the
stand-in's webhook pusher lands as an appeal in the console. Screenshots go to
``var/artifacts/admin/`` (or ``UNIONLINE_ADMIN_SCREENSHOTS``), for docs/admin.md."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import msgspec
import pytest
import pytest_asyncio
from conftest import Login
from console_support import Operator, Site, running_site
from playwright.async_api import expect
from standins.telegram import TelegramStandin

from unionline.channel.config import ChannelsSettings
from unionline.channels.telegram.settings import TelegramSettings
from unionline.settings import Settings, settings_type

PUBLIC = "https://union.example"
ROOT = Path(__file__).resolve().parents[2]
ADMIN = Operator("", "admin", "")


@pytest.fixture
def telegram() -> Iterator[TelegramStandin]:
    with TelegramStandin() as standin:
        yield standin


@pytest.fixture
def shots() -> Path:
    folder = Path(
        os.environ.get("UNIONLINE_ADMIN_SCREENSHOTS") or ROOT / "var" / "artifacts" / "admin"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest_asyncio.fixture(loop_scope="session")
async def site(browser_settings: Settings, telegram: TelegramStandin) -> AsyncIterator[Site]:
    data = msgspec.to_builtins(browser_settings)
    data["plugins"] = [*data.get("plugins", []), "telegram"]
    data["telegram"] = {"api_url": telegram.base_url}
    # Telegram takes only an HTTPS webhook URL; the browser talks plain HTTP to the test server.
    data["server"] = {**data["server"], "public_url": PUBLIC, "secure_cookies": False}
    kind = settings_type({"channels": ChannelsSettings, "telegram": TelegramSettings})
    async with running_site(msgspec.convert(data, kind)) as s:
        yield s


async def test_an_admin_connects_a_telegram_bot(
    site: Site, login: Login, telegram: TelegramStandin, shots: Path
) -> None:
    page = await login(ADMIN)
    await page.evaluate("location.hash = '#/admin/channels'")
    card = page.locator("ul-admin-channels li.admin-card[data-channel=telegram]")
    await expect(card).to_contain_text("Telegram")
    await expect(card).to_contain_text("Подключений пока нет")
    await page.screenshot(path=shots / "channels.png", full_page=True)
    await card.locator("a.add-account").click()

    form = page.locator("form.channel-account-form[data-channel=telegram]")
    await expect(form.locator("[data-field='secrets.bot_token'] label")).to_have_text(
        "Токен бота *"
    )
    await expect(form.locator("[data-field='secrets.bot_token'] .field-help")).to_contain_text(
        "@BotFather"
    )
    token = form.locator("[data-setting=bot_token]")
    assert await token.get_attribute("type") == "password"
    await form.locator("[name=name]").fill("Бот профкома")
    await form.locator("button.save").click()  # no token: the error sits by its field
    await expect(form.locator("[data-field='secrets.bot_token'] .field-error")).not_to_be_empty()

    await token.fill(telegram.bot.token)
    await page.screenshot(path=shots / "channel-new.png", full_page=True)
    await form.locator("button.save").click()
    await expect(page.locator(".toast").last).to_have_text("Подключение создано")

    setup = page.locator("ul-admin-channels section.channel-setup")
    webhook = setup.locator("code.webhook-url")
    await expect(webhook).to_contain_text(f"{PUBLIC}/channels/telegram/")
    await setup.locator("button.connect-webhook").click()
    result = setup.locator(".check-result")
    await expect(result).to_contain_text("Вебхук подключён")
    url = await webhook.text_content()
    assert telegram.bot.webhook["url"] == url
    await setup.locator("button.check-connection").click()
    await expect(result).to_contain_text("Подключение работает: @union_test_bot")
    await page.screenshot(path=shots / "channel-account.png", full_page=True)
    assert telegram.bot.token not in await page.content()

    # A member writes to the bot: Telegram pushes it to the webhook the product set.
    telegram.bot.message("Здравствуйте, вопрос про отпуск", user=telegram.user(555_001))
    report = await telegram.bot.deliver_webhook(site.client)  # with the secret it was given
    assert report.statuses() == [200], report
    found = await site.api("GET", "/api/appeals/", params={"q": "отпуск"})
    items = found["items"] if isinstance(found, dict) else found
    assert [a["channel"] for a in items] == ["telegram"], found
    await page.evaluate("location.hash = '#/all'")
    await expect(page.locator("ul-appeal-list")).to_contain_text("вопрос про отпуск")
    assert page.console_errors == []
