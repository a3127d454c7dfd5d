"""Console features in a real browser: keyboard shortcuts and canned responses, notes with
@mentions, typing indicators, notifications of assigned appeals, resuming after a dropped
socket, e-mail HTML in a sandbox, the supervisor view and plugins' console assets."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from axe_support import serious_violations
from conftest import Login
from console_support import (
    PASSWORD,
    Site,
    console_module,
    fits,
    open_appeal,
    running_site,
)
from playwright.async_api import expect

from unionline import hookimpl
from unionline.registry import ConsoleAssetsRegistrar
from unionline.settings import Settings

# Records desktop notifications and beeps instead of showing/playing them; the tab counts as
# not focused, so the console decides to notify.
NOTIFICATION_RECORDER = """
window.__notified = [];
window.__beeps = 0;
class FakeNotification {
  static permission = "granted";
  static requestPermission() { return Promise.resolve("granted"); }
  constructor(title, options) { window.__notified.push({ title, body: (options || {}).body }); }
  close() {}
}
window.Notification = FakeNotification;
document.hasFocus = () => false;
const RealAudio = window.AudioContext;
window.AudioContext = class extends RealAudio {
  createOscillator() { window.__beeps += 1; return super.createOscillator(); }
};
"""


async def test_shortcuts_and_canned_responses(site: Site, login: Login) -> None:
    page = await login(site.a)
    await site.inbound("Подскажите, положена ли материальная помощь?")
    await page.keyboard.press("2")  # the unassigned list
    await expect(page.locator("[data-list=unassigned].active")).to_be_visible()
    await expect(page.locator(".appeal-row")).to_have_count(2)
    await page.keyboard.press("j")  # opens the first appeal
    await expect(page.locator("ul-appeal-view .timeline")).to_be_visible()
    first = await page.locator("ul-appeal-view").get_attribute("appeal-id")
    await page.keyboard.press("j")
    await expect(page.locator("ul-appeal-view")).not_to_have_attribute("appeal-id", first or "")
    await page.keyboard.press("k")
    await expect(page.locator("ul-appeal-view")).to_have_attribute("appeal-id", first or "")
    await expect(page.locator(".timeline .message-in")).to_contain_text("материальная помощь")

    await page.keyboard.press("c")  # claim
    await expect(page.locator(".assignee-name")).to_have_text(site.a.name)
    number = (await page.locator(".appeal-number").text_content()) or ""

    await page.keyboard.press("r")  # focus the reply box
    await expect(page.locator("textarea.composer-text")).to_be_focused()
    await page.keyboard.type("/при")
    await expect(page.locator(".popup li.active")).to_contain_text("/привет")
    await page.keyboard.press("Enter")
    text = await page.locator("textarea.composer-text").input_value()
    assert text.startswith("Здравствуйте, Мария!")
    assert number in text and site.a.name in text and "{{" not in text

    await page.keyboard.press("Escape")  # leaves the text field, the appeal stays open
    await expect(page.locator("textarea.composer-text")).not_to_be_focused()
    await page.keyboard.press("?")
    await expect(page.locator("dialog.help")).to_be_visible()
    await expect(page.locator("dialog.help")).to_contain_text("Ctrl+Enter")
    await page.keyboard.press("Escape")
    await expect(page.locator("dialog.help")).to_be_hidden()
    await expect(page.locator("ul-appeal-view")).to_have_count(1)
    await page.keyboard.press("Escape")  # back to the list
    await expect(page.locator("ul-appeal-view")).to_have_count(0)
    await expect(page.locator(".placeholder")).to_have_text("Выберите обращение слева")
    assert page.console_errors == []


async def test_transfer_notifies_typing_shows_and_notes_mention(site: Site, login: Login) -> None:
    a = await login(site.a, init_script=NOTIFICATION_RECORDER)
    b = await login(site.b)
    await b.click("[data-list=unassigned]")
    await site.inbound("Прошу помочь с графиком отпусков")
    await open_appeal(b, "графиком отпусков")

    # The supervisor hands the appeal to A: A is told (toast, desktop notification, beep).
    await b.select_option("select[name=transfer]", f"operator:{site.a.id}")
    await b.click(".control.transfer button")
    await expect(b.locator(".assignee-name")).to_have_text(site.a.name)
    await expect(a.locator(".toast", has_text="Вам назначено обращение")).to_be_visible()
    notes = await a.evaluate("window.__notified")
    assert len(notes) == 1 and notes[0]["title"].startswith("Вам назначено обращение")
    assert await a.evaluate("window.__beeps") >= 1
    await expect(a.locator("[data-list=mine] .count")).to_have_text("1")

    # A opens it from "Mine" and types: B sees "… печатает…".
    await a.click("[data-list=mine]")
    await open_appeal(a, "графиком отпусков")
    await a.click("textarea.composer-text")
    await a.keyboard.type("Сейчас посмотрю", delay=20)
    await expect(b.locator(".presence-line .typing")).to_have_text(f"{site.a.name} печатает…")

    # A writes a note mentioning B: the mention autocompletes and is highlighted for B.
    await a.click("[data-mode=note]")
    await mention_boris(a)
    await a.keyboard.type("по графику цеха")
    await a.keyboard.press("Control+Enter")
    note = b.locator(".timeline .note", has_text="по графику цеха")
    await expect(note).to_be_visible()
    await expect(note.locator(".mention")).to_have_text("@boris")
    await expect(b.locator(".toast", has_text="Вас упомянули в заметке")).to_be_visible()
    timeline = await site.api("GET", f"/api/appeals/{await _appeal_id(a)}/timeline")
    notes_api = [e for e in timeline["items"] if e["kind"] == "note"]
    assert notes_api[-1]["data"]["mentions"] == [site.b.id]
    assert a.console_errors == [] and b.console_errors == []


async def _appeal_id(page: Any) -> str:
    return str(await page.locator("ul-appeal-view").get_attribute("appeal-id"))


async def test_resumes_missed_events_after_the_socket_drops(site: Site, login: Login) -> None:
    page = await login(site.a)
    await page.click("[data-list=unassigned]")
    before = await console_module(page, "store", "m.store.socket.lastId")
    # The socket goes away; meanwhile a member writes.
    await console_module(page, "store", "m.store.socket.stop()")
    await expect(page.locator(".connection")).to_have_attribute("data-state", "offline")
    await site.inbound("Сообщение, пока консоль была без связи")
    await page.wait_for_timeout(300)
    await expect(page.locator(".appeal-row", has_text="без связи")).to_have_count(0)
    # It comes back and says where it stopped: the missed event is replayed.
    await console_module(page, "store", "m.store.socket.start()")
    await expect(page.locator(".appeal-row", has_text="без связи")).to_be_visible()
    after = await console_module(page, "store", "m.store.socket.lastId")
    assert after > before
    assert await page.evaluate("sessionStorage.getItem('ul.lastEventId')") == str(after)

    # Closed as idle (4009): it reconnects at once with its last id and stays live.
    await console_module(page, "store", "m.store.socket.ws.close(4009, 'idle')")
    await expect(page.locator(".connection")).to_have_attribute("data-state", "online")
    await site.inbound("И ещё одно после переподключения", sender="100002", name="Пётр")
    await expect(page.locator(".appeal-row", has_text="после переподключения")).to_be_visible()
    assert page.console_errors == []


async def test_email_html_is_sandboxed(site: Site, login: Login) -> None:
    from unionline.appeals.services import receive_message

    html = (
        "<p>Добрый день!</p><img src=x onerror=\"alert('img')\">"
        "<script>alert('script'); parent.document.title = 'pwned'</script>"
    )
    await receive_message(
        organization_id=uuid.UUID(site.organization_id),
        member_id=uuid.UUID(site.member_id),
        channel="email",
        channel_account_id=None,
        text="Добрый день! (текстовая версия письма)",
        data={"html": html, "subject": "Письмо с вложенной разметкой"},
    )
    page = await login(site.a)
    await page.click("[data-list=unassigned]")
    await page.locator(".appeal-row", has_text="Добрый день").first.locator("a").click()
    frame = page.locator(".timeline iframe.mail-html")
    await expect(frame).to_be_visible()
    assert await frame.get_attribute("sandbox") == ""
    assert await frame.get_attribute("srcdoc") == html
    # No script ran: no dialogs, the console's title untouched, and the frame is opaque to
    # the page (a sandbox without allow-same-origin is another origin).
    await page.wait_for_timeout(500)
    assert page.dialogs == []
    assert await page.title() != "pwned"
    assert await frame.evaluate("f => f.contentDocument === null")
    inner = page.frame_locator(".timeline iframe.mail-html")
    await expect(inner.locator("p")).to_have_text("Добрый день!")
    await expect(page.locator(".timeline .mail-subject")).to_have_text(
        "Письмо с вложенной разметкой"
    )


async def test_supervisor_sees_load_live(site: Site, login: Login, shots: Path) -> None:
    a = await login(site.a)
    b = await login(site.b)
    await expect(a.locator(".topbar a[href='#/supervisor']")).to_have_count(0)
    await site.inbound("Обращение для проверки нагрузки")
    await b.click(".topbar a[href='#/supervisor']")
    row_a = b.locator(f"table.operators-load tr[data-operator='{site.a.id}']")
    await expect(row_a).to_be_visible()
    await expect(row_a.locator("[data-open]")).to_have_text("0")
    waiting = b.locator("table.queues [data-waiting]").first
    await expect(waiting).not_to_have_text("0")

    await a.click("[data-list=unassigned]")
    await open_appeal(a, "проверки нагрузки")
    await a.click("button.claim")
    await expect(row_a.locator("[data-open]")).to_have_text("1")
    await b.screenshot(path=shots / "console-supervisor.png")
    assert b.console_errors == []


async def test_supervisor_view_at_phone_width(site: Site, login: Login, shots: Path) -> None:
    """A queue where members wait and nobody was assigned in the last day has no average wait:
    «—», not «NaN дн»; the six-column load table scrolls in its own region, the page fits."""
    queue = await site.api(
        "POST",
        "/api/routing/queues/",
        # closed (a holiday in any zone today), so the appeal waits there while the supervisor
        # is online instead of being offered to them
        json={
            "organization_id": site.organization_id,
            "name": "Общая",
            "business_hours": True,
            "holidays": [str(date.today() + timedelta(days=d)) for d in (-1, 0, 1)],
        },
    )
    await site.inbound("Обращение ждёт в очереди")
    appeals = await site.api("GET", "/api/appeals/", params={"q": "ждёт в очереди"})
    appeal = appeals["items"][0]["id"]
    await site.api(
        "POST", f"/api/routing/appeals/{appeal}/transfer", json={"queue_id": queue["id"]}
    )
    page = await login(
        site.b, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    await page.click(".topbar a[href='#/supervisor']")
    row = page.locator(f"table.queues tr[data-queue='{queue['id']}']")
    await expect(row.locator("[data-waiting]")).to_have_text("1")
    await expect(row.locator("[data-avg-wait]")).to_have_text("—")
    await expect(page.locator("table.queues")).not_to_contain_text("NaN")
    assert await fits(page)
    assert await serious_violations(page) == []
    await page.screenshot(path=shots / "console-supervisor-phone.png", full_page=True)
    assert page.console_errors == []


class AssetsPlugin:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @hookimpl
    def register_console_assets(self, register: ConsoleAssetsRegistrar) -> None:
        register(self.folder, "index.js")


async def test_plugin_console_assets_are_loaded(
    browser_settings: Settings, tmp_path: Path, chromium: Any
) -> None:
    folder = tmp_path / "plugin-ui"
    folder.mkdir()
    (folder / "index.js").write_text(
        "import { greeting } from './part.js';\n"
        "export function setup(api) {\n"
        "  document.body.dataset.pluginReady = greeting + ' ' + api.t('list.mine');\n"
        "}\n",
        encoding="utf-8",
    )
    (folder / "part.js").write_text("export const greeting = 'plugin';\n", encoding="utf-8")
    plugins = {"test.ui": AssetsPlugin(folder)}
    async with running_site(browser_settings, extra_plugins=plugins) as site:
        context = await chromium.new_context()
        try:
            page = await context.new_page()
            await page.goto(f"{site.base}/console")
            await page.fill("#login-name", site.a.login)
            await page.fill("#login-password", PASSWORD)
            await page.click("form.login-form button[type=submit]")
            await expect(page.locator("body")).to_have_attribute("data-plugin-ready", "plugin Мои")
        finally:
            await context.close()


async def test_a_burst_of_messages_arrives_complete_and_in_order(site: Site, login: Login) -> None:
    page = await login(site.a)
    await page.click("[data-list=unassigned]")
    await site.inbound("Сообщение 0")
    await open_appeal(page, "Сообщение 0")
    for n in range(1, 25):
        await site.inbound(f"Сообщение {n}")
    bubbles = page.locator(".timeline .message-in .text")
    await expect(bubbles).to_have_count(25)
    assert await bubbles.all_text_contents() == [f"Сообщение {n}" for n in range(25)]
    ids = await console_module(page, "store", "m.store.socket.lastId")
    assert ids == await page.evaluate("Number(sessionStorage.getItem('ul.lastEventId'))")


async def test_priority_and_tags_change_live(site: Site, login: Login) -> None:
    a = await login(site.a)
    b = await login(site.b)
    await a.click("[data-list=unassigned]")
    await b.click("[data-list=unassigned]")
    await site.inbound("Срочно: завтра сокращение в цехе")
    await open_appeal(a, "сокращение в цехе")
    await open_appeal(b, "сокращение в цехе")
    await a.click("button.claim")

    await a.select_option("select[name=priority]", "urgent")
    await expect(b.locator(".appeal-head [data-priority]")).to_have_text("Срочный")
    await expect(b.locator(".timeline .event", has_text="Обычный → Срочный")).to_be_visible()

    await a.fill("input.tag-input", "сокращение")
    await a.press("input.tag-input", "Enter")
    await a.fill("input.tag-input", "юрист")
    await a.press("input.tag-input", "Enter")
    await expect(b.locator(".appeal-head .tag")).to_have_text(["сокращение×", "юрист×"])
    await a.click(".tag-remove[aria-label='Убрать метку сокращение']")
    await expect(b.locator(".appeal-head .tag")).to_have_text(["юрист×"])
    await expect(b.locator(".timeline .event", has_text="Метки убраны: сокращение")).to_be_visible()
    assert a.console_errors == [] and b.console_errors == []


async def test_supervisor_view_without_the_routing_api(site: Site, login: Login) -> None:
    """An app without routing: load and waits are computed from the appeal list."""
    b = await login(site.b)
    await b.route("**/api/routing/**", lambda route: route.fulfill(status=404, body="{}"))
    await site.inbound("Обращение без маршрутизации")
    await b.click(".topbar a[href='#/supervisor']")
    await expect(b.locator(".supervisor")).to_contain_text("Посчитано по списку обращений")
    await expect(b.locator(f"tr[data-operator='{site.a.id}'] [data-open]")).to_have_text("0")
    await expect(b.locator("table.queues [data-waiting]")).to_have_text("2")
    await site.api(
        "POST",
        f"/api/appeals/{(await _first_unassigned(site))}/assign",
        json={"operator_id": site.a.id},
    )
    await expect(b.locator(f"tr[data-operator='{site.a.id}'] [data-open]")).to_have_text("1")
    await expect(b.locator("table.queues [data-waiting]")).to_have_text("1")


async def _first_unassigned(site: Site) -> str:
    page = await site.api("GET", "/api/appeals/", params={"assignee": "none"})
    return str(page["items"][0]["id"])


async def mention_boris(page: Any) -> None:
    """Type a note up to "@bor" and take the completion "@boris"."""
    area = page.locator("textarea.composer-text")
    await area.focus()
    await page.keyboard.type("Проверь, пожалуйста @bor")
    await expect(page.locator(".popup li.active")).to_contain_text("@boris")
    await page.keyboard.press("Enter")
    await expect(area).to_have_value("Проверь, пожалуйста @boris ")
