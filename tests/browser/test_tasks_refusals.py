"""The tasks page in a real Chromium at 390 px: the server's refusals are said in the block
they belong to, not in a toast — a project's 21st column under «Добавить колонку» (422 at
``name``), its last manager made a member under «Участники проекта» (422 at ``members``), the
51st saved view under its name."""

from __future__ import annotations

import pytest
from axe_support import serious_violations
from conftest import Login
from console_support import Operator, Site, fits
from playwright.async_api import expect

pytestmark = pytest.mark.unionline_plugins("tasks")
ADMIN = Operator("", "admin", "")
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


async def test_a_refused_view_is_said_under_its_name(site: Site, login: Login) -> None:
    """«Сохранить вид» past the 50 saved views: the refusal (422 at ``name``) is said under the
    view's name at 390 px, not in a toast."""
    for n in range(50):
        view = {"name": f"Вид {n}", "filters": {"view": "mine", "q": f"п{n}"}}
        await site.api("POST", "/api/tasks/views", json=view)
    page = await login(ADMIN, **PHONE)
    await page.evaluate("location.hash = '#/work/tasks'")
    saving = page.locator("details.task-save-view")
    await saving.locator("summary").click()
    await saving.locator(".view-name").fill("Мои срочные")
    await saving.get_by_role("button", name="Сохранить").click()
    name = saving.locator("[data-field=name]")
    await expect(name.locator(".field-error")).to_have_text(
        "Сохранено уже 50 видов — удалите ненужный, чтобы сохранить новый"
    )
    await expect(name.locator("input")).to_be_focused()
    await expect(page.locator(".toast")).to_have_count(0)
    assert await serious_violations(page, "details.task-save-view") == []
    assert await fits(page)
    assert page.console_errors == []


async def test_a_tasks_refusals_are_said_at_their_inputs(site: Site, login: Login) -> None:
    """On a task's page: a checklist item over 500 characters is refused under the item's
    input, an empty file under «Прикрепить файл» (it said so in a toast, and the page drawn
    again at once)."""
    task = await site.api("POST", "/api/tasks/", json={
        "title": "Сверить списки", "organization_id": site.organization_id,
        "responsible_id": site.a.id,
    })  # fmt: skip
    page = await login(site.a, **PHONE)
    await page.evaluate(f"location.hash = '#/work/tasks/{task['id']}'")
    checklist = page.locator("section.task-checklist")
    await checklist.get_by_placeholder("Новый пункт").fill("я" * 501)
    await checklist.get_by_role("button", name="Добавить пункт").click()
    item = checklist.locator("[data-field=text]")
    await expect(item.locator(".field-error")).to_have_text("Проверьте поле «текст»")
    files = page.locator("section.task-files")
    await files.locator("input[type=file]").set_input_files(
        {"name": "пусто.txt", "mimeType": "text/plain", "buffer": b""}
    )
    await expect(files.locator("[data-field=file] .field-error")).to_have_text(
        "Файл не принят: такой тип или размер не допускается"
    )
    await expect(page.locator(".toast-error")).to_have_count(0)
    assert await serious_violations(page, "section.task-files") == []
    assert await fits(page)
    assert page.console_errors == []
