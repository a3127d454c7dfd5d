"""The acceptance of #14: a new federation administrator sets a union office up from an empty
install with the browser only, and a member's Telegram message then reaches the operator they
made, who answers with the shared reply — at desktop width and again on a phone (390 × 844).

Outside the browser the test only starts the app (with the first administrator, as
``unionline createadmin`` makes it) and the loopback Bot API stand-in, and plays Telegram: the
member's message is pushed to the webhook the product set, and what the bot sent is read from
the stand-in. Every admin page is kept as a screenshot (``var/artifacts/acceptance/``); with
``UNIONLINE_DOC_SCREENSHOTS=1`` the pictures of docs/admin.md are written too
(``docs/img/admin/``)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
import pytest_asyncio
from conftest import Login
from console_support import PASSWORD, Operator, fits, require_browser
from playwright.async_api import expect
from screenshots import artifacts, doc_shot, snap
from standins.telegram import TelegramStandin

from unionline.channel.config import ChannelsSettings
from unionline.channels.telegram.settings import TelegramSettings
from unionline.settings import settings_type
from unionline.testing.server import serve
from unionline.testing.support import make_settings

PUBLIC = "https://union.example"  # Telegram takes only an HTTPS webhook address
ADMIN = Operator("", "admin", "Администратор")
VERA = Operator("", "vera", "Вера Лебедева")
PHONE = {"width": 390, "height": 844}
REPLY = "Здравствуйте, {{имя}}! Заявление на отпуск подайте в отдел кадров за две недели."


@dataclass
class Install:
    """An empty install: the app on a free port and its first administrator, nothing else."""

    base: str
    client: httpx.AsyncClient  # Telegram's side of the webhook only


@pytest.fixture
def telegram() -> Iterator[TelegramStandin]:
    with TelegramStandin() as standin:
        yield standin


@pytest.fixture
def shots() -> Path:
    return artifacts("acceptance")


@pytest_asyncio.fixture(loop_scope="session")
async def site(unionline_database_url: str, telegram: TelegramStandin) -> AsyncIterator[Install]:
    require_browser()
    from unionline.access import Grant
    from unionline.app import create_app
    from unionline.operators.services import create_operator

    data = msgspec.to_builtins(make_settings(unionline_database_url, plugins=["telegram"]))
    data["telegram"] = {"api_url": telegram.base_url}
    data["server"] = {**data["server"], "public_url": PUBLIC, "secure_cookies": False}
    kind = settings_type({"channels": ChannelsSettings, "telegram": TelegramSettings})
    app = create_app(msgspec.convert(data, kind), migrate=True)
    async with serve(app) as base, httpx.AsyncClient(base_url=base, timeout=30) as client:
        # What `unionline createadmin` does on the server: the one thing not done in the browser.
        await create_operator(ADMIN.login, PASSWORD, name=ADMIN.name, grants=[Grant("admin", None)])
        yield Install(base, client)


async def admin_page(page: Any, name: str) -> None:
    """Open an admin section by its tab, as a person would: the row of tabs is whole, whatever
    page is open (it once shrank to a sliver under a page longer than the screen)."""
    row = await page.locator("ul-pages nav.subnav").bounding_box()
    assert row and row["height"] >= 40, f"the admin tabs are squeezed: {row}"
    await page.locator("ul-pages nav.subnav a", has_text=name).click()
    await expect(page.locator("ul-pages nav.subnav a.active")).to_have_text(name)


async def create_organizations(page: Any, shots: Path) -> None:
    await page.click("nav.views a.admin-link")
    await expect(page.locator("ul-pages nav.subnav a.active")).to_have_text("Организации")
    for name, code, kind, parent in (
        ("Областная организация профсоюза", "OBL", "committee", ""),
        ("ППО завода «Прогресс»", "ZAVOD", "primary", "Областная организация профсоюза (OBL)"),
    ):
        await page.click("button.new-org")
        form = page.locator("form.org-form").first
        await form.locator("[name=name]").fill(name)
        await form.locator("[name=code]").fill(code)
        await form.locator("[name=kind]").select_option(kind)
        if parent:
            await form.locator("[name=parent_id]").select_option(label=parent)
        await form.locator("button.submit").click()
        await expect(page.locator(f"li.org[data-code={code}]")).to_be_visible()
    await expect(page.locator("li.org[data-code=ZAVOD]")).to_have_attribute("data-depth", "1")
    await snap(page, shots / "organizations.png")
    await doc_shot(page, "organizations")


async def create_operator_of_zavod(page: Any, shots: Path) -> None:
    await admin_page(page, "Операторы")
    await page.click("button.new-operator")
    form = page.locator("form.operator-create")
    await form.locator("[name=login]").fill(VERA.login)
    await form.locator("[name=name]").fill(VERA.name)
    await form.locator("[name=password]").fill(PASSWORD)
    await form.locator("[name=role]").select_option("operator")
    explainer = form.locator(".role-explainer")
    await expect(explainer).to_contain_text("Вставлять общие шаблоны ответов")
    assert not re.search("[A-Za-z]{4,}", await explainer.inner_text()), "English in the role"
    await form.locator("[name=organization_id]").select_option(label="· ППО завода «Прогресс»")
    await snap(page, shots / "operator-new.png")
    await doc_shot(page, "operator-new", "form.operator-create")
    await form.locator("button.submit").click()
    await expect(page.locator(".operator-head h2")).to_have_text(VERA.name)
    await expect(page.locator("li.grant .card-title")).to_have_text(
        "Оператор — ППО завода «Прогресс»"
    )
    await snap(page, shots / "operator.png")
    await page.click("a.back")
    await expect(page.locator("li.operator[data-login=vera] .grant")).to_have_text(
        "Оператор — ППО завода «Прогресс»"
    )
    await snap(page, shots / "operators.png")
    await doc_shot(page, "operators")


async def connect_telegram(page: Any, telegram: TelegramStandin, shots: Path) -> None:
    await admin_page(page, "Каналы")
    card = page.locator("ul-admin-channels li.admin-card[data-channel=telegram]")
    await expect(card).to_contain_text("Подключений пока нет")
    await snap(page, shots / "channels.png")
    await card.locator("a.add-account").click()
    form = page.locator("form.channel-account-form[data-channel=telegram]")
    await form.locator("[name=name]").fill("Бот профкома завода")
    await form.locator("[name=organization_id]").select_option(label="· ППО завода «Прогресс»")
    await form.locator("[data-setting=bot_token]").fill(telegram.bot.token)
    await snap(page, shots / "channel-new.png")
    await doc_shot(page, "channel-new", "form.channel-account-form")
    await form.locator("button.save").click()
    setup = page.locator("ul-admin-channels section.channel-setup")
    webhook = setup.locator("code.webhook-url")
    await expect(webhook).to_contain_text(f"{PUBLIC}/channels/telegram/")
    await setup.locator("button.connect-webhook").click()
    result = setup.locator(".check-result")
    await expect(result).to_contain_text("Вебхук подключён")
    assert telegram.bot.webhook["url"] == await webhook.text_content()
    await setup.locator("button.check-connection").click()
    await expect(result).to_contain_text("Подключение работает: @union_test_bot")
    await snap(page, shots / "channel-account.png")
    await doc_shot(page, "channel-setup", "section.channel-setup")


async def create_queue(page: Any, shots: Path) -> None:
    await admin_page(page, "Очереди")
    await page.click("ul-admin-queues button.new-queue")
    form = page.locator("ul-admin-queues form.queue-form-new")
    await form.locator("[name=organization_id]").select_option(label="· ППО завода «Прогресс»")
    await form.locator("[name=name]").fill("Общая очередь завода")
    await form.locator("select[name=strategy]").select_option(label="Наименее загруженному")
    await form.locator("[name=is_default]").check()
    await form.locator("button.submit").click()
    await expect(page.locator(".toast").last).to_have_text("Очередь «Общая очередь завода» создана")
    await expect(page.locator("ul-admin-queues li.queue", has_text="Общая очередь")).to_be_visible()
    await snap(page, shots / "queues.png")
    await doc_shot(page, "queues")


async def create_canned_reply(page: Any, shots: Path) -> None:
    await admin_page(page, "Шаблоны ответов")
    await page.click("ul-admin-canned button.new-canned")
    form = page.locator("ul-admin-canned form.canned-form-new")
    await form.locator("[name=organization_id]").select_option(label="· ППО завода «Прогресс»")
    await form.locator("[name=key]").fill("отпуск")
    await form.locator("[name=title]").fill("Как оформить отпуск")
    await form.locator("[name=text]").fill(REPLY)
    await expect(form.locator(".canned-preview")).to_contain_text(
        "Здравствуйте, Соколова Мария Ивановна!"
    )
    await snap(page, shots / "canned-new.png")
    await doc_shot(page, "canned-new", "form.canned-form-new")
    await form.locator("button.submit").click()
    await expect(page.locator(".toast").last).to_have_text("Шаблон /отпуск создан")
    await expect(page.locator("ul-admin-canned li.canned[data-key=отпуск]")).to_have_count(1)
    await snap(page, shots / "canned.png")


async def create_robot_rule(page: Any, shots: Path) -> None:
    await page.click("nav.views a[href='#/robots']")
    await page.click("button.new-rule")
    form = page.locator("form.rule-form")
    await form.locator("[name=organization_id]").select_option(label="  ППО завода «Прогресс»")
    await form.locator("[name=name]").fill("Вопросы об отпуске")
    event = form.locator("[name=event_type]")
    await expect(event.locator("option:checked")).to_have_text("Сообщение от члена профсоюза")
    conditions = form.locator(".builder-conditions")
    await conditions.locator("button.add-condition").first.click()
    await conditions.locator("li.condition input.condition-value").first.fill("отпуск")
    step = form.locator("li.step").first
    await step.locator("select.action-name").select_option(label="Добавить метки")
    await step.locator("[data-param=tags]").fill("отпуск")
    await snap(page, shots / "robots-builder.png")
    await doc_shot(page, "robots-builder", "form.rule-form")
    await form.locator("button.save").click()
    rule = page.locator("li.rule", has_text="Вопросы об отпуске")
    await expect(rule).to_contain_text("Сообщение от члена профсоюза")
    await snap(page, shots / "robots.png")


async def other_admin_pages(page: Any, shots: Path) -> None:
    await page.click("nav.views a.admin-link")
    for tab, name in (("Плагины", "plugins"), ("Настройки", "settings")):
        await admin_page(page, tab)
        await expect(page.locator("ul-pages .page-body h2")).to_be_visible()
        await snap(page, shots / f"{name}.png")
    await admin_page(page, "Организации")
    await page.set_viewport_size(PHONE)
    await expect(page.locator("li.org[data-code=ZAVOD]")).to_be_visible()
    await snap(page, shots / "organizations-390.png")
    await doc_shot(page, "organizations-phone", whole=False)
    await page.set_viewport_size({"width": 1280, "height": 820})


async def member_writes(
    install: Install, telegram: TelegramStandin, text: str, user: dict[str, Any]
) -> None:
    """Telegram pushes the member's message to the webhook the product set."""
    telegram.bot.message(text, user=user)
    report = await telegram.bot.deliver_webhook(install.client)
    assert report.statuses() == [200], report


async def operator_answers(page: Any, text: str, member: str) -> str:
    """The appeal reached the operator in «Мои»: she opens it, sees the robot's tag, inserts
    the shared reply with "/отп" and sends it. Answers the text sent."""
    await page.click("[data-list=mine]")
    row = page.locator(".appeal-row", has_text=text)
    await expect(row).to_be_visible()
    await row.locator("a").click()
    await expect(page.locator(".timeline .message-in", has_text=text)).to_be_visible()
    await expect(page.locator(".assignee-name")).to_have_text(VERA.name)
    await expect(page.locator(".appeal-head .tag", has_text="отпуск")).to_be_visible()
    box = page.locator("textarea.composer-text")
    await expect(box).to_be_in_viewport()  # the reply box stays on screen (pinned on a phone)
    await box.click()
    await page.keyboard.type("/отп")
    await expect(page.locator(".popup li.active")).to_contain_text("/отпуск")
    await page.keyboard.press("Enter")
    filled = REPLY.replace("{{имя}}", member)
    await expect(box).to_have_value(filled)
    await page.locator("ul-composer button.send").click()
    await expect(page.locator(".timeline .message-out", has_text="отдел кадров")).to_be_visible()
    return filled


async def test_a_new_federation_admin_sets_up_the_office_in_the_browser(
    site: Install, login: Login, telegram: TelegramStandin, shots: Path
) -> None:
    admin = await login(ADMIN)
    await create_organizations(admin, shots)
    await create_operator_of_zavod(admin, shots)
    await connect_telegram(admin, telegram, shots)
    await create_queue(admin, shots)
    await create_canned_reply(admin, shots)
    await create_robot_rule(admin, shots)
    await other_admin_pages(admin, shots)
    assert admin.console_errors == [] and admin.dialogs == []

    # The operator signs in (online, so routing hands her the appeal) and a member writes.
    vera = await login(VERA)
    await expect(vera.locator("nav.views a.admin-link")).to_have_count(0)
    ivan = telegram.user(555_001, first_name="Иван", last_name="Петров")
    await member_writes(site, telegram, "Добрый день! Как оформить отпуск летом?", ivan)
    sent = await operator_answers(vera, "оформить отпуск летом", "Иван Петров")
    await snap(vera, shots / "operator-answered.png")
    await doc_shot(vera, "operator-desktop", whole=False)
    assert any(message.text == sent for message in telegram.bot.sent), telegram.bot.sent
    assert vera.console_errors == []

    # The same at phone width, with a second member.
    await vera.context.close()
    phone = await login(VERA, viewport=PHONE, is_mobile=True, has_touch=True)
    olga = telegram.user(555_002, first_name="Ольга", last_name="Смирнова")
    await member_writes(site, telegram, "Здравствуйте, когда можно взять отпуск?", olga)
    sent = await operator_answers(phone, "когда можно взять отпуск", "Ольга Смирнова")
    assert await fits(phone)
    await snap(phone, shots / "operator-answered-390.png")
    await phone.locator(".timeline .message-out").last.scroll_into_view_if_needed()
    await doc_shot(phone, "operator-phone", whole=False)
    assert any(message.text == sent for message in telegram.bot.sent), telegram.bot.sent
    assert phone.console_errors == []
