"""Campaigns in a real Chromium, in Russian: a supervisor builds a segment (the live count
follows the filter), writes the e-mail, previews it for a member, starts it and watches the
progress bar reach the end; the editor and the running campaign pass the accessibility gate,
also at phone width (390 px)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from axe_support import serious_violations
from conftest import Login
from console_support import MEMBER_NAME, Site
from playwright.async_api import expect

pytestmark = pytest.mark.unionline_plugins("campaigns")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


async def gate(page: Any, where: str) -> None:
    found = await serious_violations(page)
    assert found == [], f"{where}:\n" + "\n".join(found)


async def _pressed(campaign_id: str, digit: str) -> None:
    """The digit recorded for the campaign's one recipient, as a robot call's receipt does."""
    import uuid

    from unionline import current
    from unionline.plugins.campaigns.receipts import record_answer

    campaign = uuid.UUID(campaign_id)
    row = await current().db.fetchone(
        "SELECT id FROM campaigns_recipient WHERE campaign_id = {}", campaign
    )
    await record_answer(campaign, int(row["id"]), digit)


async def test_build_preview_and_send_a_campaign(site: Site, login: Login, shots: Path) -> None:
    await site.api("POST", "/api/campaigns/consent-texts", json={
        "organization_id": site.organization_id, "version": "info-1", "purpose": "info",
        "body": "Согласен получать новости профсоюза по e-mail.",
    })  # fmt: skip
    await site.api("POST", f"/api/campaigns/members/{site.member_id}/consents", json={
        "channel": "email", "purpose": "info", "granted": True, "text_version": "info-1",
        "source": "form", "evidence": {"form_id": "join"},
    })  # fmt: skip
    page = await login(site.b)
    await page.goto(f"{site.base}/console#/work/campaigns")
    await page.get_by_role("link", name="Новая рассылка").click()
    editor = page.locator("form.cmp-editor")
    await editor.get_by_label("Название").fill("Собрание 12 декабря")
    count = editor.locator(".cmp-count")
    await expect(count).to_have_text("Получат с согласием: 1")
    await editor.locator("input[data-group=st][value=left]").check()
    await expect(count).to_have_text("Получат с согласием: 0")
    await editor.locator("input[data-group=st][value=left]").uncheck()
    await editor.locator("input[data-group=ch][value=email]").check()
    await expect(count).to_have_text("Получат с согласием: 1")

    async with page.expect_download() as downloading:  # the segment as a workbook
        await editor.get_by_role("button", name="Выгрузить XLSX").click()
    saved = await downloading.value
    assert saved.suggested_filename == "segment.xlsx"
    assert (Path(await saved.path()).read_bytes())[:2] == b"PK"
    # A funnel step's trigger: a birthday step asks for the card's date field.
    trigger = editor.get_by_label("Как добавляются получатели")
    await trigger.select_option("date")
    await expect(
        editor.get_by_label("Поле карточки с датой (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)")
    ).to_have_value("birth_date")
    await gate(page, "the campaign editor with a birthday step")
    await trigger.select_option("start")
    # A Telegram message, first in the order, with a link button under it (the member has no
    # Telegram consent: the e-mail, second, is what goes out).
    await editor.locator("input[data-order=telegram]").check()
    messenger = editor.locator("section.cmp-variant[data-channel=telegram]")
    await messenger.get_by_label("Аккаунт канала").select_option(str(site.account_id))
    await messenger.get_by_label("Текст").fill("{{ first_name }}, ждём вас 12 декабря.")
    links = messenger.get_by_label("Кнопки-ссылки под сообщением")
    await links.fill("Программа собрания | ftp://profsoyuz.example/program")
    await editor.locator("button.cmp-save").click()  # a bad link: said under the buttons
    await expect(messenger.locator('[data-field="variants.telegram.buttons"]')).to_have_class(
        re.compile(r"\binvalid\b")
    )
    await links.fill("Программа собрания | https://profsoyuz.example/program")
    await editor.locator("input[data-order=email]").check()
    variant = editor.locator("section.cmp-variant[data-channel=email]")
    await variant.get_by_label("Аккаунт канала").select_option(str(site.account_id))
    await variant.get_by_label("Тема письма").fill("Собрание профкома")
    await variant.get_by_label("Текст").fill("{{ first_name }}, ждём вас 12 декабря.")
    # A robot call, third: the text the robot says and a digit in answer.
    await editor.locator("input[data-order=voice]").check()
    voice = editor.locator("section.cmp-variant[data-channel=voice]")
    await voice.get_by_label("Аккаунт канала").select_option(str(site.account_id))
    await voice.get_by_label("Что скажет робот").fill("Собрание двенадцатого декабря. Нажмите 1.")
    await voice.get_by_label("Ждать ответа цифрой (например, «Нажмите 1, если придёте»)").check()
    # Where robot calls are made: the SIP agent's process (an admin's setting), which lines call.
    hint = voice.locator(".cmp-voice-agent")
    await expect(hint).to_contain_text("[phone] sip_agent = true")
    await expect(hint).to_contain_text("Линии Mango Office и Zadarma робот-звонки не делают")
    await editor.locator("button.cmp-preview-button").click()
    first = MEMBER_NAME.split()[1] if len(MEMBER_NAME.split()) == 3 else MEMBER_NAME.split()[0]
    await expect(editor.locator(".cmp-preview")).to_contain_text(f"{first}, ждём вас 12 декабря.")
    # The preview shows the message's link button as a button under the text, not a text line.
    button = editor.locator(".cmp-preview-buttons a")
    await expect(button).to_have_text("Программа собрания")
    await expect(button).to_have_attribute("href", "https://profsoyuz.example/program")
    await expect(editor.locator(".cmp-preview")).not_to_contain_text("profsoyuz.example")
    await gate(page, "the campaign editor")
    await page.screenshot(path=shots / "campaign-editor.png", full_page=True)

    await editor.locator("button.cmp-start").click()
    await expect(page.locator(".cmp-status")).to_have_text("Завершена")
    [started] = [
        c for c in await site.api("GET", "/api/campaigns/") if c["name"] == "Собрание 12 декабря"
    ]
    telegram = (await site.api("GET", f"/api/campaigns/{started['id']}"))["variants"]["telegram"]
    assert telegram["buttons"] == [
        {"title": "Программа собрания", "url": "https://profsoyuz.example/program"}
    ]
    voiced = (await site.api("GET", f"/api/campaigns/{started['id']}"))["variants"]["voice"]
    assert (voiced["text"], voiced["ask_digit"]) == (
        "Собрание двенадцатого декабря. Нажмите 1.",
        True,
    )
    await expect(page.locator(".cmp-progress progress")).to_have_attribute("value", "1")
    await expect(page.locator("td[data-stat=sent]")).to_have_text("1")
    assert [m.recipient for m in site.sent()] == ["maria@example.org"]
    funnel = page.locator("svg.cmp-funnel")
    await expect(funnel).to_have_attribute("aria-label", "Ушло: 1, Доставлено: 0, "
        "Не доставлено (возврат): 0, Открыли (приблизительно): 0, Переходы по ссылкам: 0, "
        "Ответили: 0, Отписались: 0")  # fmt: skip
    await expect(page.locator(".cmp-replies")).to_have_text("Ответов пока нет.")
    # What the counts mean for robot calls (the campaign has a robot-call message).
    await expect(page.locator(".cmp-voice-note")).to_contain_text("прослушали сообщение до конца")
    answers = page.locator(".cmp-answers")
    await expect(answers).to_contain_text("Пока никто не нажал цифру.")
    # A member pressed 1 in the robot call (as the call's receipt records it): the statistics
    # count it per digit and say who.
    await _pressed(started["id"], "1")
    counted = await site.api("GET", f"/api/campaigns/{started['id']}/answers")
    assert (counted["total"], counted["digits"]) == (1, {"1": 1}), counted
    await page.goto(f"{site.base}/console#/work/campaigns")
    await page.goto(f"{site.base}/console#/work/campaigns/{started['id']}")
    await expect(answers.locator(".cmp-answers-total")).to_have_text("Нажали цифру: 1")
    await expect(answers.locator("td[data-digit='1']")).to_have_text("1")
    await expect(answers.locator("th")).to_have_text("Нажали «1»")
    await expect(answers.locator(".cmp-answered li")).to_contain_text(f"{MEMBER_NAME}: 1")
    await gate(page, "the running campaign")
    await page.screenshot(path=shots / "campaign-progress.png", full_page=True)

    # A birthday step says what adds its members.
    step = await site.api("POST", "/api/campaigns/", json={
        "organization_id": site.organization_id, "name": "С днём рождения",
        "channel_order": ["email"], "accounts": {"email": str(site.account_id)},
        "variants": {"email": {"subject": "Поздравляем", "text": "С днём рождения!"}},
        "trigger": {"kind": "date", "date_field": "birth_date"},
    })  # fmt: skip
    await site.api("POST", f"/api/campaigns/{step['id']}/start")
    await page.goto(f"{site.base}/console#/work/campaigns/{step['id']}")
    await expect(page.locator(".cmp-rule")).to_have_text(
        "Шаг воронки: в дату из поля «birth_date» (за 0 дн.), раз в год."
    )

    phone = await login(site.b, **PHONE)
    await phone.goto(f"{site.base}/console#/work/campaigns")
    await expect(phone.locator(".admin-card", has_text="Собрание 12 декабря")).to_be_visible()
    await gate(phone, "campaigns at 390 px")
    assert page.console_errors == [] and phone.console_errors == []


async def test_the_editor_warns_when_vk_would_get_more_buttons_than_it_shows(
    site: Site, login: Login
) -> None:
    """VK shows six link buttons at most; with seven every button becomes a text line (the
    channel SDK), so the editor says so under the VK message's buttons — and stops saying it
    when one is removed."""
    page = await login(site.b)
    await page.goto(f"{site.base}/console#/work/campaigns")
    await page.get_by_role("link", name="Новая рассылка").click()
    editor = page.locator("form.cmp-editor")
    await editor.locator("input[data-order=vk]").check()
    vk = editor.locator("section.cmp-variant[data-channel=vk]")
    links = vk.get_by_label("Кнопки-ссылки под сообщением")
    seven = "\n".join(f"Пункт {n} | https://profsoyuz.example/{n}" for n in range(1, 8))
    warning = vk.locator(".cmp-buttons-warning")
    await links.fill(seven)
    await expect(warning).to_be_visible()
    await expect(warning).to_contain_text("ВКонтакте показывает под сообщением не больше 6 кнопок")
    await expect(warning).to_contain_text("а здесь их 7")
    await gate(page, "the campaign editor with too many VK buttons")
    await links.fill(seven.rsplit("\n", 1)[0])
    await expect(warning).to_be_hidden()
