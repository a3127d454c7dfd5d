"""Meetings in a real Chromium, in Russian: an operator opens a member's Telegram appeal and
presses «Видеозвонок»; the member's chat (the Bot API stand-in) receives the link with a guest's
token, the operator's own link on the page carries moderator rights; the «Календарь» page shows
the call and passes the accessibility gate, also at phone width (390 px)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import msgspec
import pytest
import pytest_asyncio
from axe_support import serious_violations
from conftest import Login
from console_support import Operator, Site, fits, open_appeal, running_site, wait_for
from playwright.async_api import expect
from standins.telegram import TelegramStandin

from unionline.channel.config import ChannelsSettings
from unionline.channels.telegram.settings import TelegramSettings
from unionline.plugins.meetings.settings import MeetingsSettings
from unionline.settings import Settings, settings_type

pytestmark = pytest.mark.unionline_plugins("meetings", "tasks")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SECRET = "jitsi-app-secret-0123456789abcdef"
JITSI = {"provider": "jitsi", "jitsi_url": "https://meet.union.test", "jitsi_app_id": "unionline",
         "jitsi_app_secret": SECRET}  # fmt: skip


@pytest.fixture
def telegram() -> Iterator[TelegramStandin]:
    with TelegramStandin() as standin:
        yield standin


@pytest_asyncio.fixture(loop_scope="session")
async def site(browser_settings: Settings, telegram: TelegramStandin) -> AsyncIterator[Site]:
    data = msgspec.to_builtins(browser_settings)
    data["plugins"] = [*data.get("plugins", []), "telegram"]
    data["telegram"] = {"api_url": telegram.base_url}
    data["meetings"] = JITSI
    data["server"] = {**data["server"], "public_url": "https://union.example"}
    kind = settings_type(
        {"channels": ChannelsSettings, "telegram": TelegramSettings, "meetings": MeetingsSettings}
    )
    async with running_site(msgspec.convert(data, kind)) as s:
        yield s


def claims(url: str) -> dict:  # type: ignore[type-arg]
    token = url.split("jwt=", 1)[1]
    room = url.split("?", 1)[0].rsplit("/", 1)[1]
    found = jwt.decode(token, SECRET, algorithms=["HS256"], audience="jitsi", issuer="unionline")
    assert found["room"] == room
    return found


async def test_a_video_call_on_a_telegram_appeal(
    site: Site, login: Login, telegram: TelegramStandin, shots: Path
) -> None:
    account = await site.api(
        "POST",
        "/api/channel-accounts/",
        json={
            "organization_id": site.organization_id,
            "channel": "telegram",
            "name": "Бот профкома",
            "config": {"mode": "webhook"},
            "secrets": {"bot_token": telegram.bot.token, "webhook_secret": "s3cret-hook"},
        },
    )
    await site.api("POST", f"/api/channel-accounts/{account['id']}/connect")
    telegram.bot.message("Можно обсудить по видео мой отпуск?", user=telegram.user(555_042))
    report = await telegram.bot.deliver_webhook(site.client)
    assert report.statuses() == [200], report

    page = await login(site.a)
    await page.click("[data-list=unassigned]")
    await open_appeal(page, "обсудить по видео")
    side = page.locator("ul-appeal-meetings")
    await expect(side.locator("h3")).to_have_text("Видеовстречи")
    await side.locator("button.video-call").click()
    mine = side.locator("a.meeting-my-link")
    await expect(mine).to_have_text("Войти")
    await expect(side.locator("li .meeting-status")).to_have_text("Идёт")

    # The member's chat got the link with a guest's token; the operator's own is a moderator's.
    sent = await wait_for(
        lambda: [t for t in telegram.bot.sent_texts() if "meet.union.test" in t], "the link"
    )
    link = re.search(r"https://meet\.union\.test/\S+", sent[-1]).group(0)  # type: ignore[union-attr]
    guest = claims(link)
    assert guest["context"]["user"]["moderator"] == "false"
    assert guest["context"]["user"]["name"] not in ("", site.a.name)  # the member's own name
    own = claims(await mine.get_attribute("href") or "")
    assert own["context"]["user"]["moderator"] == "true"
    assert own["context"]["user"]["name"] == site.a.name and own["room"] == guest["room"]
    await expect(
        page.locator(".timeline .message-out", has_text="присоединиться к видеозвонку")
    ).to_be_visible()
    assert await serious_violations(page) == []
    await page.screenshot(path=shots / "meetings-appeal.png", full_page=True)

    # «Календарь»: the call is there, today; fits a phone and passes the gate.
    phone = await login(site.a, **PHONE)
    await phone.evaluate("location.hash = '#/work/meetings'")
    calendar = phone.locator("ul-meetings-page")
    await expect(calendar.locator(".meeting-entry").first).to_contain_text(
        "Видеозвонок по обращению"
    )
    assert await fits(phone)
    assert await serious_violations(phone) == []

    # «Новая встреча» with a colleague: free/busy shows the call the operator is in now.
    await page.evaluate("location.hash = '#/work/meetings'")
    calendar = page.locator("ul-meetings-page")
    await calendar.get_by_role("button", name="Новая встреча").click()
    form = calendar.locator("form.meeting-form")
    await expect(form.get_by_label("Платформа")).to_have_value("jitsi")
    await form.get_by_label("Тема").fill("Планёрка профкома")
    await form.get_by_label("Начало").fill(await page.evaluate(LOCAL_NOW_PLUS_3H))
    await form.get_by_label("Участники (сотрудники)").select_option(label=site.b.name)
    busy = form.locator(".meetings-busy")
    await expect(busy).to_contain_text(f"{site.b.name}: свободен")
    await expect(busy).to_contain_text("занят")  # the operator's own video call today
    await form.get_by_role("button", name="Назначить").click()
    entry = calendar.locator(".meeting-entry", has_text="Планёрка профкома")
    await expect(entry).to_be_visible()
    await entry.get_by_role("link", name="Планёрка профкома").click()
    await expect(calendar.locator("h2")).to_have_text("Планёрка профкома")
    await expect(calendar).to_contain_text(f"{site.b.name} — ведущий")
    assert await serious_violations(page) == []

    # A task's deadline in the calendar: «Созвать встречу» invites the task's people.
    soon = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    task = await site.api(
        "POST",
        "/api/tasks/",
        json={"title": "Проверить график смен", "organization_id": site.organization_id,
              "responsible_id": site.a.id, "coexecutors": [site.b.id], "deadline": soon},
    )  # fmt: skip
    await calendar.get_by_role("link", name="К календарю").click()
    deadline = calendar.locator(".meeting-entry.kind-task_deadline", has_text="Проверить график")
    await deadline.get_by_role("button", name="Созвать встречу").click()
    form = calendar.locator("form.meeting-form")
    await expect(form.get_by_label("Тема")).to_have_value("Проверить график смен")
    await form.get_by_label("Начало").fill(await page.evaluate(LOCAL_NOW_PLUS_3H))
    await form.get_by_role("button", name="Назначить").click()
    entry = calendar.locator(".meeting-entry.kind-meeting", has_text="Проверить график смен")
    await expect(entry).to_be_visible()
    await entry.get_by_role("link", name="Проверить график смен").click()
    await expect(calendar).to_contain_text(f"{site.b.name} — ведущий")

    # And from the task's own page: «Созвать встречу по задаче» (the tasks page's side slot).
    await page.evaluate(f"location.hash = '#/work/tasks/{task['id']}'")
    side = page.locator(".task-view ul-task-meeting")
    await side.get_by_role("button", name="Созвать встречу по задаче").click()
    form = side.locator("form.meeting-form")
    await expect(form.get_by_label("Тема")).to_have_value("Проверить график смен")
    await form.get_by_label("Начало").fill(await page.evaluate(LOCAL_NOW_PLUS_3H))
    await form.get_by_role("button", name="Назначить").click()
    await expect(form).to_have_count(0)
    made = [m for m in await site.api("GET", "/api/meetings/") if m["task_id"] == task["id"]]
    assert len(made) == 2  # the calendar's and the task page's
    assert page.console_errors == [] and phone.console_errors == []


async def test_the_platform_is_a_choice_of_the_installed_ones(site: Site, login: Login) -> None:
    """«Платформа» in «Настройки → Видеовстречи» and in «Новая встреча» lists the installed
    platforms by their Russian titles (it was a word typed by hand), also at 390 px."""
    titles = ["Jitsi Meet", "BigBlueButton", "Постоянная ссылка"]
    admin = await login(Operator("", "admin", ""), **PHONE)
    await admin.evaluate("location.hash = '#/admin/settings'")
    await admin.locator("ul-admin-settings li.admin-card[data-form=meetings] a.button").click()
    form = admin.locator("form.settings-form[data-form=meetings]")
    chooser = form.locator("select[data-setting=provider]")
    await expect(chooser.locator("option")).to_have_text(titles)
    await chooser.select_option(label="BigBlueButton")
    await form.locator("button.save").click()
    await expect(admin.locator(".toast").last).to_have_text("Настройки сохранены")
    assert await fits(admin)
    assert await serious_violations(admin) == []

    phone = await login(site.a, **PHONE)
    await phone.evaluate("location.hash = '#/work/meetings'")
    calendar = phone.locator("ul-meetings-page")
    await calendar.get_by_role("button", name="Новая встреча").click()
    platform = calendar.locator("form.meeting-form").get_by_label("Платформа")
    await expect(platform.locator("option")).to_have_text(titles)
    await expect(platform).to_have_value("bbb")  # the one configured is offered first
    assert await fits(phone)
    assert await serious_violations(phone) == []
    await site.api("PUT", "/api/settings/forms/meetings", json={"values": {"provider": "jitsi"}})
    assert admin.console_errors == [] and phone.console_errors == []


async def test_cancelling_a_meeting_asks_first(site: Site, login: Login) -> None:
    """«Отменить встречу» asks before anything is sent (it cancelled at the first press)."""
    starts = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    meeting = await site.api(
        "POST",
        "/api/meetings/",
        json={"organization_id": site.organization_id, "title": "Совет ППО", "starts_at": starts},
    )
    page = await login(Operator("", "admin", ""), **PHONE)
    await page.evaluate(f"location.hash = '#/work/meetings/{meeting['id']}'")
    calendar = page.locator("ul-meetings-page")
    await calendar.get_by_role("button", name="Отменить встречу").click()
    box = calendar.locator(".confirm")
    await expect(box).to_contain_text("Отменить встречу «Совет ППО»?")
    assert (await site.api("GET", f"/api/meetings/{meeting['id']}"))["status"] == "scheduled"
    assert await serious_violations(page) == []
    await box.locator(".confirm-no").click()
    await expect(box).to_have_count(0)
    await calendar.get_by_role("button", name="Отменить встречу").click()
    await calendar.locator(".confirm .confirm-yes").click()
    await expect(page.locator(".toast").last).to_have_text("Встреча отменена")
    await expect(calendar.locator(".admin-head .meeting-status")).to_have_text("Отменена")
    assert (await site.api("GET", f"/api/meetings/{meeting['id']}"))["status"] == "cancelled"
    assert await fits(page)
    assert page.console_errors == []


# The form's datetime-local value three hours from now (same day unless near midnight; the
# busy list is of the chosen day, so the test keeps to today when it can).
LOCAL_NOW_PLUS_3H = """() => {
  const d = new Date(Date.now() + 3 * 3600 * 1000);
  const end = new Date(); end.setHours(23, 30, 0, 0);
  const at = d > end ? end : d;
  const p = (n) => String(n).padStart(2, "0");
  const day = `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}`;
  return `${day}T${p(at.getHours())}:${p(at.getMinutes())}`;
}"""
