"""An operator's desk in the browser: SLA deadlines in the list and the appeal's header, bulk
actions on ticked appeals, a filter saved on the server, and a notifications inbox that is still
there after a reload."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import Login
from console_support import Site, open_appeal
from playwright.async_api import expect

from unionline.runtime import current


async def _appeal_with(site: Site, text: str) -> str:
    page = await site.api("GET", "/api/appeals/", params={"q": text})
    return str(page["items"][0]["id"])


async def test_sla_bulk_actions_and_a_saved_filter(site: Site, login: Login, shots: Path) -> None:
    texts = ["Не начислили премию за ноябрь", "Вопрос о надбавке за стаж", "Прошу путёвку в лагерь"]
    for n, text in enumerate(texts):
        await site.inbound(text, sender=f"20000{n}", name=f"Член профсоюза {n}")
    late = await _appeal_with(site, "премию за ноябрь")
    await current().db.execute(
        "UPDATE appeal_appeal SET first_response_due = {} WHERE id = {}",
        datetime.now(UTC) - timedelta(hours=3),
        late,
    )
    page = await login(site.a)
    await page.click("[data-list=unassigned]")
    row = page.locator(".appeal-row", has_text="премию за ноябрь")
    await expect(row.locator(".sla")).to_have_attribute("data-sla", "overdue")
    await expect(row.locator(".sla")).to_have_text(re.compile(r"^просрочено на (3|2) ч$"))
    fresh = page.locator(".appeal-row", has_text="надбавке за стаж").locator(".sla")
    await expect(fresh).to_have_text(re.compile(r"^срок: "))
    await open_appeal(page, "премию за ноябрь")
    head = page.locator(".appeal-head .sla")
    await expect(head).to_have_text(re.compile(r"^Ответить до .+ · просрочено на "))

    # Tick two appeals and take them; then set a status and a tag on both at once.
    for text in texts[1:]:
        await page.locator(".appeal-row", has_text=text).locator("input.row-check").check()
    bar = page.locator(".bulk-bar")
    await expect(bar.locator(".bulk-count")).to_have_text("Выбрано: 2")
    await bar.locator("select[name=bulk-assign]").select_option(label="Я")
    await expect(page.locator(".toast", has_text="Готово: 2")).to_be_visible()
    await expect(page.locator("[data-list=mine] .count")).to_have_text("2")
    await page.click("[data-list=mine]")
    await page.locator(".list-filters input.pick-all").check()
    await expect(bar.locator(".bulk-count")).to_have_text("Выбрано: 2")
    await bar.locator("select[name=bulk-status]").select_option("waiting")
    await expect(page.locator(".toast", has_text="Готово: 2").last).to_be_visible()
    await page.locator(".list-filters input.pick-all").check()
    await bar.locator("input[name=bulk-tag]").fill("льготы")
    # A live update redraws the list: the tag being typed stays (the bar was once rebuilt).
    await page.evaluate("document.querySelector('ul-appeal-list').render()")
    await expect(bar.locator("input[name=bulk-tag]")).to_have_value("льготы")
    await bar.locator("button.bulk-tag-add").click()
    for text in texts[1:]:
        appeal = await site.api("GET", f"/api/appeals/{await _appeal_with(site, text)}")
        assert appeal["status"] == "waiting" and appeal["tags"] == ["льготы"]
        assert appeal["assignee_id"] == site.a.id

    # A filter: my appeals tagged «льготы»; saved, it is there after a reload.
    panel = page.locator("details.filter-panel")
    await panel.locator("summary").click()
    await panel.locator("select[name=f-assignee]").select_option("me")
    await panel.locator("select[name=f-status]").select_option("*")
    await panel.locator("input[name=f-tag]").fill("льготы")
    await panel.locator("button.filter-show").click()
    await expect(page.locator(".appeal-row")).to_have_count(2)
    await panel.locator("input[name=f-name]").fill("Мои льготы")
    await panel.locator("button.filter-save").click()
    await expect(page).to_have_url(re.compile("#/saved-"))
    await page.reload()
    await page.wait_for_selector(".connection[data-state=online]")
    await expect(page.locator(".appeal-row")).to_have_count(2)
    await expect(page.locator("select.saved-filters option:checked")).to_have_text("Мои льготы")
    await page.screenshot(path=shots / "console-desk.png")
    assert page.console_errors == [] and page.dialogs == []


async def test_the_inbox_keeps_mentions_until_read(site: Site, login: Login) -> None:
    await site.inbound("Прошу проверить расчёт больничного")
    appeal_id = await _appeal_with(site, "расчёт больничного")
    page = await login(site.a)
    button = page.locator("ul-inbox .inbox-button")
    await expect(button).to_have_text("Уведомления")
    await site.api(
        "POST",
        f"/api/appeals/{appeal_id}/notes",
        json={"text": "@anna проверь больничный, пожалуйста", "mentions": [site.a.id]},
    )
    await expect(button.locator("[data-unread]")).to_have_text("1")
    await page.reload()  # kept by the server, not by the page
    await page.wait_for_selector(".connection[data-state=online]")
    await expect(button.locator("[data-unread]")).to_have_text("1")
    await button.click()
    item = page.locator("dialog.inbox li.unread")
    await expect(item).to_have_count(1)
    await expect(item.locator(".inbox-title")).to_contain_text("Упоминание в заметке к обращению")
    await expect(item.locator(".inbox-text")).to_have_text("@anna проверь больничный, пожалуйста")
    await item.locator("button.inbox-item").click()
    await expect(page.locator("dialog.inbox")).not_to_be_visible()
    await expect(page.locator(".timeline .note", has_text="проверь больничный")).to_be_visible()
    await expect(button.locator("[data-unread]")).to_have_count(0)
    await page.reload()
    await page.wait_for_selector(".connection[data-state=online]")
    await expect(button.locator("[data-unread]")).to_have_count(0)
    assert page.console_errors == []
