"""In a real Chromium: the supervisor view shows the satisfaction report (the member's "5" and
the supervisor's 4 beside it for the operator), and an operator named by ``operators.notify``
sees the robot's notice as a toast."""

from __future__ import annotations

from typing import Any

import pytest
from console_support import Site, wait_for

from unionline.robots import templates

pytestmark = pytest.mark.unionline_plugins("satisfaction")


async def test_report_in_the_supervisor_view(site: Site, login: Any, shots: Any) -> None:
    import msgspec
    from playwright.async_api import expect

    org = site.organization_id
    rule = msgspec.to_builtins(templates.rule("satisfaction_survey", org))
    await site.api("POST", "/api/robots/rules", json=rule)
    await site.inbound("Когда выплатят материальную помощь?")
    appeals = await site.api(
        "GET", "/api/appeals/", params={"organization_id": org, "channel": "reference"}
    )
    appeal = appeals["items"][0]["id"]
    await site.api("POST", f"/api/appeals/{appeal}/assign", json={"operator_id": site.a.id})
    await site.api("POST", f"/api/appeals/{appeal}/status", json={"status": "resolved"})
    await wait_for(lambda: any("от 1 до 5" in s.text for s in site.sent()), "the survey question")
    await site.inbound("5")

    # The supervisor opens the appeal: the member's 5 is beside the card; they add their 4.
    page = await login(site.b)
    await page.evaluate(f"location.hash = '#/all/{appeal}'")
    rating = page.locator("ul-appeal-rating")
    await expect(rating.locator(".member-rating")).to_have_text("Член профсоюза: 5 из 5")
    await rating.locator("select[name=rating]").select_option("4")
    await rating.locator("button[type=submit]").click()
    await expect(rating.locator(".supervisor-rating")).to_have_text("Руководитель: 4 из 5")
    await page.screenshot(path=shots / "appeal-rating.png", full_page=True)

    await page.click(".topbar a[href='#/supervisor']")
    row = page.locator("ul-satisfaction-report tr", has_text=site.a.name)
    await expect(row.locator("td[data-member]")).to_have_text("5.0 (1)")
    await expect(row.locator("td[data-supervisor]")).to_have_text("4.0 (1)")
    await expect(page.locator("ul-satisfaction-report h2")).to_contain_text(
        "Удовлетворённость по операторам"
    )
    await page.screenshot(path=shots / "satisfaction-report.png", full_page=True)
    assert page.console_errors == []


async def test_robot_notice_toast(site: Site, login: Any) -> None:
    from playwright.async_api import expect

    page = await login(site.a)
    await expect(page.locator(".connection")).to_have_attribute("data-state", "online")
    await site.api(
        "POST",
        "/api/robots/rules",
        json={
            "organization_id": site.organization_id,
            "name": "Сообщить о новом",
            "trigger": {"kind": "event", "event_type": "appeal.created"},
            "actions": [
                {
                    "action": "operators.notify",
                    "params": {
                        "to": [],
                        "operator_ids": [site.a.id],
                        "text": {"ru": "Новое обращение {appeal.number}"},
                    },
                }
            ],
        },
    )
    await site.inbound("Здравствуйте, вопрос по отпуску")
    await expect(
        page.locator("#toasts .toast", has_text="Робот: Новое обращение ZAVOD-")
    ).to_be_visible()
    assert page.console_errors == []
