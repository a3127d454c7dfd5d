"""Files in the console's replies: an operator attaches a PDF (uploaded at once, a chip while and
after it uploads), a refused type is said in the console's words and leaves nothing, the reply takes
the file to the channel and the timeline links it for download; the button is keyboard-usable,
hidden for a channel that declares ``files: false``, and attached files stay with their appeal.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from channel_support import REF
from conftest import Login
from console_support import Site, open_appeal, wait_for
from playwright.async_api import expect

from unionline.settings import Settings
from unionline.testing.support import make_settings

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!doctype html><script>alert(1)</script>"
UPLOADS = "**/api/attachments"


@pytest.fixture
def browser_settings(unionline_database_url: str, tmp_path: Path) -> Settings:
    """The reference channel (carries files) and the webform channel (declares files: false)."""
    return REF.configure(make_settings(unionline_database_url, plugins=["webform"]), tmp_path)


def upload(name: str, kind: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "mimeType": kind, "buffer": data}


async def claimed_appeal(site: Site, page: Any, text: str) -> None:
    await page.click("[data-list=unassigned]")
    await site.inbound(text)
    await open_appeal(page, text)
    await page.click("button.claim")
    await expect(page.locator(".assignee-name")).to_have_text(site.a.name)


async def test_reply_carries_an_uploaded_pdf_and_a_refused_file_goes_nowhere(
    site: Site, login: Login, shots: Path
) -> None:
    a = await login(site.a)
    # Subscribed early: Playwright turns file-chooser interception on in the background.
    choosers: list[Any] = []
    a.on("filechooser", lambda chooser: choosers.append(chooser))
    await claimed_appeal(site, a, "Пришлите, пожалуйста, акт сверки взносов.")
    composer = a.locator("ul-composer")
    chips = composer.locator(".file-chip")
    file_input = composer.locator("input[type=file]")
    await expect(composer.get_by_role("button", name="Прикрепить файл")).to_be_visible()
    assert await file_input.get_attribute("multiple") is not None

    # A type the server does not accept: said in the console's words with the file's type, no chip.
    await file_input.set_input_files(upload("page.html", "text/html", HTML))
    refused = a.locator("#toasts .toast-error")
    await expect(refused).to_contain_text("page.html")
    await expect(refused).to_contain_text("(text/html, ")
    await expect(refused).to_contain_text("не допускаются")
    await expect(chips).to_have_count(0)

    # The PDF uploads at once; while it is on its way the chip says so and nothing can be sent.
    gate = asyncio.Event()

    async def hold(route: Any) -> None:
        await gate.wait()
        await route.continue_()

    await a.route(UPLOADS, hold)
    await file_input.set_input_files(upload("akt-sverki.pdf", "application/pdf", PDF))
    pdf_chip = chips.filter(has_text="akt-sverki.pdf")
    await expect(pdf_chip).to_have_attribute("data-state", "uploading")
    await expect(pdf_chip).to_contain_text("загрузка…")
    reply = "Акт сверки во вложении."
    await a.fill("textarea.composer-text", reply)
    send = composer.locator("button.send")
    await expect(send).to_be_disabled()
    await expect(composer.locator(".composer-hint")).to_have_text("Дождитесь загрузки файлов")
    gate.set()
    await expect(pdf_chip).to_have_attribute("data-state", "ready")
    await expect(pdf_chip).to_contain_text(f"{len(PDF)} Б")
    await a.unroute(UPLOADS, hold)

    # The button works from the keyboard too; a chip's × takes a file back out.
    await composer.get_by_role("button", name="Прикрепить файл").focus()
    await a.keyboard.press("Enter")
    chooser = (await wait_for(lambda: choosers, "the file chooser"))[0]
    assert chooser.is_multiple()
    await chooser.set_files(upload("lishnee.txt", "text/plain", b"not this one"))
    await expect(chips.filter(has_text="lishnee.txt")).to_have_attribute("data-state", "ready")
    await composer.get_by_role("button", name="Убрать файл lishnee.txt").click()
    await expect(chips).to_have_count(1)

    # With files a reply still needs its text (the server takes none without).
    await a.fill("textarea.composer-text", "")
    await expect(send).to_be_disabled()
    await expect(composer.locator(".composer-hint")).to_have_text(
        "Напишите текст: файлы уходят вместе с ответом"
    )
    await a.fill("textarea.composer-text", reply)
    await expect(send).to_be_enabled()
    await a.screenshot(path=shots / "console-reply-file.png")
    await send.click()

    # Sent: the chips are gone, the channel got exactly the PDF, the timeline links it.
    await expect(chips).to_have_count(0)
    sent = await wait_for(lambda: [s for s in site.sent() if reply in s.text], "the reply sent")
    assert [s.files for s in sent] == [[("akt-sverki.pdf", PDF)]]
    link = a.locator(".timeline .message-out", has_text=reply).get_by_role("link")
    await expect(link).to_have_text(f"↓ akt-sverki.pdf ({len(PDF)} Б)")
    href = await link.get_attribute("href")
    assert href is not None and re.fullmatch(r"/api/attachments/[0-9a-f-]{36}", href)
    status, disposition, body = await a.evaluate(
        """async (url) => {
            const r = await fetch(url);
            return [r.status, r.headers.get('content-disposition'), await r.text()];
        }""",
        href,
    )
    assert status == 200 and disposition.startswith("attachment;")
    assert body == PDF.decode()
    assert a.console_errors == []


async def test_no_button_for_a_channel_without_files_and_files_stay_with_their_appeal(
    site: Site, login: Login
) -> None:
    form_appeal = await site.api(
        "POST",
        "/api/appeals/",
        json={
            "organization_id": site.organization_id,
            "member_id": site.member_id,
            "subject": "Вопрос с формы на сайте",
            "channel": "webform",
        },
    )
    a = await login(site.a)
    await claimed_appeal(site, a, "Нужна справка о членстве в профсоюзе.")
    here = await a.evaluate("location.hash")
    composer = a.locator("ul-composer")
    await composer.locator("input[type=file]").set_input_files(
        upload("zayavlenie.pdf", "application/pdf", PDF)
    )
    chip = composer.locator(".file-chip", has_text="zayavlenie.pdf")
    await expect(chip).to_have_attribute("data-state", "ready")

    # The form channel carries neither replies nor files: its appeal says so, with no button
    # (and no chips).
    await a.evaluate("(id) => { location.hash = '#/all/' + id; }", form_appeal["id"])
    await expect(a.locator(".appeal-subject")).to_have_text("Вопрос с формы на сайте")
    await expect(composer.locator(".no-replies")).to_be_visible()
    await expect(composer.locator("button.attach")).to_be_hidden()
    await expect(composer.locator(".file-chip")).to_have_count(0)

    # Back on the first appeal the file is still attached; notes never show it.
    await a.evaluate("(hash) => { location.hash = hash; }", here)
    await expect(chip).to_have_attribute("data-state", "ready")
    await composer.locator("[data-mode=note]").click()
    await expect(composer.locator(".file-chip")).to_have_count(0)
    await expect(composer.locator("button.attach")).to_have_count(0)
    await composer.locator("[data-mode=reply]").click()
    await expect(chip).to_be_visible()

    # English.
    await a.click(".topbar [data-lang=en]")
    await expect(composer.get_by_role("button", name="Attach file")).to_be_visible()
    await expect(composer.locator(".file-chip", has_text="zayavlenie.pdf")).to_contain_text(
        f"{len(PDF)} B"
    )
    assert a.console_errors == []
