"""The console's confirmation box (``forms.confirmBox``) in a real Chromium: it is an alert
dialog named by its question, so the accessibility gate passes wherever one opens (axe's
aria-dialog-name flagged every box before); two boxes never share the id that names them."""

from __future__ import annotations

import re

from axe_support import serious_violations
from conftest import Login
from console_support import Operator, Site, console_module, fits
from playwright.async_api import expect

ADMIN = Operator("", "admin", "")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


async def test_a_confirmation_is_named_by_its_question(site: Site, login: Login) -> None:
    for name in ("Правовые вопросы", "Охрана труда"):
        await site.api(
            "POST",
            "/api/routing/queues/",
            json={"organization_id": site.organization_id, "name": name, "strategy": "pool"},
        )
    page = await login(ADMIN, **PHONE)
    await page.evaluate("location.hash = '#/admin/queues'")
    queues = page.locator("ul-admin-queues")
    card = queues.locator("li.queue", has_text="Правовые вопросы")
    await card.locator("button.delete").click()
    question = re.compile(r"^Удалить очередь «Правовые вопросы»\?")
    box = queues.get_by_role("alertdialog", name=question)
    await expect(box).to_be_visible()
    await expect(box.locator(".confirm-yes")).to_have_text("Удалить")
    assert await serious_violations(page) == []
    assert await fits(page)
    # The other queue's box: named by its own question.
    await queues.locator("li.queue", has_text="Охрана труда").locator("button.delete").click()
    await expect(
        queues.get_by_role("alertdialog", name=re.compile("«Охрана труда»"))
    ).to_be_visible()
    ids = await console_module(
        page,
        "admin-forms",
        "[m.confirmBox('a', 'y'), m.confirmBox('b', 'y')]"
        ".map((b) => b.getAttribute('aria-labelledby'))",
    )
    assert ids[0] and ids[0] != ids[1], ids
    await queues.locator(".confirm .confirm-no").click()
    await expect(queues.locator(".confirm")).to_have_count(0)
    assert any(
        q["name"] == "Правовые вопросы" for q in await site.api("GET", "/api/routing/queues/")
    )
    assert page.console_errors == []
