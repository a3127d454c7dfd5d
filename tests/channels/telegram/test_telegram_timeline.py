"""What the channel SDK keeps beside a Telegram message's text, as the operator's timeline shows
it: an album as one message, shared points, forward origins, replies with what they quote,
edits (and a moving live location) as revisions of the original message.
"""

from __future__ import annotations

import pytest
from standins.telegram import TelegramStandin
from telegram_support import TelegramAdapters, telegram_fixtures
from timeline_support import MARIA, deliver, download, entries, load, offer_files, post

from unionline.testing.channel_contract import ContractEnv

unionline_settings, env = telegram_fixtures(TelegramAdapters())


async def test_an_album_is_one_message_with_all_its_files(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    first, second = load("album_first"), load("album_second")
    contents = {**offer_files(telegram, first), **offer_files(telegram, second)}
    for update in (first, second, second):
        await post(env, update)
    await env.harness.settle()
    [entry] = await entries(env)
    assert entry["body"] == "Акт и приказ — две страницы"
    assert entry["data"]["part_of"] == "13724853017284519"
    largest = [u["message"]["photo"][-1]["file_id"] for u in (first, second)]
    assert await download(env, entry) == [contents[file_id] for file_id in largest]
    assert len(await env.stored()) == 2  # each part deduplicated by its own id


async def test_a_shared_location_and_venue_are_points_on_the_map(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    point, venue = await deliver(env, telegram, "location", "venue")
    assert point["data"]["location"] == {
        "latitude": 55.755814,
        "longitude": 37.617635,
        "title": "",
        "address": "",
    }
    assert venue["data"]["location"] == {
        "latitude": 55.741556,
        "longitude": 37.620028,
        "title": "Третьяковская галерея",
        "address": "Лаврушинский пер., 10, Москва",
    }


@pytest.mark.parametrize(
    ("name", "origin"),
    [
        ("forward_user", {"kind": "user", "name": "Пётр Сидоров", "address": "522333444"}),
        ("forward_hidden_user", {"kind": "hidden_user", "name": "Анна К.", "address": ""}),
        (
            "forward_chat",
            {
                "kind": "chat",
                "name": "Цех №3 — профгруппа (Председатель)",
                "address": "-1001234567890",
            },
        ),
        (
            "forward_channel",
            {
                "kind": "channel",
                "name": "Новости профсоюза (Пресс-служба)",
                "address": "-1009876543210",
            },
        ),
        ("forward_legacy_hidden", {"kind": "hidden_user", "name": "Ольга", "address": ""}),
    ],
)
async def test_a_forward_shows_its_origin(
    env: ContractEnv, telegram: TelegramStandin, name: str, origin: dict[str, str]
) -> None:
    [entry] = await deliver(env, telegram, name)
    assert entry["data"]["forward_origin"] == origin


async def test_a_reply_references_the_message_it_answers(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    reply, quoted, external = await deliver(
        env, telegram, "reply", "reply_with_quote", "external_reply"
    )
    assert reply["body"] == "Табельный номер 4512"
    assert reply["data"]["reply_to"]["external_id"] == f"{MARIA}:1350"
    assert reply["data"]["reply_to"]["text"].startswith("Здравствуйте! Уточните")
    assert reply["data"]["reply_to"]["origin"]["name"] == "Профсоюз"
    assert quoted["data"]["reply_to"]["text"] == "табельный номер"
    assert external["data"]["reply_to"]["origin"]["kind"] == "channel"
    assert external["data"]["reply_to"]["attachments"] == ["Фото"]


async def test_an_edit_is_a_revision_of_the_original_not_a_new_message(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    edit = load("edited_message")
    [entry] = await deliver(env, telegram, "text_with_entities", "edited_message")
    await post(env, edit)  # redelivered: one revision, not two
    [entry] = await entries(env)
    assert entry["body"] == "Здравствуйте! Мне не выплатили премию за апрель."
    assert entry["data"]["edited"] is True
    [revision] = entry["data"]["revisions"]
    assert revision["text"].startswith("👋 Здравствуйте! Мне не выплатили премию за май.")
    stored = sorted(r["external_id"] for r in await env.stored())
    assert stored == [f"{MARIA}:1365", f"{MARIA}:1365:edit:1718001425:912345684"]


async def test_a_moving_live_location_revises_its_point(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    [entry] = await deliver(env, telegram, "live_location", "live_location_moved")
    assert entry["data"]["location"] == {
        "latitude": 59.939311,
        "longitude": 30.317204,
        "title": "",
        "address": "",
    }


async def test_a_button_press_quotes_the_message_under_which_it_was_pressed(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    [press] = await deliver(env, telegram, "callback_query")
    assert press["body"] == "5" and press["data"]["button"]["label"] == "5 — отлично"
    assert press["data"]["reply_to"]["external_id"] == f"{MARIA}:1371"
    assert press["data"]["reply_to"]["text"].startswith("Оцените ответ")
