"""A campaign's Telegram message carries its link buttons as Telegram's own inline keyboard
(through the channel SDK), each link through the signed click redirect; a bad button is a 400
naming the field."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator

import msgspec
import pytest
from campaigns_support import World, campaign_body, grant, member
from standins.telegram import TelegramStandin

from unionline.settings import Settings, settings_type
from unionline.testing import AppHarness

pytestmark = [pytest.mark.unionline_plugins("campaigns", "telegram"), pytest.mark.first_engine]
PUBLIC = "https://union.example"
PROGRAM = "https://profsoyuz.example/program?day=12"


@pytest.fixture
def telegram() -> Iterator[TelegramStandin]:
    with TelegramStandin() as standin:
        yield standin


@pytest.fixture
def unionline_settings(unionline_settings: Settings, telegram: TelegramStandin) -> Settings:
    from unionline.channels.telegram.settings import TelegramSettings

    data = msgspec.to_builtins(unionline_settings)
    data["server"] = {**data["server"], "public_url": PUBLIC}
    data["telegram"] = {"api_url": telegram.base_url, "request_timeout": 5.0}
    return msgspec.convert(data, settings_type({"telegram": TelegramSettings}))


async def test_a_campaigns_telegram_message_has_a_native_keyboard(
    unionline_app: AppHarness, telegram: TelegramStandin
) -> None:
    w = await World(unionline_app).setup()
    bot = await w.call(
        "admin", "post", "/api/channel-accounts/", 201,
        organization_id=str(w.a), channel="telegram", name="Бот профкома",
        secrets={"bot_token": telegram.bot.token, "webhook_secret": "s" * 32},
    )  # fmt: skip
    anna = await member(w.a, "Иванова Анна Петровна", contacts=(("telegram", "1001"),))
    await grant(anna, "telegram")
    variant = {"text": "{{ first_name }}, собрание 12 декабря."}
    body = campaign_body(
        w, channel_order=["telegram"], accounts={"telegram": bot["id"]},
        variants={"telegram": {**variant, "buttons": [{"title": "Программа", "url": "ftp://x"}]}},
    )  # fmt: skip
    bad = await w.call("boss", "post", "/api/campaigns/", 400, **body)
    assert bad["error"]["field"] == "variants.telegram.buttons[0].url", bad
    # Buttons only in a messenger's message: an SMS would carry them as lines past its length.
    link = [{"title": "Программа", "url": PROGRAM}]
    sms = {**body, "variants": {"telegram": variant, "sms": {"text": "Сбор", "buttons": link}}}
    refused = await w.call("boss", "post", "/api/campaigns/", 422, **sms)
    assert refused["error"]["field"] == "variants.sms.buttons", refused
    assert "Telegram и VK" in refused["error"]["message"]
    assert await w.call("boss", "get", "/api/campaigns/") == []  # nothing kept
    body["variants"]["telegram"]["buttons"] = [
        {"title": "Программа", "url": PROGRAM},
        {"title": "Сайт профсоюза", "url": f"{PUBLIC}/news"},  # our own: not redirected
    ]
    cid = (await w.call("boss", "post", "/api/campaigns/", 201, **body))["id"]
    preview = await w.call("boss", "post", f"/api/campaigns/{cid}/preview/telegram")
    assert preview["text"] == "Анна, собрание 12 декабря."
    assert [b["title"] for b in preview["buttons"]] == ["Программа", "Сайт профсоюза"]

    await w.call("boss", "post", f"/api/campaigns/{cid}/start")
    await unionline_app.settle()
    assert (await w.call("boss", "get", f"/api/campaigns/{cid}"))["counts"]["sent"] == 1
    [sent] = telegram.bot.sent
    assert sent.chat_id == 1001 and sent.plain_text == "Анна, собрание 12 декабря."
    [[program], [site]] = sent.reply_markup["inline_keyboard"]
    assert program["text"] == "Программа" and site == {
        "text": "Сайт профсоюза",
        "url": f"{PUBLIC}/news",
    }
    assert program["url"].startswith(f"{PUBLIC}/campaigns/c/")
    # The button's link counts a click and leads on to the program.
    path = program["url"].removeprefix(PUBLIC)
    clicked = await unionline_app.client.get(path, follow_redirects=False)
    assert clicked.status_code == 302 and clicked.headers["location"] == PROGRAM
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(program["url"]).query)
    assert query["u"] == [PROGRAM]
    assert (await w.call("boss", "get", f"/api/campaigns/{cid}"))["counts"]["clicked"] == 1
