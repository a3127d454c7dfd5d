"""A project's settings in a real Chromium at 390 px: the server's refusals are said in the
block they belong to, not in a toast — a 21st column under «Добавить колонку» (422 at
``name``), the last manager made a member under «Участники проекта» (422 at ``members``)."""

from __future__ import annotations

import pytest
from axe_support import serious_violations
from conftest import Login
from console_support import Site, fits
from playwright.async_api import expect

pytestmark = pytest.mark.unionline_plugins("tasks")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


async def test_a_projects_refusals_are_said_where_they_belong(site: Site, login: Login) -> None:
    project = await site.api("POST", "/api/tasks/projects/", json={
        "organization_id": site.organization_id, "name": "Колдоговор 2027",
    })  # fmt: skip
    for n in range(20 - len(project["stages"])):
        await site.api(
            "POST", f"/api/tasks/projects/{project['id']}/stages", json={"name": f"Этап {n}"}
        )
    page = await login(site.b, **PHONE)
    await page.evaluate("location.hash = '#/work/tasks'")
    await page.locator("[data-mode=board]").click()
    await page.locator(".task-filters select").select_option(project["id"])
    await page.locator("button.project-settings").click()
    settings = page.locator(".task-project-settings")
    await settings.locator(".stage-new").fill("Отложено")
    await settings.locator("button.stage-add").click()
    stage = settings.locator("[data-field=name]:has(.stage-new)")
    await expect(stage.locator(".field-error")).to_have_text("На доске не больше 20 колонок")
    await expect(settings.locator(".stage-new")).to_be_focused()
    members = settings.locator("[data-field=members]")
    await members.locator(".member-row select").first.select_option("member")
    await expect(members.locator(".field-error")).to_have_text(
        "В проекте должен остаться хотя бы один руководитель"
    )
    await expect(stage.locator(".field-error")).to_have_text("")
    await expect(page.locator(".toast")).to_have_count(0)
    assert await serious_violations(page, ".task-project-settings") == []
    assert await fits(page)
    assert page.console_errors == []
