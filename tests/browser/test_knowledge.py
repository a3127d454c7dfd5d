"""The knowledge base in a real Chromium: suggestions beside the appeal an operator answers
(shown when it opens, replaced live after the member's next message), one inserted into the
reply and sent; an article from the "/" list; the editor's 409 with the colleague's changes and
nothing lost; a course's progress at phone width; axe finds nothing serious on any of it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_support import serious_violations
from console_support import Operator, Site, fits, wait_for

pytestmark = pytest.mark.unionline_plugins("knowledge")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
VACATION = "Ежегодный отпуск переносится по соглашению с работодателем.\n\n## Как\n\nЗаявление."


async def article(site: Site, title: str, body: str, **more: Any) -> dict[str, Any]:
    made = await site.api(
        "POST",
        "/api/knowledge/articles",
        json={"organization_id": site.organization_id, "title": title, "body": body, **more},
    )
    return await site.api(
        "POST",
        f"/api/knowledge/articles/{made['id']}/status",
        json={"status": "published", "revision": made["revision"]},
    )


async def test_suggestion_inserted_into_reply(site: Site, login: Any, shots: Any) -> None:
    from playwright.async_api import expect

    await article(site, "Перенос отпуска", VACATION)
    await article(site, "Больничный лист", "Больничный оплачивается с первого дня.")
    await article(site, "Материальная помощь", "Помощь выплачивает профком.", visibility="public")
    await site.inbound("Здравствуйте! Хочу перенести отпуск на август, можно?")
    appeals = await site.api("GET", "/api/appeals/", params={"channel": "reference"})
    appeal = appeals["items"][0]["id"]

    page = await login(site.a)
    await page.evaluate(f"location.hash = '#/all/{appeal}'")
    panel = page.locator("ul-kb-suggestions")
    first = panel.locator(".kb-suggestion").first
    await expect(first.locator(".kb-suggestion-title")).to_have_text("Перенос отпуска")
    assert await serious_violations(page, include="ul-kb-suggestions") == []
    await first.locator("button.kb-insert-text").click()
    area = page.locator("textarea.composer-text")
    await expect(area).to_have_value(
        "Ежегодный отпуск переносится по соглашению с работодателем.\n\nКак\n\nЗаявление."
    )
    await page.screenshot(path=shots / "suggestion-inserted.png", full_page=True)
    await page.locator("button.send").click()
    await wait_for(lambda: any("по соглашению" in m.text for m in site.sent()), "the reply sent")

    # The member writes about something else: the panel follows, pushed over the socket.
    await site.inbound("А больничный лист как оплачивается?")
    await expect(first.locator(".kb-suggestion-title")).to_have_text("Больничный лист")
    # Articles are in the "/" list beside the canned responses.
    await area.fill("/помощь")
    await expect(page.locator(".popup li", has_text="📄 Материальная помощь")).to_be_visible()
    await area.press("ArrowDown")
    option = page.locator(".popup li.active")
    while "Материальная помощь" not in (await option.inner_text()):
        await area.press("ArrowDown")
    await area.press("Enter")
    await expect(area).to_have_value(
        # Without [server] public_url the link is the path alone.
        "Помощь выплачивает профком.\n\n/kb/" + (await _id(site, "Материальная помощь"))
    )
    logged = await site.api("GET", f"/api/knowledge/appeals/{appeal}/suggestions")
    assert logged["items"][0]["title"] == "Больничный лист"
    assert page.console_errors == []


async def _id(site: Site, title: str) -> str:
    page = await site.api("GET", "/api/knowledge/articles", params={"q": title})
    return str(page["items"][0]["id"])


async def test_editor_conflict_keeps_the_text(site: Site, login: Any) -> None:
    from playwright.async_api import expect

    made = await site.api(
        "POST",
        "/api/knowledge/articles",
        json={"organization_id": site.organization_id, "title": "Регламент", "body": "Пункт 1\n"},
    )
    page = await login(site.b)
    await page.evaluate(f"location.hash = '#/work/knowledge/edit/{made['id']}'")
    body = page.locator("textarea[name=body]")
    await expect(body).to_have_value("Пункт 1\n")
    await body.fill("Пункт 1\nПункт 2 — от Бориса\n")
    # A colleague saves first.
    await site.api(
        "PUT",
        f"/api/knowledge/articles/{made['id']}",
        json={"revision": 1, "title": "Регламент", "body": "Пункт 1 — уточнён коллегой\n"},
    )
    await page.locator("form.kb-editor button[type=submit]").click()
    notice = page.locator(".kb-conflict .notice")
    await expect(notice).to_contain_text("сохранил другой сотрудник (версия 2)")
    await expect(notice.locator(".kb-diff .op-add")).to_contain_text("уточнён коллегой")
    await expect(body).to_have_value("Пункт 1\nПункт 2 — от Бориса\n")  # nothing lost
    assert await serious_violations(page, include="ul-knowledge-page") == []
    await body.fill("Пункт 1 — уточнён коллегой\nПункт 2 — от Бориса\n")
    await page.locator("form.kb-editor button[type=submit]").click()
    await expect(page.locator(".toast", has_text="Сохранено: версия 3")).to_be_visible()
    await page.locator("button.kb-publish").click()
    await expect(page.locator(".kb-status")).to_contain_text("Читатели видят версию 3")
    saved = await site.api("GET", f"/api/knowledge/articles/{made['id']}")
    assert saved["published_body"] == "Пункт 1 — уточнён коллегой\nПункт 2 — от Бориса\n"
    # An image uploaded from the editor is listed and put into the text as Markdown.
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    await page.locator(".kb-file-input").set_input_files(
        files=[{"name": "Схема.png", "mimeType": "image/png", "buffer": png}]
    )
    await expect(page.locator(".kb-files-list a", has_text="Схема.png")).to_be_visible()
    assert "![Схема.png](/api/knowledge/files/" in await body.input_value()
    assert await serious_violations(page, include="ul-knowledge-page") == []
    assert page.console_errors == []


async def test_course_progress_at_phone_width(site: Site, login: Any, shots: Any) -> None:
    from playwright.async_api import expect

    rules = await article(site, "Устав профсоюза", "Первичная организация — основа профсоюза.")
    howto = await article(site, "Как отвечать членам профсоюза", "Вежливо и по существу.")
    course = await site.api(
        "POST",
        "/api/knowledge/courses/",
        json={
            "organization_id": site.organization_id,
            "title": "Первая неделя оператора",
            "lessons": [
                {"article_id": rules["id"]},
                {
                    "article_id": howto["id"],
                    "quiz": [
                        {"question": "Как отвечать?", "options": ["Грубо", "Вежливо"], "answer": 1}
                    ],
                },
            ],
        },
    )
    page = await login(site.a, **PHONE)
    await expect(page.locator(".toast", has_text="Первая неделя оператора")).to_be_visible()
    await page.evaluate("location.hash = '#/work/knowledge'")
    await page.locator("form.kb-search input").fill("устава")
    await page.locator("form.kb-search button").click()
    await expect(page.locator(".kb-results .kb-card")).to_have_count(1)
    assert await serious_violations(page) == []
    await page.evaluate(f"location.hash = '#/work/knowledge/courses/{course['id']}'")
    lessons = page.locator(".kb-lesson")
    await expect(lessons).to_have_count(2)
    await lessons.nth(0).locator("button.kb-complete").click()
    await expect(page.locator(".kb-progress span").first).to_have_text("Пройдено уроков: 1 из 2")
    second = page.locator(".kb-lesson").nth(1)
    await second.locator("label", has_text="Грубо").click()
    await second.locator("button.kb-complete").click()
    await expect(second.locator(".kb-quiz-result")).to_contain_text("Есть неверные ответы")
    await second.locator("label", has_text="Вежливо").click()
    await second.locator("button.kb-complete").click()
    await expect(page.locator(".kb-finished")).to_have_text("Курс пройден. Спасибо!")
    assert await serious_violations(page) == []
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    await page.screenshot(path=shots / "course-phone.png", full_page=True)
    progress = await site.api("GET", f"/api/knowledge/courses/{course['id']}/progress")
    [anna] = [row for row in progress if row["login"] == site.a.login]
    assert anna["completed"] == 2 and anna["finished_at"]
    assert page.console_errors == []


async def test_a_course_made_in_the_console_at_phone_width(site: Site, login: Any) -> None:
    """«Новый курс» (knowledge.courses): lessons are published articles picked in reading
    order; a course with no lesson is refused in the form, naming the lessons."""
    from playwright.async_api import expect

    await article(site, "Устав профсоюза", "Первичная организация — основа профсоюза.")
    await article(site, "Как отвечать членам профсоюза", "Вежливо и по существу.")
    page = await login(site.b, **PHONE)
    await page.evaluate("location.hash = '#/work/knowledge/courses'")
    await page.get_by_role("button", name="Новый курс").click()
    form = page.locator("form.kb-course-form")
    await form.get_by_label("Название курса").fill("Первая неделя оператора")
    await form.get_by_role("button", name="Создать курс").click()
    await expect(form.locator("[data-field=lessons] .field-error")).to_have_text(
        "Добавьте в курс хотя бы один урок"
    )
    for title in ("Как отвечать членам профсоюза", "Устав профсоюза"):
        await form.get_by_label("Статья для урока").select_option(label=title)
        await form.get_by_role("button", name="Добавить урок").click()
    await form.get_by_role("button", name="Выше: Устав профсоюза").click()
    await expect(form.locator("ol.kb-lessons li")).to_have_text(
        [re.compile("^Устав профсоюза"), re.compile("^Как отвечать членам профсоюза")]
    )
    assert await fits(page)
    assert await serious_violations(page) == []
    await form.get_by_role("button", name="Создать курс").click()
    lessons = page.locator(".kb-lesson summary strong")
    await expect(lessons).to_have_text(["Устав профсоюза", "Как отвечать членам профсоюза"])
    assert page.console_errors == []


async def test_an_admin_writes_a_quiz_and_an_operator_takes_it(
    site: Site, login: Any, shots: Any
) -> None:
    """A lesson's quiz written in «Новый курс» at phone width, with the keyboard: each refusal of
    the server is said at the input it names (no right answer marked, a blank option, an option
    twice), then the course is made; an operator answers wrongly, then rightly, and sees it."""
    from playwright.async_api import expect

    await article(site, "Устав профсоюза", "Первичная организация — основа профсоюза.")
    admin = await login(Operator("", "admin", ""), **PHONE)
    await admin.evaluate("location.hash = '#/work/knowledge/courses'")
    await admin.get_by_role("button", name="Новый курс").click()
    form = admin.locator("form.kb-course-form")
    await form.get_by_label("Название курса").fill("Устав за пять минут")
    await form.get_by_label("Статья для урока").select_option(label="Устав профсоюза")
    await form.get_by_role("button", name="Добавить урок").click()
    await form.get_by_role("button", name="Добавить вопрос").press("Enter")
    question = form.locator(".kb-quiz-question")
    await expect(question.get_by_label("Текст вопроса")).to_be_focused()
    await admin.keyboard.type("Что основа профсоюза?")
    await question.get_by_label("Вариант 1", exact=True).fill("Первичная организация")

    async def refused(field: str, text: str) -> None:
        await form.get_by_role("button", name="Создать курс").click()
        error = form.locator(f'[data-field="{field}"] > .field-error')
        await expect(error).to_have_text(text)

    await refused("lessons[0].quiz[0].answer", "Отметьте верный ответ")
    await question.get_by_label("Верный ответ: вариант 1").press("Space")
    await refused("lessons[0].quiz[0].options[1]", "Напишите вариант ответа")
    await question.get_by_label("Вариант 2", exact=True).fill("Обком")
    await question.get_by_role("button", name="Добавить вариант").press("Enter")
    await expect(question.get_by_label("Вариант 3", exact=True)).to_be_focused()
    await admin.keyboard.type("обком ")
    await refused("lessons[0].quiz[0].options[2]", "Такой вариант уже есть в этом вопросе")
    assert await fits(admin)
    assert await serious_violations(admin) == []
    await admin.screenshot(path=shots / "course-quiz-form-phone.png", full_page=True)
    await question.get_by_role("button", name="Убрать вариант 3").click()
    await form.get_by_role("button", name="Создать курс").click()
    await expect(admin.locator(".kb-lesson summary strong")).to_have_text(["Устав профсоюза"])
    assert admin.console_errors == []

    course_id = (await admin.evaluate("location.hash")).rsplit("/", 1)[1]
    page = await login(site.a, **PHONE)
    await page.evaluate(f"location.hash = '#/work/knowledge/courses/{course_id}'")
    lesson = page.locator(".kb-lesson")
    await expect(lesson.locator("legend")).to_have_text("Что основа профсоюза?")
    await lesson.locator("label", has_text="Обком").click()
    await lesson.locator("button.kb-complete").click()
    await expect(lesson.locator(".kb-quiz-result")).to_contain_text("(0 из 1 верно)")
    await lesson.locator("label", has_text="Первичная организация").click()
    await lesson.locator("button.kb-complete").click()
    await expect(page.locator(".kb-finished")).to_have_text("Курс пройден. Спасибо!")
    assert await serious_violations(page) == []
    assert page.console_errors == []


async def test_a_refused_file_is_said_under_the_file_input(site: Site, login: Any) -> None:
    """An empty file added in the editor at 390 px: the refusal (422 at ``file``) is said under
    «Добавить файл», not in a toast; the text is left as it was."""
    from playwright.async_api import expect

    made = await site.api(
        "POST",
        "/api/knowledge/articles",
        json={"organization_id": site.organization_id, "title": "Регламент", "body": "Пункт 1\n"},
    )
    page = await login(site.b, **PHONE)
    await page.evaluate(f"location.hash = '#/work/knowledge/edit/{made['id']}'")
    files = page.locator("section.kb-files")
    await files.locator(".kb-file-input").set_input_files(
        files=[{"name": "пусто.png", "mimeType": "image/png", "buffer": b""}]
    )
    await expect(files.locator("[data-field=file] .field-error")).to_have_text(
        "Файл не принят: такой тип или размер не допускается"
    )
    await expect(page.locator(".toast-error")).to_have_count(0)
    await expect(page.locator("textarea[name=body]")).to_have_value("Пункт 1\n")
    assert await serious_violations(page, include="section.kb-files") == []
    assert await fits(page)
    assert page.console_errors == []
