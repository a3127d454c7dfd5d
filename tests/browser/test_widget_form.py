"""The site appeal form in a real Chromium, on a page of another origin than the app.

The page (a plain static server on its own port) embeds ``/widget/form.js`` with one script tag;
the member fills the form with the keyboard only, gets a field error the server named (next to
that field, focused), corrects it, and sees the appeal number; the appeal is then read back
through the API with the text the member typed.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio
from console_support import require_browser

from unionline.app import create_app
from unionline.channel.config import ChannelsSettings
from unionline.channels.webform.settings import WebformSettings
from unionline.settings import Settings, settings_type
from unionline.testing.server import free_port, serve
from unionline.testing.support import make_settings

SECRET = "webform-browser-secret-0123456789"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "donor-day" / "index.html"
TEXT = "Прошу разъяснить порядок оплаты сверхурочной работы."


@contextlib.contextmanager
def static_site(folder: Path) -> Iterator[str]:
    """A plain web server for ``folder`` on its own port: the union's site, another origin."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def form_settings(url: str, tmp_path: Path) -> Settings:
    import msgspec

    data = msgspec.to_builtins(make_settings(url, plugins=["webform"]))
    data["channels"] = {"attachments_dir": str(tmp_path / "attachments")}
    # Two seconds: a quick fill meets "too_fast" and the widget waits and sends again by itself.
    data["webform"] = {"min_fill_seconds": 2}
    kind = settings_type({"channels": ChannelsSettings, "webform": WebformSettings})
    return msgspec.convert(data, kind)


class FormSite:
    def __init__(
        self, app_base: str, page_base: str, client: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        self.app_base = app_base
        self.page_base = page_base
        self.client = client
        self.admin = admin

    async def api(self, path: str) -> Any:
        response = await self.client.get(path, headers=self.admin)
        assert response.status_code == 200, response.text
        return response.json()


async def seed(client: httpx.AsyncClient, page_origin: str) -> dict[str, str]:
    from unionline.access import Grant
    from unionline.operators.services import create_operator, create_token

    admin_id = await create_operator("admin", "password-123", grants=[Grant("admin", None)])
    admin = {"Authorization": f"Bearer {await create_token(admin_id, 'widget tests')}"}
    org = await client.post(
        "/api/organizations/",
        headers=admin,
        json={"name": "Профком завода", "code": "ZAVOD", "kind": "primary"},
    )
    assert org.status_code == 201, org.text
    account = await client.post(
        "/api/channel-accounts/",
        headers=admin,
        json={
            "organization_id": org.json()["id"],
            "channel": "webform",
            "name": "Форма на сайте",
            "public_key": "donor-day-form",
            "config": {
                "fields": {
                    "name": {"required": True},
                    "phone": {"required": True},
                    "email": {},
                    "topic": {"required": True},
                    "text": {"required": True},
                    "consent": {"required": True},
                },
                "topics": [{"id": "pay", "ru": "Оплата труда", "en": "Pay"}],
                "allowed_origins": [page_origin],
                "privacy_policy_url": f"{page_origin}/privacy.html",
            },
            "secrets": {"signing_secret": SECRET},
        },
    )
    assert account.status_code == 201, account.text
    return admin


@pytest_asyncio.fixture(loop_scope="session")
async def form_site(unionline_database_url: str, tmp_path: Path) -> AsyncIterator[FormSite]:
    require_browser()
    pages = tmp_path / "site"
    pages.mkdir()
    with static_site(pages) as page_base:
        app = create_app(form_settings(unionline_database_url, tmp_path), migrate=True)
        async with (
            serve(app) as app_base,
            httpx.AsyncClient(base_url=app_base, timeout=30) as client,
        ):
            admin = await seed(client, page_base)
            tag = f'<script src="{app_base}/widget/form.js" data-form-key="donor-day-form"'
            for name, lang in (("index.html", "ru"), ("en.html", "en")):
                (pages / name).write_text(
                    f'<!doctype html><html lang="{lang}"><meta charset="utf-8">'
                    "<title>День донора</title><h1>День донора</h1>"
                    f'<p>Задайте вопрос профкому.</p>{tag} data-lang="{lang}" async></script>',
                    encoding="utf-8",
                )
            example = EXAMPLE.read_text(encoding="utf-8").replace("http://127.0.0.1:8000", app_base)
            (pages / "donor-day.html").write_text(example, encoding="utf-8")
            yield FormSite(app_base, page_base, client, admin)


@pytest_asyncio.fixture(loop_scope="session")
async def page(form_site: FormSite, chromium: Any) -> AsyncIterator[Any]:
    context = await chromium.new_context(locale="ru-RU")
    try:
        context.set_default_timeout(15_000)
        opened = await context.new_page()
        opened.errors = []
        opened.on("pageerror", lambda e: opened.errors.append(str(e)))
        opened.requests = []
        opened.on("request", lambda r: opened.requests.append(r.url))
        yield opened
    finally:
        await context.close()


async def focused_name(page: Any) -> str:
    """The ``name`` of the focused control inside the widget's shadow root."""
    return str(
        await page.evaluate(
            "() => { const host = document.querySelector('.unionline-form');"
            " const el = host && host.shadowRoot.activeElement;"
            " return el ? (el.name || el.tagName) : ''; }"
        )
    )


async def tab_to(page: Any, name: str, limit: int = 12) -> None:
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await focused_name(page) == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


async def test_keyboard_only_member_gets_a_field_error_then_the_appeal_number(
    form_site: FormSite, page: Any, shots: Path
) -> None:
    from playwright.async_api import expect

    await page.goto(f"{form_site.page_base}/index.html")
    await expect(page.get_by_role("heading", name="Обращение в профсоюз")).to_be_visible()
    await expect(page.get_by_label("Текст обращения")).to_be_visible()

    await tab_to(page, "name")
    await page.keyboard.type("Мария Соколова")
    await tab_to(page, "phone")
    await page.keyboard.type("12345")  # not a phone number: only the server can tell
    await tab_to(page, "topic")
    await page.keyboard.press("ArrowDown")
    await tab_to(page, "text")
    await page.keyboard.type(TEXT)
    await tab_to(page, "consent")
    await page.keyboard.press("Space")
    await tab_to(page, "BUTTON")
    await page.keyboard.press("Enter")

    phone = page.get_by_label("Телефон")
    error = page.locator("p.error", has_text="Укажите телефон")
    await expect(error).to_be_visible()
    await expect(phone).to_have_attribute("aria-invalid", "true")
    assert await phone.get_attribute("aria-describedby") == await error.get_attribute("id")
    assert await focused_name(page) == "phone"  # focus moved to the field the server named
    await page.screenshot(path=shots / "widget-form-error.png", full_page=True)

    await page.keyboard.press("Control+A")
    await page.keyboard.type("8 (912) 345-67-89")
    await page.keyboard.press("Enter")  # submits the form from the text field

    done = page.locator(".done p")
    await expect(done).to_have_text(re.compile(r"Ваше обращение № ZAVOD-\d{4}-\d+ принято"))
    number = (await done.text_content()).split("№ ")[1].split(" ")[0]
    await page.screenshot(path=shots / "widget-form-done.png", full_page=True)

    appeals = (await form_site.api("/api/appeals/"))["items"]
    [appeal] = [a for a in appeals if a["number"] == number]
    assert appeal["channel"] == "webform"
    timeline = await form_site.api(f"/api/appeals/{appeal['id']}/timeline")
    bodies = [e["body"] for e in timeline["items"] if e["kind"] == "message_in"]
    assert bodies == [TEXT]
    member = await form_site.api(f"/api/members/{appeal['member_id']}")
    assert member["full_name"] == "Мария Соколова"
    assert page.errors == []
    foreign = [
        u for u in page.requests if not u.startswith((form_site.page_base, form_site.app_base))
    ]
    assert foreign == []  # nothing goes to a third party

    # The operator sees the form's own fields under the message (the topic is its subject).
    await page.goto(f"{form_site.app_base}/console")
    await page.fill("#login-name", "admin")
    await page.fill("#login-password", "password-123")
    await page.click("form.login-form button[type=submit]")
    await page.wait_for_selector(".connection[data-state=online]")
    await page.goto(f"{form_site.app_base}/console#/all/{appeal['id']}")
    fields = page.locator(".timeline .message-in .webform-fields")
    await expect(fields.locator("dd[data-field=name]")).to_have_text("Мария Соколова")
    phone_link = fields.locator("dd[data-field=phone] a")
    await expect(phone_link).to_have_attribute("href", "tel:+79123456789")
    await expect(fields.locator("dd[data-field=consent]")).to_have_text(re.compile(r"^дано \d"))
    await expect(page.locator(".timeline .message-in .mail-subject")).to_have_text("Оплата труда")
    from axe_support import serious_violations

    assert await serious_violations(page, include=".timeline") == []
    assert page.errors == []


async def test_the_form_speaks_english_and_names_missing_fields_before_sending(
    form_site: FormSite, page: Any
) -> None:
    from playwright.async_api import expect

    await page.goto(f"{form_site.page_base}/en.html")
    await expect(page.get_by_role("heading", name="Write to the union")).to_be_visible()
    await page.get_by_role("button", name="Send").click()
    name = page.get_by_label("Your name")
    await expect(name).to_have_attribute("aria-invalid", "true")
    await expect(name).to_be_focused()
    await expect(
        page.locator("p.error", has_text="Please fill in this field").first
    ).to_be_visible()
    appeals = (await form_site.api("/api/appeals/"))["items"]
    assert appeals == []


async def test_the_example_page_embeds_the_form_in_its_place(
    form_site: FormSite, page: Any, shots: Path
) -> None:
    """examples/donor-day: the form renders inside ``#form``, untouched by the page's styles."""
    from playwright.async_api import expect

    await page.goto(f"{form_site.page_base}/donor-day.html")
    place = page.locator("#form")
    text = place.get_by_label("Текст обращения")
    await expect(text).to_be_visible()
    size = await text.evaluate("el => getComputedStyle(el).fontSize")
    assert size != "22px"  # the page's `textarea { font-size: 22px !important }` stays outside
    await place.get_by_label("Ваше имя").fill("Олег Новиков")
    await place.get_by_label("Телефон").fill("+7 999 123-45-67")
    await place.get_by_label("Тема обращения").select_option(label="Оплата труда")
    await text.fill("Сколько дней отдыха положено донору?")
    await place.get_by_role("checkbox").check()
    await place.get_by_role("button", name="Отправить").click()
    await expect(place.locator(".done p")).to_contain_text("Ваше обращение № ZAVOD-")
    await page.screenshot(path=shots / "widget-form-donor-day.png", full_page=True)
    assert page.errors == []


async def test_the_form_passes_the_accessibility_gate(form_site: FormSite, page: Any) -> None:
    """axe-core finds nothing critical or serious in the form: empty, with the errors of an
    empty send, and after a good one (docs/testing.md, "Accessibility")."""
    from axe_support import serious_violations
    from playwright.async_api import expect

    await page.goto(f"{form_site.page_base}/index.html")
    await expect(page.get_by_label("Текст обращения")).to_be_visible()
    assert await serious_violations(page) == []
    await page.get_by_role("button", name="Отправить").click()
    await expect(page.locator("p.error").first).to_be_visible()
    assert await serious_violations(page) == []
    await page.get_by_label("Ваше имя").fill("Мария Соколова")
    await page.get_by_label("Телефон").fill("+7 912 345-67-89")
    await page.get_by_label("Тема").select_option(index=1)
    await page.get_by_label("Текст обращения").fill(TEXT)
    await page.get_by_role("checkbox").check()
    await page.get_by_role("button", name="Отправить").click()  # too fast: it sends again itself
    await expect(page.locator(".done p")).to_contain_text("Ваше обращение № ZAVOD-")
    assert await serious_violations(page) == []
