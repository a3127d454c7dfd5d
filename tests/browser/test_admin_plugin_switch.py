"""The plugin switch in Chromium: a federation administrator switches a plugin on in «Плагины»
and a channel on in «Каналы»; each page says the change waits for a restart and what to
restart; switching back takes the prompt away. The choice is stored for the next start."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

from conftest import Login
from console_support import Operator, Site
from playwright.async_api import expect

from unionline.runtime import current

ADMIN = Operator("", "admin", "")
PENDING = "Изменения вступят в силу после перезапуска"


async def stored() -> dict[str, bool]:
    rows = await current().db.fetch("SELECT name, enabled FROM plugin_choice")
    return {r["name"]: bool(r["enabled"]) for r in rows}


async def test_an_administrator_switches_plugins_in_the_browser(site: Site, login: Login) -> None:
    page = await login(ADMIN)
    await page.evaluate("location.hash = '#/admin/plugins'")
    card = page.locator("li.plugin[data-plugin=hello]")
    switch = card.locator("input[name=plugin-enabled]")
    await expect(switch).not_to_be_checked()
    await expect(page.locator(".restart-note")).to_have_count(0)
    await expect(
        page.locator("li.plugin[data-plugin='core.appeals'] .plugin-switch")
    ).to_have_count(0)

    await switch.click()
    note = page.locator(".restart-note")
    await expect(note).to_contain_text(PENDING)
    await expect(note).to_contain_text("unionline worker")
    # The processes still running the old list are named: here, this web server.
    behind = note.locator(".behind-processes li[data-kind=web]")
    await expect(behind).to_contain_text(
        re.compile(r"^веб-сервер на .+ \(процесс \d+, запущен .+\) — hello$")
    )
    await expect(
        page.locator("li.plugin[data-plugin=hello] input[name=plugin-enabled]")
    ).to_be_checked()
    await expect(page.locator("li.plugin[data-plugin=hello] .chip.warn")).to_have_text(
        "ждёт перезапуска"
    )
    await expect(
        page.locator(".toast", has_text="«hello» будет включён после перезапуска")
    ).to_be_visible()
    assert await stored() == {"hello": True}

    # Switched back before any restart: nothing waits any more.
    await page.locator("li.plugin[data-plugin=hello] input[name=plugin-enabled]").click()
    await expect(page.locator(".restart-note")).to_have_count(0)
    assert await stored() == {"hello": False}

    # «Каналы»: an installed channel that is not enabled gets the same switch. A job worker
    # started earlier without vk is named once vk is switched on (its row as it would write it).
    await current().db.execute(
        "INSERT INTO plugin_process (id, kind, host, pid, started_at, seen_at, plugins)"
        " VALUES ({}, 'worker', 'jobs-1', 777, {}, {}, '[]')",
        uuid.uuid4(),
        datetime.now(UTC),
        datetime.now(UTC),
    )
    await page.evaluate("location.hash = '#/admin/channels'")
    vk = page.locator("ul.channel-plugins li[data-plugin=vk]")
    await vk.locator("input[name=plugin-enabled]").click()
    await expect(page.locator(".restart-note")).to_contain_text(PENDING)
    await expect(page.locator("ul.channel-plugins li[data-plugin=vk] .chip.warn")).to_be_visible()
    worker = page.locator(".behind-processes li[data-kind=worker]")
    await expect(worker).to_contain_text("обработчик фоновых задач на jobs-1 (процесс 777")
    await expect(worker).to_contain_text("— vk")
    assert (await stored())["vk"] is True
    plugins = await site.api("GET", "/api/plugins/")
    vk_view = next(p for p in plugins if p["name"] == "vk")
    assert (vk_view["enabled"], vk_view["switch"]["next_start"]) == (False, True)
    assert page.console_errors == [] and page.dialogs == []
