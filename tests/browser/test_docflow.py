"""Docflow in a real Chromium, in Russian: the author writes a document and sends it on a
route; the approver finds it under «На согласовании у меня» and approves; the author's open
card shows the new stage and status at once, from the console's socket. The pages pass the
accessibility gate, the card also at phone width (390 px)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_support import serious_violations
from conftest import Login
from console_support import Site, fits, open_appeal
from playwright.async_api import expect

from unionline.plugins.docflow.templates import soffice

pytestmark = pytest.mark.unionline_plugins("docflow", "meetings")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


async def gate(page: Any, where: str) -> None:
    found = await serious_violations(page)
    assert found == [], f"{where}:\n" + "\n".join(found)


async def test_an_approval_reaches_the_author_live(site: Site, login: Login, shots: Path) -> None:
    journal = await site.api(
        "POST",
        "/api/docflow/journals",
        json={
            "organization_id": site.organization_id,
            "name": "Внутренние",
            "number_format": "{case}/{seq}",
            "case_index": "01-07",
        },
    )
    await site.api(
        "POST",
        "/api/docflow/kinds",
        json={
            "organization_id": site.organization_id,
            "code": "prot",
            "name": "Протокол",
            "category": "internal",
            "journal_id": journal["id"],
            "requisites": [{"name": "meeting", "label": "Заседание", "required": True}],
        },
    )
    author = await login(site.a)
    await author.goto(f"{site.base}/console#/work/docflow")
    await expect(author.locator("ul-docflow-page h2")).to_have_text("Документы")
    await author.locator("ul-docflow-page .admin-head button.primary").click()
    form = author.locator("form.doc-form")
    await form.locator("[name=title]").fill("Протокол заседания профкома № 12")
    await form.locator("[data-requisite=meeting]").fill("Заседание профкома 05.12")
    await form.locator("button[type=submit]").click()
    card = author.locator(".doc-card")
    await expect(card.locator("h2")).to_have_text("Протокол заседания профкома № 12")
    await card.locator(".doc-actions button.primary").click()  # «Зарегистрировать»
    await expect(card.locator(".doc-number")).to_have_text("01-07/1")
    await card.locator(".doc-route-form button").click()
    row = card.locator(".doc-stage-row").first
    await row.locator("input[type=text]").fill("Председатель")
    await row.locator("select[multiple]").select_option(label=site.b.name)
    await card.locator(".doc-stages-form button[type=submit]").click()
    await expect(card.locator(".doc-stage")).to_have_text("Председатель (1/1)")
    await expect(card.locator(".doc-holders")).to_have_text(site.b.name)
    await gate(author, "the card on its route")

    approver = await login(site.b)
    await approver.goto(f"{site.base}/console#/work/docflow")
    item = approver.locator(".doc-list li", has_text="Протокол заседания профкома")
    await expect(item.locator(".doc-stage")).to_contain_text("Председатель (1/1)")
    await gate(approver, "На согласовании у меня")
    await item.locator("a").click()
    # The meetings plugin's part of the card: a meeting about the document, its form filled.
    await card.get_by_role("button", name="Созвать встречу по документу").click()
    meeting = card.locator("form.meeting-form")
    await expect(meeting.get_by_label("Тема")).to_have_value("Протокол заседания профкома № 12")
    box = approver.locator(".doc-decision")
    await box.locator("textarea").fill("Согласовано, в дело 01-07")
    await box.locator("button[data-verdict=approve]").click()
    await expect(approver.locator(".doc-card .doc-status")).to_have_text("Согласован")

    # The author did nothing: the socket brought the change to the open card.
    await expect(card.locator(".doc-status")).to_have_text("Согласован")
    await expect(card.locator(".doc-stage")).to_have_text("Согласован")
    await expect(card.locator(".doc-decisions")).to_contain_text("Согласовано, в дело 01-07")
    await expect(meeting).to_be_visible()  # the live redraw left the open form alone
    await author.screenshot(path=shots / "docflow-card.png", full_page=True)
    assert author.console_errors == [] and approver.console_errors == []

    phone = await login(site.a, **PHONE)
    await phone.goto(f"{site.base}/console#/work/docflow/{author.url.rsplit('/', 1)[-1]}")
    await expect(phone.locator(".doc-card h2")).to_be_visible()
    assert await fits(phone)
    await gate(phone, "the card at phone width")
    admin_page = await login(site.b)
    await admin_page.goto(f"{site.base}/console#/admin/docflow-setup")
    await expect(admin_page.locator(".doc-setup-kinds")).to_contain_text("Протокол")
    # Whether PDF works is said where templates are kept (LibreOffice is optional).
    pdf_note = "LibreOffice установлен" if soffice() else "PDF недоступен: на сервере не установлен"
    await expect(admin_page.locator(".doc-pdf-note")).to_contain_text(pdf_note)
    await admin_page.locator(".doc-setup-processes > button").click()
    await expect(admin_page.locator(".doc-stage-row")).to_have_count(1)
    await admin_page.locator(".doc-setup-kinds > button").click()
    await admin_page.locator(".doc-setup-kinds fieldset button").click()
    await expect(admin_page.locator(".doc-requisite-rows li")).to_have_count(1)
    await gate(admin_page, "Документооборот with the process designer and a kind's form open")

    # Keeping the setup: a kind changed in its own form, then archived; its journal cannot go
    # first (the kind registers into it) and says so; the old card keeps the kind's name.
    await admin_page.get_by_role("button", name="Изменить: Протокол").click()
    kind_form = admin_page.locator("form.doc-kind-form")
    await expect(kind_form.locator("[name=code]")).to_have_value("prot")
    await expect(kind_form.locator(".doc-requisite-rows li input").first).to_have_value("meeting")
    await kind_form.locator("[name=name]").fill("Протокол заседания")
    await kind_form.locator("button[type=submit]").click()
    kinds = admin_page.locator(".doc-setup-kinds")
    await expect(kinds.locator("ul.admin-cards").first).to_contain_text("Протокол заседания")
    await admin_page.get_by_role("button", name="В архив: Внутренние").click()
    await expect(admin_page.locator(".doc-setup-journals li [role=alert]")).to_contain_text(
        "его использует «Протокол заседания»"
    )
    await admin_page.get_by_role("button", name="В архив: Протокол заседания").click()
    await expect(kinds.locator("details summary")).to_have_text("Архив (1)")
    await kinds.locator("details summary").click()
    await expect(
        admin_page.get_by_role("button", name="Вернуть из архива: Протокол заседания")
    ).to_be_visible()
    await admin_page.get_by_role("button", name="Изменить: Внутренние").click()
    await expect(admin_page.locator("form.doc-journal-form [name=reset]")).to_have_value("yearly")
    await gate(admin_page, "Документооборот with the archive open and a journal's form")
    await admin_page.screenshot(path=shots / "docflow-setup.png", full_page=True)
    await admin_page.set_viewport_size({"width": 390, "height": 844})
    assert await fits(admin_page)
    await author.reload()
    await expect(author.locator(".doc-card .doc-kind")).to_have_text("Протокол заседания")
    assert admin_page.console_errors == [] and author.console_errors == []


async def test_a_members_application_started_on_an_appeal(site: Site, login: Login) -> None:
    kind = await site.api(
        "POST",
        "/api/docflow/kinds",
        json={
            "organization_id": site.organization_id,
            "code": "aid",
            "name": "Заявление",
            "category": "application",
        },
    )
    await site.api(
        "POST",
        "/api/docflow/processes",
        json={
            "organization_id": site.organization_id,
            "name": "Материальная помощь",
            "kind_id": kind["id"],
            "audience": "member",
            "stages": [{"assignees": [site.b.id], "days": 3}],
        },
    )
    await site.inbound("Прошу материальную помощь на лечение")
    page = await login(site.a)
    await page.click("[data-list=unassigned]")
    await open_appeal(page, "материальную помощь")
    side = page.locator("ul-appeal-docflow")
    await expect(side.locator("h3")).to_have_text("Документы по обращению")
    await side.locator("button.start-process").click()
    await side.locator("[name=title]").fill("Заявление на материальную помощь")
    await side.locator("button[type=submit]").click()
    await expect(side.locator("li")).to_contain_text("(1/1)")
    await gate(page, "an appeal with its documents")

    # The process opened again in the designer: its stage as it was, a second one added.
    admin = await login(site.b)
    await admin.goto(f"{site.base}/console#/admin/docflow-setup")
    await admin.get_by_role("button", name="Изменить: Материальная помощь").click()
    designer = admin.locator("form.doc-process-form")
    await expect(designer.locator("[name=name]")).to_have_value("Материальная помощь")
    await expect(designer.locator(".doc-stage-row")).to_have_count(1)
    chosen = designer.locator(".doc-stage-row select[multiple] option:checked")
    await expect(chosen).to_have_text(site.b.name)
    await designer.get_by_role("button", name="Добавить этап").click()
    second = designer.locator(".doc-stage-row").nth(1)
    await second.locator("input[type=text]").fill("Председатель")
    await second.locator("select[multiple]").select_option(label=site.b.name)
    await designer.locator(".form-buttons button[type=submit]").click()
    item = admin.locator(".doc-setup-processes li", has_text="Материальная помощь")
    await expect(item).to_contain_text("этапов: 2")
    assert admin.console_errors == []


async def test_a_bad_number_format_is_said_at_its_field(site: Site, login: Login) -> None:
    """The journal form at phone width: the server's refusal of a number format is said in
    Russian at the field it names — an unknown part with the parts there are, a format using
    {case} without the case index — and the journal is made once it is right."""
    page = await login(site.b, **PHONE)
    await page.goto(f"{site.base}/console#/admin/docflow-setup")
    await page.get_by_role("button", name="Новый журнал").click()
    form = page.locator("form.doc-journal-form")
    await form.get_by_label("Название").fill("Входящие")
    number_format = form.get_by_label("Формат номера")

    async def refused(field: str, text: str) -> None:
        await form.get_by_role("button", name="Создать").click()
        await expect(form.locator(f"[data-field={field}] .field-error")).to_have_text(text)
        await expect(form.locator(f"[data-field={field}]")).to_have_class("field invalid")

    await number_format.fill("Вх-{номер}")
    await refused(
        "number_format", "Неизвестная часть «{номер}». Можно: {seq}, {case}, {year}, {yy}, {org}"
    )
    await expect(number_format).to_be_focused()
    await number_format.fill("{year:04}-{seq}")
    await refused(
        "number_format",
        "Ширину можно задать только номеру: {seq:04} — с нулями до четырёх цифр; у «{year}» её"
        " быть не может",
    )
    await number_format.fill("{case}/{seq}")
    await refused("case_index", "Формат номера использует {case}: укажите индекс дела")
    assert await fits(page)
    await gate(page, "the journal form with its error at 390 px")
    await form.get_by_label("Индекс дела по номенклатуре").fill("01-03")
    await form.get_by_role("button", name="Создать").click()
    await expect(page.locator(".doc-setup-journals")).to_contain_text("Входящие · {case}/{seq}")
    assert page.console_errors == []


async def _memo(site: Site) -> dict[str, Any]:
    """A memo of the seeded organization, in a journal of its own kind, on no route yet."""
    journal = await site.api("POST", "/api/docflow/journals", json={
        "organization_id": site.organization_id, "name": "Внутренние", "number_format": "{seq}",
    })  # fmt: skip
    kind = await site.api("POST", "/api/docflow/kinds", json={
        "organization_id": site.organization_id, "code": "sl", "name": "Служебная записка",
        "category": "internal", "journal_id": journal["id"],
    })  # fmt: skip
    return await site.api("POST", "/api/docflow/documents", json={
        "organization_id": site.organization_id, "kind_id": kind["id"],
        "title": "Служебная записка о графике отпусков",
    })  # fmt: skip


async def test_a_refused_route_is_said_at_its_stage(site: Site, login: Login) -> None:
    """«Отправить по маршруту» with a stage nobody is chosen for: the refusal (422,
    ``stages[0].assignees``) is said under that stage's «Участники», at 390 px, not in a toast;
    with a person chosen the route starts."""
    doc = await _memo(site)
    page = await login(site.a, **PHONE)
    await page.goto(f"{site.base}/console#/work/docflow/{doc['id']}")
    card = page.locator(".doc-card")
    await card.locator(".doc-route-form button").click()
    row = card.locator(".doc-stage-row").first
    await row.locator("input[type=text]").fill("Председатель")
    await card.locator(".doc-stages-form button[type=submit]").click()
    people = row.locator("[data-field='stages[0].assignees']")
    await expect(people.locator(".field-error")).to_have_text(
        "Выберите участников этапа — тех, кто видит документы этой организации (от 1 до 30)"
    )
    await expect(people.locator("select")).to_be_focused()
    await expect(page.locator(".toast")).to_have_count(0)
    await gate(page, "the route form with its refusal at 390 px")
    assert await fits(page)
    await row.locator("select[multiple]").select_option(label=site.b.name)
    await card.locator(".doc-stages-form button[type=submit]").click()
    await expect(card.locator(".doc-stage")).to_have_text("Председатель (1/1)")
    assert page.console_errors == []


async def test_a_refused_decision_is_said_at_its_comment(site: Site, login: Login) -> None:
    """«Ваше решение» with a comment over 5000 characters: the refusal (``comment``) is said
    under the comment at 390 px, not in a toast; the step still waits for the decision."""
    doc = await _memo(site)
    await site.api("POST", f"/api/docflow/documents/{doc['id']}/route", json={
        "stages": [{"title": "Председатель", "assignees": [site.b.id]}],
    })  # fmt: skip
    page = await login(site.b, **PHONE)
    await page.goto(f"{site.base}/console#/work/docflow/{doc['id']}")
    decision = page.locator("section.doc-decision")
    await decision.locator("textarea[name=comment]").fill("я" * 5001)
    await decision.locator("button[data-verdict=approve]").click()
    comment = decision.locator("[data-field=comment]")
    await expect(comment.locator(".field-error")).to_have_text("Проверьте поле «комментарий»")
    await expect(comment.locator("textarea")).to_be_focused()
    await expect(page.locator(".toast-error")).to_have_count(0)
    await gate(page, "the decision with its refusal at 390 px")
    assert await fits(page)
    await decision.locator("textarea[name=comment]").fill("Согласовано")
    await decision.locator("button[data-verdict=approve]").click()
    await expect(page.locator(".doc-card section.doc-decision")).to_have_count(0)
    assert page.console_errors == []


async def test_a_refused_file_is_said_under_the_upload(site: Site, login: Login) -> None:
    """An empty file uploaded on the card at 390 px: the refusal (422 at ``file``) is said under
    «Загрузить файл» in words — it was a toast with the server's English message."""
    doc = await _memo(site)
    page = await login(site.a, **PHONE)
    await page.goto(f"{site.base}/console#/work/docflow/{doc['id']}")
    files = page.locator("section.doc-files")
    await files.locator("input[type=file]").set_input_files(
        {"name": "пусто.txt", "mimeType": "text/plain", "buffer": b""}
    )
    await expect(files.locator("[data-field=file] .field-error")).to_have_text(
        "Файл не принят: такой тип или размер не допускается"
    )
    await expect(page.locator(".toast-error")).to_have_count(0)
    await gate(page, "the card's files with a refusal at 390 px")
    assert await fits(page)
    assert page.console_errors == []
