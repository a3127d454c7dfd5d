"""In a real Chromium: «Отчёты» — a federation supervisor drills down from the federation to a
committee (a look by local hour on the way), to a primary organization's operators and to the
appeal behind an operator's number;
the page passes the axe gate and fits a 390 px phone."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from axe_support import serious_violations
from console_support import PASSWORD, Operator, Site, fits

pytestmark = pytest.mark.unionline_plugins("reports")
# The period presets end on the organization's today (its zone: the default, Moscow), whatever
# the browser's zone: a browser behind Moscow saw «Последние 30 дней» end on its own yesterday,
# and the appeal made a moment ago was not counted. Pago Pago is 14 hours behind Moscow.
ZONE = {"timezone_id": "Pacific/Pago_Pago"}


async def federation(site: Site) -> tuple[Operator, str]:
    """FED → KOM → PPO-7 with Ольга Смирнова and one appeal she resolved; a FED supervisor."""
    post = site.api
    fed = await post(
        "POST",
        "/api/organizations/",
        json={"name": "Федерация профсоюзов", "code": "FED", "kind": "federation"},
    )
    kom = await post("POST", "/api/organizations/", json={"name": "Отраслевой комитет",
                     "code": "KOM", "kind": "committee", "parent_id": fed["id"]})  # fmt: skip
    ppo = await post("POST", "/api/organizations/", json={"name": "ППО депо", "code": "PPO7",
                     "kind": "primary", "parent_id": kom["id"]})  # fmt: skip
    people = {}
    for login, name, role, org in (
        ("fedboss", "Пётр Главный", "supervisor", fed["id"]),
        ("olga", "Ольга Смирнова", "operator", ppo["id"]),
    ):
        grants = [{"role": role, "organization_id": org}]
        body = {"login": login, "password": PASSWORD, "name": name, "grants": grants}
        people[login] = Operator((await post("POST", "/api/operators/", json=body))["id"],
                                 login, name)  # fmt: skip
    member = await post(
        "POST", "/api/members/", json={"organization_id": ppo["id"], "full_name": "Иванов Иван"}
    )
    appeal = await post("POST", "/api/appeals/", json={"organization_id": ppo["id"],
                        "member_id": member["id"], "subject": "Вопрос о графике смен",
                        "channel": "phone"})  # fmt: skip
    await post("POST", f"/api/appeals/{appeal['id']}/assign",
               json={"operator_id": people["olga"].id})  # fmt: skip
    await post("POST", f"/api/appeals/{appeal['id']}/status", json={"status": "resolved"})
    return people["fedboss"], appeal["number"]


async def test_drill_down_from_the_federation_to_the_appeals(
    site: Site, login: Any, shots: Any
) -> None:
    from playwright.async_api import expect

    boss, number = await federation(site)
    page = await login(boss, **ZONE)
    await page.click("a[href='#/work/reports']")
    reports = page.locator("ul-reports")
    await expect(reports.locator("nav.rep-crumbs [aria-current=page]")).to_have_text(
        "Федерация профсоюзов"
    )
    await expect(reports.locator(".rep-card[data-metric=received] .rep-card-value")).to_have_text(
        "1"
    )
    await expect(reports.locator("svg.rep-chart")).to_have_count(1)
    assert await serious_violations(page, "ul-reports") == []
    await page.screenshot(path=shots / "reports-federation.png", full_page=True)
    await reports.locator("button[data-group=hour]").click()  # by the local hour: one row
    hour_row = reports.locator("tbody tr:not(.rep-total) td[data-metric=received]")
    await expect(hour_row).to_have_text("1")
    await reports.locator("button[data-group=organization]").click()

    await reports.locator("a[data-drill]", has_text="Отраслевой комитет").click()
    await expect(reports.locator("nav.rep-crumbs [aria-current=page]")).to_have_text(
        "Отраслевой комитет"
    )
    await reports.locator("a[data-operators]", has_text="ППО депо").click()
    row = reports.locator("tr", has_text="Ольга Смирнова")
    await expect(row.locator("td[data-metric=resolved]")).to_have_text("1")
    await row.locator("td[data-metric=resolved] a").click()
    behind = reports.locator(".rep-behind")
    await expect(behind.locator("tbody tr")).to_have_count(1)
    await expect(behind.locator("tbody tr a")).to_have_text(number)
    assert await serious_violations(page, "ul-reports") == []
    await page.screenshot(path=shots / "reports-appeals.png", full_page=True)

    await behind.locator("tbody tr a").click()  # the appeal itself opens in the console
    await expect(page.locator("ul-appeal-view")).to_contain_text("Вопрос о графике смен")
    assert page.console_errors == []


async def test_reports_fit_a_phone(site: Site, login: Any, shots: Any) -> None:
    from playwright.async_api import expect

    boss, _ = await federation(site)
    page = await login(boss, viewport={"width": 390, "height": 844}, **ZONE)
    await page.evaluate("location.hash = '#/work/reports'")
    await expect(page.locator("ul-reports .rep-card")).to_have_count(8)
    page_width = await page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 390, page_width  # the wide table scrolls inside its own region
    # Its rows stack at this width (the heads hidden): each figure says what it is.
    received = page.locator("ul-reports tr.rep-total td[data-metric=received]")
    await expect(received).to_have_text("1")
    assert await received.evaluate("td => getComputedStyle(td, '::before').content") == (
        '"Поступило: "'
    )
    assert await serious_violations(page, "ul-reports") == []
    await page.screenshot(path=shots / "reports-phone.png", full_page=True)


def moscow_today() -> str:
    return datetime.now(ZoneInfo("Europe/Moscow")).date().isoformat()


# Together the two browsers are on another day than Moscow at any hour: Kiritimati (UTC+14) from
# 13:00 Moscow time on, Pago Pago (UTC-11) before 14:00.
@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
async def test_the_presets_are_the_organizations_days_in_any_browser_zone(
    site: Site, login: Any, zone: str
) -> None:
    from playwright.async_api import expect

    boss, _ = await federation(site)
    before = moscow_today()
    page = await login(boss, viewport={"width": 390, "height": 844}, timezone_id=zone)
    await page.evaluate("location.hash = '#/work/reports'")
    reports = page.locator("ul-reports")
    received = reports.locator(".rep-card[data-metric=received] .rep-card-value")
    await expect(received).to_have_text("1")
    await reports.locator("#rep-period").select_option(label="Сегодня")
    await expect(reports.locator("#rep-period")).to_have_value("today")
    await expect(received).to_have_text("1")  # the appeal made a moment ago, Moscow's today
    since = await reports.locator("#rep-from").input_value()
    last = await reports.locator("#rep-to").input_value()
    assert since == last and since in {before, moscow_today()}, (since, zone)
    await reports.locator("#rep-period").select_option(label="Этот месяц")
    await expect(reports.locator("#rep-from")).to_have_value(f"{since[:8]}01")
    assert await fits(page)
    assert await serious_violations(page, "ul-reports") == []
    assert page.console_errors == []


async def test_a_report_by_email_is_scheduled_and_stopped(site: Site, login: Any) -> None:
    from playwright.async_api import expect

    boss, _ = await federation(site)
    page = await login(boss)
    await page.evaluate("location.hash = '#/work/reports'")
    block = page.locator("ul-report-schedules")
    await expect(block.locator("h3")).to_have_text("Рассылка по почте")
    await block.locator("select[name=when]").select_option("monthly")
    await block.locator("input[name=name]").fill("Итоги месяца")
    await block.locator("select[name=group]").select_option("queue")
    await block.locator("label", has_text="Пётр Главный").locator("input").check()
    assert await serious_violations(page, "ul-report-schedules") == []
    await block.locator("button[type=submit]").click()
    card = block.locator("li[data-schedule]", has_text="Итоги месяца")
    await expect(card).to_contain_text("за месяц · XLSX · По очередям")
    await expect(card).to_contain_text("Пётр Главный")
    [schedule] = await site.api("GET", "/api/reports/schedules")
    assert schedule["rrule"] == "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0"
    await card.locator("button", has_text="Остановить").click()
    await block.locator(".confirm-yes").click()
    await expect(block.locator("li[data-schedule]")).to_have_count(0)
    assert page.console_errors == []
