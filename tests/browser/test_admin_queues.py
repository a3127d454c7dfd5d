"""«Очереди» (#14 item 1) in a real Chromium: an administrator creates a queue from the page —
strategy and every field in words, a field's error shown next to it — edits and deletes it;
the queue is there in the routing API after each step. A screenshot of the page goes with the
other admin pages' (``var/artifacts/admin/``)."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import Login
from console_support import Operator, Site
from playwright.async_api import expect

ROOT = Path(__file__).resolve().parents[2]
ADMIN = Operator("", "admin", "")


async def test_an_administrator_creates_a_queue_from_the_page(site: Site, login: Login) -> None:
    page = await login(ADMIN)
    await page.click("nav.views a.admin-link")
    await page.locator("ul-pages nav.subnav a", has_text="Очереди").click()
    await expect(page.locator("ul-admin-queues h2")).to_have_text("Очереди")
    await page.click("ul-admin-queues button.new-queue")
    form = page.locator("ul-admin-queues form.queue-form-new")
    # Strategies in words, no raw value on screen.
    options = await form.locator("select[name=strategy] option").all_inner_texts()
    assert options == [
        "Наименее загруженному",
        "По кругу",
        "По навыкам",
        "Своему оператору",
        "Общий список",
    ]
    await form.locator("[name=name]").fill("Правовые вопросы")
    await form.locator("[name=topic]").fill("Юридическая консультация")
    await form.locator("select[name=strategy]").select_option("skills")
    await form.locator("[name=skills]").fill("юрист, охрана труда")
    await form.locator("[name=priority]").fill("5")
    await form.locator("[name=business_hours]").check()
    await form.locator("[name=work_start]").fill("10:00")
    await form.locator("[name=work_end]").fill("08:00")  # ends before it starts: refused
    await form.locator("button.submit").click()
    error = form.locator("[data-field=work_end] .field-error")
    await expect(error).not_to_be_empty()
    assert "work_end" not in (await error.inner_text())
    await form.locator("[name=work_end]").fill("17:00")
    await form.locator("button.submit").click()
    await expect(page.locator(".toast").last).to_have_text("Очередь «Правовые вопросы» создана")
    card = page.locator("ul-admin-queues li.queue", has_text="Правовые вопросы")
    await expect(card.locator(".queue-strategy")).to_have_text("По навыкам")
    await expect(card.locator(".queue-skills")).to_have_text("Навыки: юрист, охрана труда")
    queues = await site.api("GET", "/api/routing/queues/")
    made = next(q for q in queues if q["name"] == "Правовые вопросы")
    assert made["strategy"] == "skills" and made["skills"] == ["юрист", "охрана труда"]
    assert made["priority"] == 5 and made["business_hours"] is True
    assert (made["work_start"], made["work_end"]) == ("10:00", "17:00")
    assert made["organization_id"] == site.organization_id

    folder = Path(
        os.environ.get("UNIONLINE_ADMIN_SCREENSHOTS") or ROOT / "var" / "artifacts" / "admin"
    )
    folder.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=folder / "queues.png", full_page=True)

    await card.locator("button.edit").click()
    edit = card.locator("form.queue-form-edit")
    await edit.locator("select[name=strategy]").select_option("pool")
    await edit.locator("button.submit").click()
    await expect(card.locator(".queue-strategy")).to_have_text("Общий список")
    assert (await site.api("GET", f"/api/routing/queues/{made['id']}"))["strategy"] == "pool"

    await card.locator("button.delete").click()
    await card.locator(".confirm button.confirm-yes").click()
    await expect(page.locator(".toast").last).to_have_text("Очередь «Правовые вопросы» удалена")
    await expect(card).to_have_count(0)
