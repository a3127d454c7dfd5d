"""Tasks in a real Chromium, in Russian: a task set from an appeal in one click, a file attached
and its checklist completed on the task's page; a card moved on a project's kanban while a
colleague watches — their board moves the card from the socket's tasks.moved, without loading
the board again — and the project's columns edited by its manager; the top bar's counters
follow live; a saved view; the pages pass the accessibility gate, also at phone width (390 px)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_support import serious_violations
from conftest import Login
from console_support import Site, fits, open_appeal
from playwright.async_api import expect

pytestmark = pytest.mark.unionline_plugins("tasks")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


async def gate(page: Any, where: str) -> None:
    found = await serious_violations(page)
    assert found == [], f"{where}:\n" + "\n".join(found)


async def test_a_task_from_an_appeal_and_its_checklist(
    site: Site, login: Login, shots: Path
) -> None:
    await site.inbound("Прошу проверить начисление отпускных")
    page = await login(site.a)
    await page.click("[data-list=unassigned]")
    await open_appeal(page, "начисление отпускных")
    side = page.locator("ul-appeal-tasks")
    await expect(side.locator("h3")).to_contain_text("Задачи по обращению")
    await side.locator("button.create-task").click()
    link = side.locator("li a").first
    await expect(link).to_contain_text("По обращению")
    await expect(side.locator(".task-status")).to_have_text("Новая")
    await link.click()

    view = page.locator(".task-view")
    await expect(view.locator("h2")).to_contain_text("По обращению")
    for text in ("Запросить расчётный листок", "Сверить с графиком отпусков"):
        await view.locator(".task-checklist input[type=text]").fill(text)
        await view.locator(".task-checklist .inline-form button").click()
        await expect(view.locator(".checklist li", has_text=text)).to_be_visible()
    # A file on the task: uploaded from the page, listed with a download link.
    await view.locator(".task-file-input").set_input_files(
        files=[
            {"name": "Расчётный листок.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}
        ]
    )
    await expect(view.locator(".task-files a", has_text="Расчётный листок.pdf")).to_be_visible()
    await view.locator("textarea").fill("Листок **запрошен** у бухгалтерии")
    # A colleague's change arrives on the socket and redraws the task: the draft stays.
    task_id = page.url.rsplit("/", 1)[-1]
    await site.api("POST", f"/api/tasks/{task_id}/checklist", json={"text": "Ответить члену"})
    await expect(view.locator(".checklist li", has_text="Ответить члену")).to_be_visible()
    await expect(view.locator("textarea")).to_have_value("Листок **запрошен** у бухгалтерии")
    await view.locator(".comment-form button").click()
    await expect(view.locator(".task-comment strong")).to_have_text("запрошен")
    await gate(page, "the task's page")
    for text in ("Запросить расчётный листок", "Сверить с графиком отпусков", "Ответить члену"):
        await view.locator(".checklist li", has_text=text).locator("input[type=checkbox]").check()
    await expect(view.locator(".task-checklist h3")).to_contain_text("3/3")
    await view.locator("button[data-status=in_progress]").click()
    await expect(view.locator(".admin-head .task-status")).to_have_text("В работе")
    await view.locator("button[data-status=done]").click()
    await expect(view.locator(".admin-head .task-status")).to_have_text("Завершена")
    await page.screenshot(path=shots / "task.png", full_page=True)

    # Back on the appeal (the task's link to it), its task shows as done.
    await view.locator("a[href^='#/-/']").click()
    await expect(page.locator("ul-appeal-tasks .task-status")).to_have_text("Завершена")
    assert page.console_errors == []


async def test_kanban_move_reaches_a_watching_colleague_live(
    site: Site, login: Login, shots: Path
) -> None:
    project = await site.api(
        "POST",
        "/api/tasks/projects/",
        json={"organization_id": site.organization_id, "name": "Колдоговор 2027"},
    )
    titles = ["Собрать предложения", "Провести опрос", "Подготовить проект"]
    for title in titles:
        await site.api(
            "POST",
            "/api/tasks/",
            json={
                "title": title,
                "organization_id": site.organization_id,
                "project_id": project["id"],
                "responsible_id": site.a.id,
            },
        )
    boris = await login(site.b)
    anna = await login(site.a)
    for page in (boris, anna):
        await page.evaluate("location.hash = '#/work/tasks'")
        await page.locator("[data-mode=board]").click()
        await page.locator(".task-filters select").select_option(project["id"])
        await expect(page.locator(".task-column").first.locator(".task-card")).to_have_count(3)
    await gate(anna, "the board")
    loads: list[str] = []
    anna.on("request", lambda r: loads.append(r.url) if "/api/tasks/board" in r.url else None)

    # Boris moves a card with the → button; Anna's board moves it without loading the board.
    card = boris.locator(".task-card", has_text="Провести опрос")
    await card.locator("button.move-right").click()
    second = anna.locator(".task-column").nth(1)
    await expect(second.locator(".task-card", has_text="Провести опрос")).to_be_visible()
    await expect(second.locator("h3 .count")).to_have_text("1")
    # And by drag and drop: the first card to the top of «В работе».
    await boris.locator(".task-card", has_text="Собрать предложения").drag_to(
        boris.locator(".task-column").nth(1).locator(".task-card").first
    )
    await expect(second.locator(".task-card")).to_have_count(2)
    await expect(second.locator(".task-card").first).to_contain_text("Собрать предложения")
    assert loads == []
    await anna.screenshot(path=shots / "board.png", full_page=True)

    # The top bar counts Anna's tasks and follows a new one live.
    counters = anna.locator("ul-task-counters")
    await expect(counters).to_have_attribute("data-mine", "3")
    await site.api(
        "POST",
        "/api/tasks/",
        json={"title": "Сверить списки", "organization_id": site.organization_id,
              "responsible_id": site.a.id},
    )  # fmt: skip
    await expect(counters).to_have_attribute("data-mine", "4")

    # Boris manages the project: renames a column and adds one; his board follows.
    await boris.locator("button.project-settings").click()
    settings = boris.locator(".task-project-settings")
    name = settings.locator(".stage-row").nth(1).locator(".stage-name")
    await name.fill("Идёт работа")
    await name.press("Tab")
    # Saved and drawn again (the panel first, then the board): only then the next field.
    await expect(boris.locator(".task-column").nth(1).locator("h3")).to_contain_text("Идёт работа")
    await settings.locator(".stage-new").fill("Отложено")
    await settings.locator("button.stage-add").click()
    await expect(settings.locator(".stage-row")).to_have_count(5)
    await expect(boris.locator(".task-column")).to_have_count(5)
    await gate(boris, "the project's settings")

    # A new project from the console: its board opens with the default columns.
    await boris.locator("button.new-project").click()
    await boris.locator(".project-name").fill("Летний лагерь")
    await boris.locator("button.project-create").click()
    await expect(boris.locator(".task-filters select option:checked")).to_have_text("Летний лагерь")
    await expect(boris.locator(".task-column")).to_have_count(4)
    assert boris.console_errors == [] and anna.console_errors == []


async def test_tasks_at_phone_width(site: Site, login: Login, shots: Path) -> None:
    await site.api(
        "POST",
        "/api/tasks/",
        json={
            "title": "Обойти цеха с анкетой",
            "organization_id": site.organization_id,
            "responsible_id": site.a.id,
            "checklist": [{"text": "Цех №1"}, {"text": "Цех №2", "important": True}],
        },
    )
    page = await login(site.a, **PHONE)
    await page.evaluate("location.hash = '#/work/tasks'")
    await expect(page.locator(".task-list .admin-card", has_text="Обойти цеха")).to_be_visible()
    assert await fits(page)
    await gate(page, "the list at 390 px")
    await page.locator("[data-mode=board]").click()
    await expect(page.locator(".task-card", has_text="Обойти цеха")).to_be_visible()
    await gate(page, "the board at 390 px")
    # The board saved as a view of her own, chosen again from the list.
    await page.locator(".task-save-view summary").click()
    await page.locator(".view-name").fill("Моя доска")
    await page.locator(".task-save-view button").click()
    await expect(page.locator("select.saved-views option", has_text="Моя доска")).to_have_count(1)
    await page.locator("[data-mode=list]").click()
    await page.locator("select.saved-views").select_option(label="Моя доска")
    await expect(page.locator("[data-mode=board]")).to_have_attribute("aria-pressed", "true")
    await page.locator(".task-card a", has_text="Обойти цеха").click()
    await expect(page.locator(".task-view h2")).to_have_text("Обойти цеха с анкетой")
    assert await fits(page)
    await gate(page, "the task at 390 px")
    await page.screenshot(path=shots / "task-phone.png", full_page=True)
    assert page.console_errors == []


async def test_a_recurring_task_made_in_the_console(site: Site, login: Login, shots: Path) -> None:
    """«Повторяющиеся задачи»: the time sheet due on the month's last day, moved to the working
    day before when that is a day off — made in words at phone width, no RRULE typed."""
    page = await login(site.b, **PHONE)
    await page.evaluate("location.hash = '#/work/tasks'")
    await page.get_by_role("button", name="Повторяющиеся задачи").click()
    panel = page.locator("section.task-recurring")
    await expect(panel.locator("p.muted")).to_have_text("Повторяющихся задач пока нет.")
    form = panel.locator("form.task-series-form")
    await form.get_by_label("Название").fill("Сдать табель в бухгалтерию")
    await form.get_by_label("Как часто").select_option(label="В последний день месяца")
    shift = form.get_by_label("Если день выпадает на выходной")
    await expect(shift).to_have_value("previous")  # what the last day of a month wants
    await expect(form.get_by_label("День недели")).to_be_hidden()
    await form.get_by_label("Срок в рабочих днях").fill("2")
    await form.get_by_role("button", name="Создать повторяющуюся задачу").click()
    item = panel.locator("ul.task-series li")
    await expect(item).to_contain_text(
        "Сдать табель в бухгалтерию — в последний день месяца, 09:00"
    )
    await expect(item).to_contain_text("следующая")
    assert await fits(page)
    await gate(page, "«Повторяющиеся задачи» at 390 px")
    await page.screenshot(path=shots / "recurring-phone.png", full_page=True)

    [series] = await site.api("GET", "/api/tasks/series/")
    assert (series["rrule"], series["shift"], series["at_time"]) == (
        "FREQ=MONTHLY;BYMONTHDAY=-1",
        "previous",
        "09:00",
    )
    [template] = await site.api("GET", "/api/tasks/templates/")
    assert (template["title"], template["deadline_days"]) == ("Сдать табель в бухгалтерию", 2)
    assert series["template_id"] == template["id"]
    assert page.console_errors == []
