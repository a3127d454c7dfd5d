"""Timekeeping in a real Chromium, in Russian: the operator starts the day, takes a break and
finishes from the top bar while the supervisor watches the team's work time next to the load
table — each change arrives there live from the socket; the «Рабочее время» page and the
supervisor view pass the accessibility gate, the top bar also at phone width (390 px)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from axe_support import serious_violations
from conftest import Login
from console_support import Operator, Site, fits
from playwright.async_api import expect

pytestmark = pytest.mark.unionline_plugins("timekeeping")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


async def gate(page: Any, where: str) -> None:
    found = await serious_violations(page)
    assert found == [], f"{where}:\n" + "\n".join(found)


async def test_start_break_finish_seen_live_by_the_supervisor(
    site: Site, login: Login, shots: Path
) -> None:
    anna = await login(site.a)
    day = anna.locator("ul-workday")
    await expect(day.locator("button[data-action=start]")).to_have_text("Начать день")
    boris = await login(site.b)
    await boris.evaluate("location.hash = '#/supervisor'")
    team = boris.locator("ul-timekeeping-team")
    await expect(team.locator("h2")).to_have_text("Рабочее время сотрудников сейчас")

    await day.locator("button[data-action=start]").click()
    await expect(day.locator(".workday-state")).to_contain_text("Работаю")
    row = team.locator(f"tr[data-operator='{site.a.id}']")
    await expect(row).to_have_attribute("data-state", "working")
    await expect(row.locator(".tk-state")).to_contain_text("Работаю")

    await day.locator("button[data-action=break]").click()
    await expect(day.locator(".workday-state")).to_contain_text("Перерыв")
    await expect(row).to_have_attribute("data-state", "break")  # live, no reload
    # and in the load table beside it: online, but held back from routing
    held = boris.locator(f"table.operators-load tr[data-operator='{site.a.id}'] td[data-held]")
    await expect(held).to_have_attribute("data-held", "timekeeping.break")
    await expect(held).to_contain_text("перерыв")
    await gate(boris, "the supervisor view")
    await boris.screenshot(path=shots / "supervisor.png", full_page=True)

    await day.locator("button[data-action=resume]").click()
    await expect(row).to_have_attribute("data-state", "working")
    await day.locator("button[data-action=finish]").click()
    await expect(day.locator(".workday-state")).to_contain_text("День завершён")
    await expect(row).to_have_attribute("data-state", "finished")

    await anna.evaluate("location.hash = '#/work/timekeeping'")
    await expect(anna.locator(".timekeeping-page h2")).to_have_text("Рабочее время")
    await expect(anna.locator(".tk-absence select option").first).to_be_attached()
    await gate(anna, "the «Рабочее время» page")

    # The supervisor's part of the page: a schedule made and given to anna.
    await boris.evaluate("location.hash = '#/work/timekeeping'")
    staffing = boris.locator(".tk-staffing")
    await expect(staffing.locator("h3")).to_have_text("Сотрудники и графики")
    form = staffing.locator("form.tk-schedule")
    await form.locator("input[type=text]").first.fill("Пятидневка 9–18")
    await form.locator("button[type=submit]").click()
    card = staffing.locator(f"tr[data-operator='{site.a.id}']")
    await expect(card.locator("select option", has_text="Пятидневка 9–18")).to_be_attached()
    await card.locator("select").select_option(label="Пятидневка 9–18")
    # a saved card reloads the page's parts (the policy form below too): wait for the new ones,
    # or what is typed next may be typed into the old form and wiped
    await card.evaluate("row => row.setAttribute('data-before-save', '')")
    await card.locator("button.tk-save-card").click()
    await expect(
        staffing.locator(f"tr[data-operator='{site.a.id}']:not([data-before-save])")
    ).to_be_attached()
    await expect(card.locator("select")).to_have_value(
        await card.locator("select option", has_text="Пятидневка").get_attribute("value") or ""
    )
    # the organization's own settings: notify of late starts
    policy = staffing.locator("form.tk-policy")
    await expect(policy.locator("h4")).to_have_text("Уведомления о нарушениях и коды оплаты (Т-12)")
    await policy.locator("input[data-kind=late]").check()
    # a pay code for no kind of time is said under the absences' codes, not in a toast
    absences = policy.get_by_label("Коды оплаты отсутствий (ОТ=2300; Б=2400)")
    await absences.fill("ЯЯ=2300")
    await policy.locator("button[type=submit]").click()
    await expect(policy.locator("[data-field=pay_codes] .field-error")).to_have_text(
        "Код оплаты задают для отработанного времени, ночных, выходных или кода отсутствия"
        " Т-13 (например, ОТ=2300)"
    )
    await absences.fill("")
    async with boris.expect_response(
        lambda r: r.url.endswith("/policy") and r.request.method == "PUT"
    ) as saved:
        await policy.locator("button[type=submit]").click()
    assert (await saved.value).status == 200
    await gate(boris, "the supervisor's «Рабочее время» page")
    await boris.screenshot(path=shots / "timekeeping-page.png", full_page=True)
    assert anna.console_errors == [] and boris.console_errors == []


async def test_the_workday_buttons_at_phone_width(site: Site, login: Login, shots: Path) -> None:
    page = await login(site.a, **PHONE)
    await expect(page.locator("ul-workday button[data-action=start]")).to_be_visible()
    assert await fits(page)
    await gate(page, "the console at 390 px")
    await page.screenshot(path=shots / "phone.png")
    await page.evaluate("location.hash = '#/work/timekeeping'")
    await expect(page.locator(".timekeeping-page form.tk-absence")).to_be_visible()
    assert await fits(page)
    await gate(page, "the «Рабочее время» page at 390 px")


async def test_the_supervisors_page_at_phone_width(site: Site, login: Login, shots: Path) -> None:
    """The long T-13 reasons and the staff table stay within 390 px (the table scrolls, from the
    keyboard too), and a shift cycle is typed in Russian."""
    page = await login(site.b, **PHONE)
    await page.evaluate("location.hash = '#/work/timekeeping'")
    staffing = page.locator(".tk-staffing")
    await expect(staffing.locator("form.tk-policy")).to_be_visible()
    assert await fits(page)
    await gate(page, "the supervisor's «Рабочее время» page at 390 px")
    await page.screenshot(path=shots / "timekeeping-phone.png", full_page=True)

    form = staffing.locator("form.tk-schedule")
    await form.locator("input[type=text]").first.fill("Сутки через трое")
    await form.locator("select").select_option(label="Сменный")
    cycle = form.get_by_label("Цикл смен (день, ночь, выходной)")
    await expect(cycle).to_have_value("день, день, выходной, выходной")
    # The server's refusals are said at the inputs they name (no toast).
    await cycle.fill("день, сутки, выходной")
    await form.locator("button[type=submit]").click()
    anchor_error = form.locator("[data-field='rules.anchor'] .field-error")
    await expect(anchor_error).to_have_text("Укажите дату, с которой начинается цикл смен")
    await expect(form.get_by_label("Начало цикла")).to_be_focused()
    await form.get_by_label("Начало цикла").fill("2026-12-01")
    await form.locator("button[type=submit]").click()
    await expect(anchor_error).to_be_empty()
    await expect(form.locator("[data-field='rules.cycle'] .field-error")).to_have_text(
        "Цикл — от 1 до 62 дней через запятую, каждый: «день», «ночь» или «выходной»"
    )
    assert await fits(page)
    await gate(page, "the schedule form with its error at 390 px")
    await cycle.fill("день, ночь, выходной, выходной")
    async with page.expect_response(
        lambda r: r.url.endswith("/api/timekeeping/schedules") and r.request.method == "POST"
    ) as created:
        await form.locator("button[type=submit]").click()
    answer = await created.value
    assert answer.status == 201, await answer.text()
    assert (await answer.json())["rules"]["cycle"] == ["day", "night", "off", "off"]
    assert page.console_errors == []


async def test_the_settings_card_speaks_to_an_administrator(site: Site, login: Login) -> None:
    """«Настройки»: the card says what is set there (it sent the reader to a repository file,
    docs/timekeeping.md), and its «Изменить» is named after the form for a screen reader."""
    page = await login(Operator("", "admin", ""))
    await page.evaluate("location.hash = '#/admin/settings'")
    card = page.locator("li.admin-card", has_text="Рабочее время")
    await expect(card).to_contain_text("что считать опозданием и ранним уходом")
    await expect(card).not_to_contain_text("docs/")
    await card.get_by_role("link", name="Изменить: Рабочее время").click()
    await expect(page).to_have_url(re.compile("#/admin/settings/.+"))
    assert page.console_errors == []


async def test_an_absence_refused_is_said_at_its_day(site: Site, login: Login) -> None:
    """«Подать заявку» with «По» before «С»: the refusal (422, field ``last``) is said under «По» in
    words, at 390 px, not in a toast; a right request then goes through."""
    page = await login(site.a, **PHONE)
    await page.evaluate("location.hash = '#/work/timekeeping'")
    form = page.locator(".timekeeping-page form.tk-absence")
    first, last = form.locator("[data-field=first]"), form.locator("[data-field=last]")
    await expect(first.locator("label")).to_have_text("С *")
    await first.locator("input").fill("2026-12-10")
    await last.locator("input").fill("2026-12-09")
    await form.get_by_role("button", name="Подать заявку").click()
    await expect(last.locator(".field-error")).to_have_text(
        "День «По» — не раньше дня «С», а отсутствие — не длиннее года"
    )
    await expect(last.locator("input")).to_be_focused()
    await expect(page.locator(".toast")).to_have_count(0)
    await gate(page, "the absence form with its refusal at 390 px")
    assert await fits(page)
    await last.locator("input").fill("2026-12-11")
    async with page.expect_response(
        lambda r: r.url.endswith("/api/timekeeping/absences") and r.request.method == "POST"
    ) as made:
        await form.get_by_role("button", name="Подать заявку").click()
    assert (await made.value).status == 201
    assert page.console_errors == []
