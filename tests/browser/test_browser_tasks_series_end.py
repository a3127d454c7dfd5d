"""«Завершить серию» in a real Chromium, in Russian, at 390 px: a supervisor ends a recurring
task on a day (asked to confirm first) and another at once; a colleague with «Повторяющиеся
задачи» open sees both ended without reloading (the socket's tasks.series_ended). Before, a
series could not be ended at all."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from axe_support import serious_violations
from conftest import Login
from console_support import Operator, Site, fits
from playwright.async_api import expect

pytestmark = pytest.mark.unionline_plugins("tasks")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


async def series(site: Site, title: str, **rule: Any) -> dict[str, Any]:
    template = await site.api(
        "POST",
        "/api/tasks/templates/",
        json={"organization_id": site.organization_id, "name": title, "title": title},
    )
    body = {"template_id": template["id"], "starts_on": str(date.today() + timedelta(days=30))}
    return await site.api("POST", "/api/tasks/series/", json={**body, **rule})  # type: ignore[no-any-return]


async def test_a_series_is_ended_from_the_console_and_a_colleague_sees_it(
    site: Site, login: Login
) -> None:
    daily = await series(site, "Обход цехов", rrule="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR")
    after = await series(site, "Сверка взносов", after_done_days=5)
    watcher = await login(Operator("", "admin", ""))
    await watcher.evaluate("location.hash = '#/work/tasks'")
    await watcher.get_by_role("button", name="Повторяющиеся задачи").click()
    watched = watcher.locator("section.task-recurring")
    await expect(watched.locator("li[data-series]")).to_have_count(2)

    page = await login(site.b, **PHONE)
    await page.evaluate("location.hash = '#/work/tasks'")
    await page.get_by_role("button", name="Повторяющиеся задачи").click()
    panel = page.locator("section.task-recurring")
    item = panel.locator(f"li[data-series='{daily['id']}']")
    await item.get_by_role("button", name="Завершить серию").click()
    last = date.today() + timedelta(days=40)
    await item.get_by_label("Последняя задача — не позже").fill(last.isoformat())
    await item.locator("form").get_by_role("button", name="Завершить серию").click()
    await expect(page.locator(".confirm")).to_contain_text("Завершить серию «Обход цехов»?")
    assert await serious_violations(page) == []  # the question too
    await page.locator(".confirm button.confirm-yes").click()
    await expect(page.locator(".toast").last).to_have_text("Серия завершена")
    item = panel.locator(f"li[data-series='{daily['id']}']")
    await expect(item).to_contain_text(f"каждый рабочий день, 09:00, до {last.day} ")
    assert await fits(page)
    assert await serious_violations(page) == []

    other = panel.locator(f"li[data-series='{after['id']}']")
    await other.get_by_role("button", name="Завершить серию").click()
    await expect(other).to_contain_text("Новых задач по этой серии больше не будет")
    await other.locator("form").get_by_role("button", name="Завершить серию").click()
    await page.locator(".confirm button.confirm-yes").click()
    await expect(panel.locator(f"li[data-series='{after['id']}'] .chip")).to_have_text("завершена")
    # The colleague's open panel followed both, live.
    await expect(watched.locator(f"li[data-series='{daily['id']}']")).to_contain_text(
        f"до {last.day} "
    )
    await expect(watched.locator(f"li[data-series='{after['id']}'] .chip")).to_have_text(
        "завершена"
    )
    listed = {s["id"]: s for s in await site.api("GET", "/api/tasks/series/")}
    assert listed[daily["id"]]["rrule"].endswith(f";UNTIL={last:%Y%m%d}")
    assert not listed[after["id"]]["active"]
    assert page.console_errors == [] and watcher.console_errors == []
