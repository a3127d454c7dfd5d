"""What a member's message carries beyond text, as the operator sees it in the timeline (#15):
«Переслано от …» with the origin, forwarded and quoted messages as nested blocks, a location with
its map link, an album as one message with all its files, an edit redrawn live with «изменено»
and the earlier text, and the flag of receive warnings — all member text as text, axe-clean."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any

from axe_support import serious_violations
from channel_support import message
from conftest import Login
from console_support import SENDER, Site, open_appeal
from playwright.async_api import expect

PNG = b"\x89PNG\r\n\x1a\n" + b"\x02" * 40
NAME = "Мария Соколова"


def photo(name: str) -> dict[str, Any]:
    return {"name": name, "type": "image/png", "data": base64.b64encode(PNG).decode()}


async def test_forwards_location_album_edit_and_warnings_in_the_timeline(
    site: Site, login: Login, shots: Path
) -> None:
    page = await login(site.a)
    await page.click("[data-list=unassigned]")
    forwarded = {
        "from": {"kind": "user", "name": "Иван Петров", "id": "778"},
        "text": "Собрание в пятницу <img src=x onerror=alert(1)>",
        "forwarded": [{"from": {"kind": "user", "name": "Олег"}, "text": "Самое первое"}],
    }
    await site._post(
        message(
            "mc1",
            SENDER,
            "Посмотрите объявление",
            NAME,
            forward_from={"kind": "channel", "name": "Новости завода", "id": "-100777"},
            forwarded=[forwarded],
            reply_to={"from": {"kind": "user", "name": "Профком"}, "text": "Ждём вопросы"},
        )
    )
    await open_appeal(page, "Посмотрите объявление")
    timeline = page.locator(".timeline")
    first = timeline.locator(".message-in", has_text="Посмотрите объявление")
    await expect(first.locator(".forwarded-from")).to_have_text("Переслано от Новости завода")
    await expect(first.locator(".quote.reply-to")).to_contain_text("Профком")
    outer = first.locator(".forwarded-list > .quote.forwarded")
    await expect(outer.locator(".quote-author").first).to_have_text("Иван Петров")
    await expect(outer.locator(":scope > .text")).to_have_text(forwarded["text"])
    await expect(outer.locator(".quote.forwarded .text")).to_have_text("Самое первое")
    assert await timeline.locator("img").count() == 0  # member text stays text

    hidden = {"kind": "hidden_user"}
    await site._post(message("mc2", SENDER, "Пересылаю как есть", NAME, forward_from=hidden))
    await expect(
        timeline.locator(".message-in", has_text="Пересылаю как есть").locator(".forwarded-from")
    ).to_have_text("Переслано от скрытого пользователя")

    point = {"lat": 55.7558, "lon": 37.6173, "title": "Профком завода", "address": "ул. Ленина, 1"}
    await site._post(message("mc3", SENDER, "", NAME, location=point))
    place = timeline.locator(".location", has_text="Профком завода")
    await expect(place).to_contain_text("ул. Ленина, 1")
    link = place.get_by_role("link", name="Открыть на карте")
    await expect(link).to_have_attribute(
        "href", "https://www.openstreetmap.org/?mlat=55.7558&mlon=37.6173#map=17/55.7558/37.6173"
    )

    parts = [
        message(f"mc4{n}", SENDER, "Фото с собрания" if n == 1 else "", NAME, album="g-mc")
        | {"files": [photo(f"sobranie-{n}.png")]}
        for n in range(1, 4)
    ]
    await asyncio.gather(*(site._post(p) for p in parts))
    album = timeline.locator(".message-in", has_text="Фото с собрания")
    await expect(album.locator(".attachments li")).to_have_count(3)
    await expect(timeline.locator(".message-in", has_text="sobranie-")).to_have_count(1)

    await site._post(message("mc5", SENDER, "Посмотрите объявление, пожалуйста", edit_of="mc1"))
    revised = timeline.locator(".message-in", has_text="Посмотрите объявление, пожалуйста")
    summary = revised.locator(".revisions summary")
    await expect(summary).to_have_text("изменено · прежние версии: 1")
    await summary.click()
    await expect(revised.locator(".revision-list li .text")).to_have_text("Посмотрите объявление")
    await expect(timeline.locator(".message-in .forwarded-from", has_text="Новости")).to_have_count(
        1
    )

    raw_name = base64.b64encode("Мария".encode() + b"\xff").decode()
    garbled = message("mc6", SENDER, "Вопрос о взносах", NAME)
    garbled["from"] = {"id": SENDER, "name_bytes": raw_name}
    await site._post(garbled)
    flag = timeline.locator(".message-in", has_text="Вопрос о взносах").locator(".receive-warnings")
    await expect(flag.locator("summary")).to_have_attribute(
        "title", "Сообщение получено с ошибками"
    )
    await flag.locator("summary").click()
    await expect(flag.locator("li")).to_contain_text("нечитаемые байты заменены")

    await first.screenshot(path=str(shots / "forwarded-and-edited.png"))
    await page.screenshot(path=str(shots / "message-content.png"))
    assert await serious_violations(page, include=".timeline") == []

    await page.click(".topbar [data-lang=en]")
    await expect(timeline.locator(".forwarded-from").first).to_have_text(
        "Forwarded from Новости завода"
    )
    await expect(timeline.get_by_role("link", name="Open on the map")).to_have_count(1)
    assert page.console_errors == []
