"""The chat widget in a real browser, on the example union page (examples/donor-day) served
from another origin than the app: a visitor and an operator talk both ways, the operator's
typing shows in the widget and the visitor's in the console, a reload keeps the conversation,
a script payload stays text, a page of a site the widget does not allow cannot connect, the
widget asks nothing of any third party, and — with the knowledge base on — what a visitor types
finds the union's public help articles before they write, «Не помогло — написать нам» sending
the question on."""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from channel_support import REF
from console_support import Site, open_appeal
from playwright.async_api import expect

from unionline import current
from unionline.settings import Settings
from unionline.testing.server import free_port
from unionline.testing.support import make_settings

PAGE = Path(__file__).resolve().parents[2] / "examples" / "donor-day" / "index.html"
PAYLOAD = "<img src=x onerror=alert(1)><script>alert(2)</script>"
SECRET = "donor-day-widget-secret-0123456789"


@pytest.fixture
def browser_settings(
    request: pytest.FixtureRequest, unionline_database_url: str, tmp_path: Path
) -> Settings:
    settings = REF.configure(make_settings(unionline_database_url), tmp_path)
    marker = request.node.get_closest_marker("unionline_plugins")  # optional plugins to enable
    more = list(marker.args) if marker else []
    return msgspec.structs.replace(settings, plugins=[*settings.plugins, "web", *more])


@contextlib.contextmanager
def union_site(app_base: str) -> Iterator[str]:
    """The example page on its own origin, as the union's web server would serve it."""
    body = PAGE.read_text(encoding="utf-8").replace("http://127.0.0.1:8000", app_base).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


async def _widget(site: Site, origin: str, **config: Any) -> None:
    await site.api(
        "POST",
        "/api/channel-accounts/",
        json={
            "organization_id": site.organization_id,
            "channel": "web",
            "name": "Чат на сайте",
            "public_key": "donor-day",
            "config": {"allowed_origins": [origin], "form_url": "#form", **config},
            "secrets": {"widget_secret": SECRET},
        },
    )


async def _visitor_page(browser: Any, url: str, requests: list[str]) -> Any:
    context = await browser.new_context(locale="ru-RU", viewport={"width": 1100, "height": 800})
    page = await context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url))
    await page.goto(url)
    return page


async def test_visitor_and_operator_talk_through_the_widget(
    site: Site, browser: Any, login: Any, shots: Path
) -> None:
    with union_site(site.base) as page_origin:
        await _widget(site, page_origin)
        requests: list[str] = []
        visitor = await _visitor_page(browser, f"{page_origin}/", requests)
        operator = await login(site.a)
        await operator.click("[data-list=unassigned]")

        # The visitor opens the chat with the keyboard and writes; Enter sends.
        launcher = visitor.locator("#unionline-chat .launcher")
        await launcher.focus()
        await visitor.keyboard.press("Enter")
        panel = visitor.locator("#unionline-chat .panel")
        await expect(panel).to_have_attribute("data-state", "online")
        await expect(visitor.locator("#ul-text")).to_be_focused()
        await expect(panel.locator(".greeting")).to_contain_text("Здравствуйте")
        question = "Можно ли сдать кровь, если я на больничном?"
        await visitor.fill("#ul-text", question)
        await visitor.press("#ul-text", "Enter")
        mine = panel.locator("li[data-direction=in][data-seq] .bubble", has_text=question)
        await expect(mine).to_be_visible()

        # The operator sees it live, claims and answers; the visitor sees the typing and reply.
        await expect(operator.locator(".appeal-row", has_text=question)).to_be_visible()
        await open_appeal(operator, question)
        await operator.click("button.claim")
        await operator.click("[data-mode=reply]")
        answer = "Нет, только после выздоровления. Запишем вас на следующий раз!"
        await operator.fill("textarea.composer-text", answer)
        await expect(panel.locator(".typing")).to_be_visible()
        await operator.press("textarea.composer-text", "Control+Enter")
        reply = panel.locator("li[data-direction=out] .bubble", has_text=answer)
        await expect(reply).to_be_visible()
        await visitor.screenshot(path=shots / "widget-chat.png")
        mark = operator.locator(".message-out .delivery").first
        await expect(mark).to_have_attribute("data-status", "read")  # the visitor's receipt

        # The visitor types: the console shows it on the appeal, and stops when they stop.
        member_typing = operator.locator(".member-typing")
        await visitor.fill("#ul-text", "Спасибо, а если")
        await expect(member_typing).to_have_text("Заявитель печатает…")
        await visitor.fill("#ul-text", "")
        await expect(member_typing).to_be_hidden()

        # After a reload the visitor still sees the conversation.
        await visitor.reload()
        await visitor.locator("#unionline-chat .launcher").click()
        await expect(panel.locator("li[data-seq] .bubble", has_text=question)).to_be_visible()
        await expect(panel.locator("li[data-seq] .bubble", has_text=answer)).to_be_visible()

        # A script typed by the visitor is text, in the widget and in the console.
        await visitor.fill("#ul-text", PAYLOAD)
        await visitor.press("#ul-text", "Enter")
        await expect(panel.locator("li[data-seq] .bubble", has_text=PAYLOAD)).to_be_visible()
        bubble = operator.locator(".timeline .message-in", has_text="onerror").first
        await expect(bubble).to_be_visible()
        await expect(bubble).to_contain_text(PAYLOAD)
        assert await operator.locator(".timeline img[src=x]").count() == 0
        assert await panel.locator("img").count() == 0

        # A file through the attach button reaches the appeal.
        await visitor.locator("#unionline-chat input[type=file]").set_input_files(
            {"name": "справка.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 test"}
        )
        await expect(panel.locator("li[data-seq] .files")).to_contain_text("справка.pdf")
        await expect(
            operator.locator(".timeline .message-in", has_text="справка.pdf")
        ).to_be_visible()

        # Esc closes the chat and gives the focus back to the launcher.
        await visitor.press("#ul-text", "Escape")
        await expect(panel).to_be_hidden()
        await expect(launcher).to_be_focused()

        assert visitor.dialogs == [] and operator.dialogs == []
        assert operator.console_errors == []
        foreign = [u for u in requests if not u.startswith((page_origin, site.base))]
        assert foreign == []  # nothing asked of any third party


async def test_a_site_the_widget_does_not_allow_cannot_connect(site: Site, browser: Any) -> None:
    with union_site(site.base) as allowed, union_site(site.base) as other:
        await _widget(site, allowed)
        visitor = await _visitor_page(browser, f"{other}/", [])
        await visitor.locator("#unionline-chat .launcher").click()
        panel = visitor.locator("#unionline-chat .panel")
        await expect(panel).to_have_attribute("data-state", "refused")
        await expect(panel.locator(".state")).to_have_text("Чат недоступен на этом сайте.")
        await expect(visitor.locator("#ul-text")).to_be_disabled()
    assert await current().db.fetch("SELECT id FROM web_visitor") == []


async def test_off_hours_the_chat_points_to_the_form(site: Site, browser: Any) -> None:
    with union_site(site.base) as page_origin:
        closed = [{"days": [], "start": "09:00", "end": "18:00"}]  # never staffed
        await _widget(site, page_origin, hours=closed)
        visitor = await _visitor_page(browser, f"{page_origin}/", [])
        await visitor.locator("#unionline-chat .launcher").click()
        banner = visitor.locator("#unionline-chat .banner")
        await expect(banner).to_contain_text("Сейчас мы не на связи")
        await banner.locator("a.form-link").click()
        await expect(visitor.locator("#unionline-chat .panel")).to_be_hidden()
        await expect(visitor.locator("#form")).to_be_focused()


async def test_the_chat_passes_the_accessibility_gate(site: Site, browser: Any) -> None:
    """axe-core finds nothing critical or serious on the union's page with the chat closed,
    open with the greeting, and with a conversation (docs/testing.md, "Accessibility")."""
    from axe_support import serious_violations

    with union_site(site.base) as page_origin:
        await _widget(site, page_origin)
        visitor = await _visitor_page(browser, f"{page_origin}/", [])
        assert await serious_violations(visitor) == []
        await visitor.locator("#unionline-chat .launcher").click()
        panel = visitor.locator("#unionline-chat .panel")
        await expect(panel).to_have_attribute("data-state", "online")
        await expect(panel.locator(".greeting")).to_contain_text("Здравствуйте")
        assert await serious_violations(visitor) == []
        await visitor.fill("#ul-text", "Когда следующий день донора?")
        await visitor.press("#ul-text", "Enter")
        await expect(panel.locator("li[data-direction=in][data-seq]")).to_have_count(1)
        assert await serious_violations(visitor) == []


@pytest.mark.unionline_plugins("knowledge")
async def test_help_articles_before_writing(site: Site, browser: Any) -> None:
    from axe_support import serious_violations

    async def article(title: str, body: str, visibility: str) -> dict[str, Any]:
        made = await site.api(
            "POST",
            "/api/knowledge/articles",
            json={"organization_id": site.organization_id, "title": title, "body": body,
                  "visibility": visibility},
        )  # fmt: skip
        return await site.api(
            "POST",
            f"/api/knowledge/articles/{made['id']}/status",
            json={"status": "published", "revision": made["revision"]},
        )

    public = await article("Как перенести отпуск", "Отпуск переносят по заявлению.", "public")
    await article("Отпуск: служебная памятка", "Перенос отпуска — внутренний порядок.", "internal")
    with union_site(site.base) as page_origin:
        await _widget(site, page_origin)
        visitor = await _visitor_page(browser, f"{page_origin}/", [])
        await visitor.locator("#unionline-chat .launcher").click()
        panel = visitor.locator("#unionline-chat .panel")
        await expect(panel).to_have_attribute("data-state", "online")
        await visitor.fill("#ul-text", "Как перенести отпуск на другой месяц?")
        help_box = panel.locator(".help")
        await expect(help_box).to_be_visible()
        links = help_box.locator("li a")
        await expect(links).to_have_count(1)  # the internal article is never offered
        await expect(links.first).to_contain_text("Как перенести отпуск")
        assert (await links.first.get_attribute("href") or "").endswith(f"/kb/{public['id']}")
        assert await serious_violations(visitor) == []
        # Not helped: the question goes on to the union as a message.
        await help_box.locator("button.help-write").click()
        await expect(help_box).to_be_hidden()
        await expect(panel.locator("li[data-direction=in][data-seq]")).to_have_count(1)
        # Once written, typing asks the help pages no more.
        await visitor.fill("#ul-text", "И ещё про отпуск")
        await expect(help_box).to_be_hidden()
