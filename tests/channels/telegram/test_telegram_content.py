"""Every content class a member sends, through the real webhook endpoint, as the operator's
timeline shows it: the text, the files (fetched through ``getFile``), who is linked; group and
channel posts; button presses answered. What the channel SDK keeps beside the text (forward
origins, replies, points, revisions, albums) is checked in ``test_telegram_timeline``.

The updates are the recorded-shape fixtures of ``test_telegram_decode``; the files they name
are put on the Bot API stand-in.
"""

from __future__ import annotations

import json

import httpx
import pytest
from standins.telegram import TelegramStandin
from telegram_support import WEBHOOK_SECRET, TelegramAdapters, telegram_fixtures
from timeline_support import MARIA, deliver, download, entries, load, offer_files, post

from unionline.testing.channel_contract import ContractEnv

adapters = TelegramAdapters()
unionline_settings, env = telegram_fixtures(adapters)


@pytest.mark.parametrize(
    ("name", "body", "files"),
    [
        ("text_with_entities", "👋 Здравствуйте!", []),
        ("photo", "Расчётный листок за май", [("image/jpeg", "photo-AQADMdoxGytHQUt9.jpg")]),
        ("document", "Моё заявление", [("application/pdf", "заявление.pdf")]),
        ("voice", "", [("audio/ogg", "voice-AgADskwAAitHQUs.ogg")]),
        ("video", "Вот как у нас в цеху", [("video/mp4", "цех.mp4")]),
        ("animation", "", [("video/mp4", "thanks.mp4")]),
        ("video_note", "", [("video/mp4", "video-note-AgADwUwAAitHQUs.mp4")]),
        ("audio", "", [("audio/mpeg", "запись собрания.mp3")]),
        ("sticker", "👍", [("image/webp", "sticker-AgADAgADwDZPEw.webp")]),
        ("sticker_animated", "😂 (анимированный стикер)", [("image/webp", None)]),
        ("sticker_video", "🔥 (видеостикер)", []),
        ("contact_other_person", "Контакт: +79031112233 (Пётр)", []),
        ("poll", "Опрос: Когда удобнее провести собрание?", []),
        ("dice", "Игральный кубик 🎲: выпало 4", []),
        ("story", "История из Telegram", []),
    ],
)
async def test_each_content_class_is_a_member_message_the_operator_reads(
    env: ContractEnv,
    telegram: TelegramStandin,
    name: str,
    body: str,
    files: list[tuple[str, str | None]],
) -> None:
    update = load(name)
    contents = offer_files(telegram, update)
    await post(env, update)
    await post(env, update)  # Telegram's redelivery: stored once
    await env.harness.settle()
    [entry] = await entries(env)
    assert entry["body"].startswith(body) and (body or entry["body"] == "")
    assert entry["data"]["message_id"] == update["message"]["message_id"]
    shown = [(a["content_type"], a["filename"]) for a in entry["data"].get("attachments", [])]
    assert [kind for kind, _ in shown] == [kind for kind, _ in files]
    assert all(want in (None, got) for (_, got), (_, want) in zip(shown, files, strict=True))
    # The file fetched is the one the update named (the largest photo size, the thumbnail of
    # an animated sticker), not another size.
    assert all(got in contents.values() for got in await download(env, entry))
    [row] = await env.stored()
    assert row["external_id"] == f"{MARIA}:{update['message']['message_id']}"


@pytest.mark.parametrize(
    "name",
    ["forward_user", "forward_hidden_user", "forward_chat", "forward_channel",
     "forward_legacy_user", "forward_legacy_hidden", "forward_legacy_channel"],
)  # fmt: skip
async def test_a_forward_is_the_members_message_and_no_contact_of_its_author(
    env: ContractEnv, telegram: TelegramStandin, name: str
) -> None:
    [entry] = await deliver(env, telegram, name)
    message = load(name)["message"]
    assert entry["body"] == message.get("text", message.get("caption"))
    points = await env.db.fetch("SELECT kind, address FROM member_contact_point")
    assert [(p["kind"], p["address"]) for p in points] == [("telegram", MARIA)]


async def test_a_forwarded_contact_card_of_a_telegram_user_links_nothing(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    [entry] = await deliver(env, telegram, "forward_contact")
    assert entry["body"] == "Контакт: +79035556677 (Пётр Сидоров)"
    points = await env.db.fetch("SELECT kind, address FROM member_contact_point")
    assert [(p["kind"], p["address"]) for p in points] == [("telegram", MARIA)]


async def test_own_contact_becomes_the_members_phone(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    [entry] = await deliver(env, telegram, "contact")
    assert entry["body"] == "Контакт: +79161234567 (Мария Иванова)"
    points = await env.db.fetch("SELECT kind, address FROM member_contact_point ORDER BY kind")
    assert [(p["kind"], p["address"]) for p in points] == [
        ("phone", "+79161234567"),
        ("telegram", MARIA),
    ]


# -- chat types ------------------------------------------------------------------------------


async def test_group_and_channel_posts_are_answered_and_stored_nowhere(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    for name in ("group_message", "channel_post"):
        await post(env, load(name))
    assert await env.stored() == [] and await env.messages_in() == []
    assert await env.db.fetch("SELECT id FROM member_member") == []


async def test_an_account_accepting_groups_takes_messages_of_members_it_knows(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    h = env.harness
    changed = await h.client.patch(
        f"/api/channel-accounts/{env.account.id}",
        headers=h.admin_headers,
        json={"config": {"mode": "webhook", "accept_groups": True}},
    )
    assert changed.status_code == 200, changed.text
    group = load("group_message")
    stranger = json.loads(json.dumps(group).replace(MARIA, "700700700"))
    stranger["message"]["message_id"] = 89
    await post(env, stranger)  # never wrote to the bot: no member is made from a group
    assert await env.messages_in() == []
    await post(env, load("text_with_entities"))  # Maria writes privately first
    await post(env, group)
    private, in_group = await entries(env)
    assert in_group["body"] == "Коллеги, кто знает про доплату за ночные?"
    assert in_group["data"]["chat"]["title"] == "Цех №3 — профгруппа"
    assert in_group["appeal_id"] == private["appeal_id"]
    row = await env.db.fetchone(
        "SELECT conversation FROM channel_inbound WHERE external_id = {}", "-1001234567890:88"
    )
    assert row is not None and row["conversation"] == MARIA  # answered in private


# -- buttons ---------------------------------------------------------------------------------


async def set_webhook(telegram: TelegramStandin, env: ContractEnv) -> None:
    url = f"https://union.example/channels/telegram/{env.account.id}/webhook"
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            f"{telegram.base_url}/bot{telegram.bot.token}/setWebhook",
            json={"url": url, "secret_token": WEBHOOK_SECRET},
        )
    assert answer.json()["ok"], answer.text


async def test_a_button_press_is_answered_and_reaches_the_appeal(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    await adapters.inbound(env, 20, sender="2100")
    [question] = await env.messages_in()
    keyboard = {"inline_keyboard": [[{"text": f"{n}", "callback_data": f"{n}"}
                                     for n in range(1, 6)]]}  # fmt: skip
    async with httpx.AsyncClient() as http:
        sent = await http.post(
            f"{telegram.base_url}/bot{telegram.bot.token}/sendMessage",
            json={"chat_id": 2100, "text": "Оцените ответ", "reply_markup": keyboard},
        )
    assert sent.json()["ok"]
    await set_webhook(telegram, env)
    telegram.bot.press(telegram.bot.sent[-1], "5")
    report = await telegram.bot.deliver_webhook(env.harness.client, duplicates=1.0)
    assert report.statuses() == [200, 200]  # delivered, then redelivered
    [answered] = telegram.bot.answered_queries  # the spinner stopped, once
    assert telegram.bot.open_queries == set()
    assert [c.via for c in telegram.bot.calls_of("answerCallbackQuery")] == ["webhook"] * 2
    press = (await entries(env))[-1]
    assert press["body"] == "5" and press["data"]["button"] == {"data": "5", "label": "5"}
    assert press["appeal_id"] == str(question["appeal_id"])
    assert (
        answered["callback_query_id"]
        == telegram.bot.calls_of("answerCallbackQuery")[0].params["callback_query_id"]
    )


async def test_a_press_nobody_can_store_is_still_answered(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    response = await post(env, load("callback_query_inline"))
    assert response.json() == {
        "method": "answerCallbackQuery",
        "callback_query_id": "1766347817256049122",
    }
    assert await env.stored() == []
