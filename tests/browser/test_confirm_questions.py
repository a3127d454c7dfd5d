"""The console asks its questions one way (``forms.confirmBox``), in a real Chromium at 390 px:
the robots page asks before deleting a rule in the page, not with the browser's own dialog; and
a question is asked once — «Остановить» pressed twice under an e-mailed report, or under two
reports, leaves one box open (each press added a box below the last)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_support import serious_violations
from console_support import Site, fits

pytestmark = pytest.mark.unionline_plugins("reports")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


async def test_a_rule_is_deleted_after_the_question_in_the_page(site: Site, login: Any) -> None:
    from playwright.async_api import expect

    rule = {
        "organization_id": site.organization_id,
        "name": "Ночной автоответ",
        "enabled": False,
        "trigger": {"kind": "event", "event_type": "appeal.created"},
        "actions": [{"action": "flow.stop"}],
    }
    await site.api("POST", "/api/robots/rules", json=rule)
    page = await login(site.b, **PHONE)
    await page.evaluate("location.hash = '#/robots'")
    item = page.locator("li.rule", has_text="Ночной автоответ")
    await item.locator("button.delete").click()
    box = item.get_by_role("alertdialog", name="Удалить правило «Ночной автоответ»?")
    await expect(box.locator(".confirm-yes")).to_be_focused()
    assert page.dialogs == []  # window.confirm() was answered «Отмена» by the fixture
    assert await serious_violations(page, "ul-robots") == []
    assert await fits(page)
    await box.locator(".confirm-no").click()
    await expect(box).to_have_count(0)
    await expect(item.locator("button.delete")).to_be_focused()
    await item.locator("button.delete").click()
    await item.locator(".confirm-yes").click()
    await expect(item).to_have_count(0)
    assert await site.api("GET", "/api/robots/rules") == []
    assert page.console_errors == []


async def test_stop_pressed_twice_asks_once(site: Site, login: Any) -> None:
    from playwright.async_api import expect

    for name in ("Итоги недели", "Итоги месяца"):
        await site.api(
            "POST",
            "/api/reports/schedules",
            json={
                "organization_id": site.organization_id,
                "name": name,
                "rrule": "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0",
                "period": "week",
                "recipients": [site.b.id],
            },
        )
    page = await login(site.b, **PHONE)
    await page.evaluate("location.hash = '#/work/reports'")
    block = page.locator("ul-report-schedules")
    week = block.locator("li[data-schedule]", has_text="Итоги недели")
    stop = week.locator("button.btn")  # not the box's own «Остановить»
    await stop.click()
    await stop.click()
    await expect(block.get_by_role("alertdialog")).to_have_count(1)
    await expect(
        block.get_by_role("alertdialog", name="Остановить рассылку «Итоги недели»?")
    ).to_be_visible()
    # Another report's «Остановить»: its question takes the place of the first.
    month = block.locator("li[data-schedule]", has_text="Итоги месяца")
    await month.locator("button.btn").click()
    question = re.compile("«Итоги месяца»")
    await expect(block.get_by_role("alertdialog", name=question)).to_be_visible()
    await expect(block.get_by_role("alertdialog")).to_have_count(1)
    assert await serious_violations(page, "ul-report-schedules") == []
    await block.locator(".confirm-yes").click()
    await expect(block.locator("li[data-schedule]")).to_have_count(1)
    assert [s["name"] for s in await site.api("GET", "/api/reports/schedules") if s["active"]] == [
        "Итоги недели"
    ]
    assert page.console_errors == []
