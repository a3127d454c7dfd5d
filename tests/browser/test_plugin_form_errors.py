"""What a new administrator meets in plugin forms before anything is set up, in Chromium, in
Russian: a refusal that names no field of the form is said in it (the meetings form had no
place for it, so «Назначить» did nothing visible when no video service was set up), and the
new-document form of a fresh installation says where document kinds are made."""

from __future__ import annotations

from typing import Any

import pytest
from axe_support import serious_violations
from conftest import Login
from console_support import Operator, Site, fits
from playwright.async_api import expect

pytestmark = pytest.mark.unionline_plugins("meetings", "docflow")
ADMIN = Operator("", "admin", "")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


async def gate(page: Any, where: str) -> None:
    found = await serious_violations(page)
    assert found == [], f"{where}:\n" + "\n".join(found)


async def test_a_meeting_without_a_video_service_says_so_in_the_form(
    site: Site, login: Login
) -> None:
    page = await login(ADMIN, **PHONE)
    await page.evaluate("location.hash = '#/work/meetings'")
    await page.get_by_role("button", name="Новая встреча").click()
    form = page.locator("form.meeting-form")
    await form.get_by_label("Тема").fill("Заседание профкома")
    async with page.expect_response(
        lambda r: r.url.endswith("/api/meetings/") and r.request.method == "POST"
    ) as answered:
        await form.get_by_role("button", name="Назначить").click()
    assert (await answered.value).status == 503  # the server's refusal: no platform set up
    # It names the field ``provider``: said at «Платформа» (the form's own since the platforms
    # became a choice; before, the form had no such field and said it in its .form-error).
    error = form.locator("[data-field=provider] .field-error")
    await expect(error).to_have_text(
        "Видеосервис сейчас недоступен или не настроен. Сообщите администратору"
    )
    await expect(error).to_have_attribute("role", "alert")
    assert await fits(page)
    await gate(page, "the meeting form with its error at 390 px")
    assert await site.api("GET", "/api/meetings/") == []  # nothing written


async def test_a_new_document_before_any_kind_says_where_kinds_are_made(
    site: Site, login: Login
) -> None:
    page = await login(ADMIN, **PHONE)
    await page.evaluate("location.hash = '#/work/docflow'")
    await page.get_by_role("button", name="Новый документ").click()
    hint = page.locator("form.doc-form .doc-no-kinds")
    await expect(hint).to_contain_text("В этой организации пока нет видов документов.")
    await hint.get_by_role("link").click()
    await expect(page.locator(".doc-setup-kinds")).to_be_visible()

    await site.api(
        "POST",
        "/api/docflow/kinds",
        json={
            "organization_id": site.organization_id,
            "code": "letter",
            "name": "Письмо",
            "category": "incoming",
        },
    )
    await page.evaluate("location.hash = '#/work/docflow'")
    await page.get_by_role("button", name="Новый документ").click()
    form = page.locator("form.doc-form")
    await form.locator("[name=organization_id]").select_option(site.organization_id)
    await expect(form.locator("[name=kind_id] option")).to_have_count(1)
    await expect(form.locator(".doc-no-kinds")).to_be_hidden()
    assert page.console_errors == []
