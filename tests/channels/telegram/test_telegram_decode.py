"""Decoding Bot API updates (``fixtures/``, written from the documented payloads) into inbound
messages: one fixture per content class a private chat can carry."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from unionline.channel import InboundMessage, Location, Origin
from unionline.channel.types import InboundRequest
from unionline.channels.telegram.channel import TelegramChannel
from unionline.channels.telegram.decode import decode_update
from unionline.channels.telegram.settings import BotConfig
from unionline.channels.telegram.types import Update
from unionline.errors import Invalid, UnsupportedUpdate

Load = Callable[[str], dict]
MARIA = "411222333"


def decoded(payload: Load, name: str, **options: Any) -> InboundMessage:
    [message] = decode_update(msgspec.convert(payload(name), Update), **options)
    return message


def test_text_keeps_its_entities_and_sender(payload: Load) -> None:
    message = decoded(payload, "text_with_entities")
    assert message.external_id == f"{MARIA}:1365"  # chat and message id, not the update id
    assert message.sender.kind == "telegram" and message.sender.address == MARIA
    assert message.sender.display_name == "Мария Иванова"
    assert message.sender.profile == {"username": "maria_iv", "language_code": "ru"}
    assert message.conversation == MARIA
    assert message.text.startswith("👋 Здравствуйте!")
    assert [e["type"] for e in message.data["entities"]] == ["url", "hashtag", "bold"]
    assert message.data["message_id"] == 1365
    assert (message.forward_origin, message.reply_to, message.edit_of) == (None, None, None)
    assert decoded(payload, "start_command").text == "/start"


def test_photo_document_and_voice_are_announced_attachments(payload: Load) -> None:
    photo = decoded(payload, "photo")
    [picture] = photo.attachments
    largest = payload("photo")["message"]["photo"][-1]
    assert picture.remote_ref == largest["file_id"] and picture.size == largest["file_size"]
    assert picture.content_type == "image/jpeg" and photo.text == "Расчётный листок за май"

    [pdf] = decoded(payload, "document").attachments
    assert (pdf.filename, pdf.content_type, pdf.data) == ("заявление.pdf", "application/pdf", None)

    voice = decoded(payload, "voice")
    assert voice.attachments[0].content_type == "audio/ogg"
    assert voice.data["voice_duration"] == 7


@pytest.mark.parametrize(
    ("name", "filename", "content_type", "text"),
    [
        ("video", "цех.mp4", "video/mp4", "Вот как у нас в цеху с вентиляцией"),
        ("animation", "thanks.mp4", "video/mp4", ""),
        ("video_note", "video-note-AgADwUwAAitHQUs.mp4", "video/mp4", ""),
        ("audio", "запись собрания.mp3", "audio/mpeg", ""),
        ("audio_without_name", "Профком — Гимн.m4a", "audio/mp4", ""),
    ],
)
def test_every_kind_of_file_is_one_attachment(
    payload: Load, name: str, filename: str, content_type: str, text: str
) -> None:
    message = decoded(payload, name)
    [file] = message.attachments  # an animation is not announced again as its document
    content = next(v for k, v in payload(name)["message"].items() if k == name.split("_wi")[0])
    assert (file.filename, file.content_type, file.remote_ref) == (
        filename,
        content_type,
        content["file_id"],
    )
    assert file.size == content["file_size"] and message.text == text


def test_a_still_sticker_is_its_emoji_and_picture(payload: Load) -> None:
    message = decoded(payload, "sticker")
    assert message.text == "👍"
    [picture] = message.attachments
    assert (picture.content_type, picture.filename) == ("image/webp", "sticker-AgADAgADwDZPEw.webp")
    assert picture.remote_ref == payload("sticker")["message"]["sticker"]["file_id"]
    assert message.data["sticker"] == {"emoji": "👍", "set_name": "HotCherry"}


def test_animated_and_video_stickers_are_placeholders_with_their_still_thumbnail(
    payload: Load,
) -> None:
    animated = decoded(payload, "sticker_animated")
    assert animated.text == "😂 (анимированный стикер)"
    [thumb] = animated.attachments  # the .TGS itself is no picture a browser shows
    assert (
        thumb.remote_ref
        == payload("sticker_animated")["message"]["sticker"]["thumbnail"]["file_id"]
    )
    video = decoded(payload, "sticker_video")  # no thumbnail in this one: the words alone
    assert (video.text, video.attachments) == ("🔥 (видеостикер)", ())


def test_location_and_venue_are_shared_points(payload: Load) -> None:
    point = decoded(payload, "location")
    assert point.location == Location(latitude=55.755814, longitude=37.617635)
    assert (point.text, point.attachments) == ("", ())
    venue = decoded(payload, "venue")  # a venue repeats its point as ``location``: one point
    assert venue.location == Location(
        latitude=55.741556,
        longitude=37.620028,
        title="Третьяковская галерея",
        address="Лаврушинский пер., 10, Москва",
    )
    live = decoded(payload, "live_location")
    assert live.data["live_period"] == 900 and live.location is not None


def test_a_moving_live_location_is_a_revision_of_the_first_point(payload: Load) -> None:
    first, moved = decoded(payload, "live_location"), decoded(payload, "live_location_moved")
    assert moved.edit_of == first.external_id
    assert moved.location == Location(latitude=59.939311, longitude=30.317204)


def test_own_contact_offers_the_phone_to_identity_and_others_do_not(payload: Load) -> None:
    own = decoded(payload, "contact")
    assert own.sender.profile["shared_phone"] == "+79161234567"  # normalized (E.164)
    assert own.text == "Контакт: +79161234567 (Мария Иванова)"
    other = decoded(payload, "contact_other_person")
    assert "shared_phone" not in other.sender.profile
    assert other.data["contact"]["phone_number"] == "+79031112233"
    assert other.text == "Контакт: +79031112233 (Пётр)"


def test_a_forwarded_contact_of_someone_else_links_nothing(payload: Load) -> None:
    # The contact card names a Telegram user who is not the sender: never a claim.
    forwarded = decoded(payload, "forward_contact")
    assert "shared_phone" not in forwarded.sender.profile
    assert forwarded.sender.address == MARIA
    assert forwarded.forward_origin == Origin(kind="user", name="Пётр Сидоров", address="522333444")


def test_polls_and_dice_are_readable_text(payload: Load) -> None:
    assert decoded(payload, "poll").text == (
        "Опрос: Когда удобнее провести собрание? (анонимный, можно выбрать несколько ответов)\n"
        "— В обед\n— После смены\n— В субботу"
    )
    assert decoded(payload, "quiz").text == (
        "Викторина: Сколько дней отпуска по закону?\n— 24\n— 28"
    )
    assert decoded(payload, "dice").text == "Игральный кубик 🎲: выпало 4"
    assert decoded(payload, "slot_machine").text == "Игровой автомат 🎰: комбинация 64 из 64"


def test_what_bots_cannot_see_is_named(payload: Load) -> None:
    assert decoded(payload, "story").text == "История из Telegram (боты не видят её содержимое)"


def test_album_parts_name_their_group(payload: Load) -> None:
    first, second = decoded(payload, "album_first"), decoded(payload, "album_second")
    assert first.part_of == second.part_of == "13724853017284519"
    assert first.external_id != second.external_id
    assert first.text == "Акт и приказ — две страницы" and second.text == ""
    assert [len(first.attachments), len(second.attachments)] == [1, 1]
    assert first.attachments[0].remote_ref.endswith("album1large")  # the largest size


@pytest.mark.parametrize(
    ("name", "origin"),
    [
        ("forward_user", Origin(kind="user", name="Пётр Сидоров", address="522333444")),
        ("forward_hidden_user", Origin(kind="hidden_user", name="Анна К.")),
        (
            "forward_chat",
            Origin(
                kind="chat", name="Цех №3 — профгруппа (Председатель)", address="-1001234567890"
            ),
        ),
        (
            "forward_channel",
            Origin(
                kind="channel", name="Новости профсоюза (Пресс-служба)", address="-1009876543210"
            ),
        ),
        ("forward_legacy_user", Origin(kind="user", name="Пётр Сидоров", address="522333444")),
        ("forward_legacy_hidden", Origin(kind="hidden_user", name="Ольга")),
        (
            "forward_legacy_channel",
            Origin(kind="channel", name="Новости профсоюза", address="-1009876543210"),
        ),
    ],
)
def test_a_forward_names_its_origin_and_stays_the_members_message(
    payload: Load, name: str, origin: Origin
) -> None:
    message = decoded(payload, name)
    assert message.forward_origin == origin
    assert message.sender.address == MARIA  # the member forwarded it; the author is not a sender
    body = payload(name)["message"]
    assert message.data["forward_date"] == (
        body["forward_origin"]["date"] if "forward_origin" in body else body["forward_date"]
    )


def test_a_reply_quotes_the_message_it_answers(payload: Load) -> None:
    reply = decoded(payload, "reply")
    assert reply.reply_to is not None
    assert reply.reply_to.external_id == f"{MARIA}:1350"  # the bot's message, as send() named it
    assert reply.reply_to.origin == Origin(kind="user", name="Профсоюз", address="123456789")
    assert reply.reply_to.text == "Здравствуйте! Уточните, пожалуйста, табельный номер."
    quoted = decoded(payload, "reply_with_quote").reply_to
    assert quoted is not None and quoted.text == "табельный номер"  # only what was quoted
    external = decoded(payload, "external_reply").reply_to
    assert external is not None and external.external_id == ""  # another chat's message
    assert external.origin == Origin(
        kind="channel", name="Новости профсоюза", address="-1009876543210"
    )
    assert (external.text, external.attachments) == ("Индексация зарплат с 1 июля", ("Фото",))


def test_an_edit_is_a_revision_of_the_original(payload: Load) -> None:
    edited = decoded(payload, "edited_message")
    original = decoded(payload, "text_with_entities")
    assert edited.edit_of == original.external_id
    assert edited.external_id == f"{MARIA}:1365:edit:1718001425:912345684"  # its own, exact
    assert edited.sent_at == 1718001425.0 and edited.data["edit_date"] == 1718001425


def test_a_button_press_is_the_members_answer_with_the_button_quoted(payload: Load) -> None:
    press = decoded(payload, "callback_query")
    assert press.external_id == "callback:1766347817256049121"
    assert press.text == "5"  # the button's callback_data: whatever sent it reads it as typed
    assert press.data["button"] == {"data": "5", "label": "5 — отлично"}
    assert press.reply_to is not None and press.reply_to.external_id == f"{MARIA}:1371"
    assert press.reply_to.text.startswith("Оцените ответ")
    old = decoded(payload, "callback_query_inaccessible")
    assert old.text == "4" and old.reply_to is not None and old.reply_to.text == ""


@pytest.mark.parametrize(
    "name",
    ["my_chat_member", "callback_query_inline", "channel_post", "group_message", "pinned_message"],
)
def test_other_updates_are_unsupported(payload: Load, name: str) -> None:
    with pytest.raises(UnsupportedUpdate):
        decode_update(msgspec.convert(payload(name), Update))


def test_a_group_message_is_the_senders_answered_in_private_when_groups_are_accepted(
    payload: Load,
) -> None:
    message = decoded(payload, "group_message", accept_groups=True)
    assert message.sender.address == MARIA and message.conversation == MARIA
    assert message.external_id == "-1001234567890:88"
    assert message.data["chat"] == {
        "id": -1001234567890,
        "type": "supergroup",
        "title": "Цех №3 — профгруппа",
    }
    with pytest.raises(UnsupportedUpdate):  # channel posts never
        decode_update(msgspec.convert(payload("channel_post"), Update), accept_groups=True)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
updates = st.fixed_dictionaries(
    {"update_id": st.integers(min_value=1, max_value=2**40)},
    optional={
        "message": st.dictionaries(
            st.sampled_from(
                [
                    "message_id",
                    "date",
                    "chat",
                    "from",
                    "text",
                    "photo",
                    "contact",
                    "document",
                    "voice",
                    "entities",
                    "caption",
                    "location",
                    "venue",
                    "sticker",
                    "poll",
                    "dice",
                    "forward_origin",
                    "reply_to_message",
                    "media_group_id",
                ]
            ),
            json_values,
            max_size=6,
        ),
        "edited_message": json_values,
        "callback_query": json_values,
    },
)


class _Account(msgspec.Struct):
    config: BotConfig = msgspec.field(default_factory=BotConfig)


@given(st.one_of(updates, json_values))
async def test_any_body_is_decoded_or_refused_by_intent(body: Any) -> None:
    request = InboundRequest(
        method="POST", path="/", headers={}, query={}, body=json.dumps(body).encode()
    )
    try:
        messages = await TelegramChannel().decode(_Account(), request)  # type: ignore[arg-type]
    except (Invalid, UnsupportedUpdate):
        return
    assert all(m.text or m.attachments or m.location for m in messages)
