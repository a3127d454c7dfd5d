"""Every content class a member sends on VK, decoded from documented-shape events
(``fixtures/``): forwards with their authors, the message replied to, a shared point, stickers,
voice messages with VK's transcript, videos, wall posts and links, edits as revisions."""

from __future__ import annotations

from collections.abc import Callable

from vk_support import as_event

from unionline.channel import InboundMessage, Location, Origin
from unionline.channels.vk import content
from unionline.channels.vk.decode import decode_event, owner_ids, permission_change

Load = Callable[[str], dict]
NAMES = {
    501234567: "Анна Петрова",
    612345678: "Ольга Смирнова",
    -198765432: "Профком завода",
    -220000001: "Профсоюз (тест)",
}


def one(payload: Load, name: str, names: content.Names = NAMES) -> InboundMessage:
    [message] = decode_event(as_event(payload(name)), names)
    assert isinstance(message, InboundMessage)
    return message


def test_the_sender_is_named(payload: Load) -> None:
    assert one(payload, "message_new").sender.display_name == "Анна Петрова"
    assert one(payload, "message_new", {}).sender.display_name == ""  # VK did not answer


def test_forwards_keep_their_authors_texts_and_nesting(payload: Load) -> None:
    message = one(payload, "message_new_forward")
    assert message.text == "Пересылаю переписку с коллегой — помогите разобраться"
    colleague, photo = message.forwarded
    assert colleague.origin == Origin(kind="user", name="Ольга Смирнова", address="612345678")
    assert colleague.text.startswith("Смотри, что пишут")
    [inner] = colleague.quoted
    assert inner.origin == Origin(kind="channel", name="Профком завода", address="-198765432")
    assert inner.text.startswith("Профком напоминает")
    assert photo.attachments == ("Фото",) and photo.text == ""
    [file] = message.attachments  # the forwarded photo is fetched, at its largest size
    assert file.remote_ref == "https://sun9-7.userapi.com/impg/fwd-z.jpg"
    assert message.forward_origin is None  # VK forwards sit inside the member's own message
    event = as_event(payload("message_new_forward"))
    assert owner_ids(event) == {501234567, 612345678, -198765432}


def test_nesting_and_count_are_bounded_and_said(payload: Load) -> None:
    body = payload("message_new")
    chain: dict = {"date": 1, "from_id": 7, "text": "дно", "conversation_message_id": 1}
    for level in range(content.MAX_DEPTH + 3):
        chain = {"date": 1, "from_id": 7, "text": f"уровень {level}", "fwd_messages": [chain]}
    many = [{"date": 1, "from_id": 8, "text": str(n)} for n in range(content.MAX_QUOTED + 5)]
    body["object"]["message"]["fwd_messages"] = [chain, *many]
    [message] = decode_event(as_event(body), {})
    depth, quoted = 0, message.forwarded[0]
    while quoted.quoted:
        depth, quoted = depth + 1, quoted.quoted[0]
    assert depth == content.MAX_DEPTH - 1
    assert len(message.forwarded) + depth == content.MAX_QUOTED  # the chain was read first
    assert any("глубже" in w for w in message.warnings)
    assert any("Не показаны ещё" in w for w in message.warnings)


def test_a_reply_quotes_the_original(payload: Load) -> None:
    message = one(payload, "message_new_reply")
    assert message.reply_to is not None
    assert message.reply_to.origin == Origin(
        kind="channel", name="Профсоюз (тест)", address="-220000001"
    )
    assert message.reply_to.text.startswith("Собрание состоится")
    assert message.reply_to.external_id == "501234567:1205"  # the conversation's key of it
    assert message.text == "А можно подключиться онлайн?"


def test_geo_is_a_location(payload: Load) -> None:
    message = one(payload, "message_new_geo")
    assert message.location == Location(
        latitude=55.751244,
        longitude=37.618423,
        title="Проходная завода",
        address="Москва, ул. Заводская, 1",
    )
    assert message.text == "Я здесь, у проходной"
    body = payload("message_new_geo")
    body["object"]["message"]["text"] = ""
    [bare] = decode_event(as_event(body), {})
    assert bare.text == "[Геопозиция]" and bare.location is not None


def test_a_sticker_is_its_image_and_a_placeholder(payload: Load) -> None:
    message = one(payload, "message_new_sticker")
    assert message.text == "[Стикер]"
    [image] = message.attachments
    assert image.remote_ref == "https://vk.com/sticker/1-163-512"  # the largest
    assert (image.filename, image.content_type) == ("sticker163.png", "image/png")


def test_a_voice_message_is_its_file_and_vks_transcript(payload: Load) -> None:
    message = one(payload, "message_new_voice_transcript")
    [voice] = message.attachments
    assert voice.remote_ref.endswith("/b.ogg") and voice.content_type == "audio/ogg"
    assert message.text == (
        "[Голосовое сообщение, 0:14. Расшифровка ВКонтакте: «Здравствуйте, подскажите, "
        "до какого числа сдавать заявление на путёвку»]"
    )
    assert one(payload, "message_new_voice").text == "[Голосовое сообщение, 0:06]"


def test_a_video_is_its_title_and_link(payload: Load) -> None:
    message = one(payload, "message_new_video")
    assert message.attachments == ()  # VK gives a community no video file
    assert message.text == (
        "Видео с собрания\n"
        "[Видео «Отчётное собрание 2024» (12:34): https://vk.com/video-198765432_456239101]"
    )


def test_a_wall_post_is_its_text_and_link(payload: Load) -> None:
    message = one(payload, "message_new_wall")
    assert message.text == (
        "[Запись на стене Профком завода: «Объявляем приём заявок на летний детский отдых. "
        "Заявления — в профком до 1 июля.» — https://vk.com/wall-198765432_3051]"
    )


def test_a_link_is_its_title_and_address(payload: Load) -> None:
    message = one(payload, "message_new_link")
    assert message.text.endswith(
        "[Ссылка: Трудовой кодекс Российской Федерации — "
        "https://www.consultant.ru/document/cons_doc_LAW_34683/]"
    )


def test_an_edit_is_a_revision_of_the_original(payload: Load) -> None:
    edited = one(payload, "message_edit")
    original = one(payload, "message_new")
    assert edited.edit_of == original.external_id == "501234567:1201"
    assert edited.external_id != original.external_id


def test_permission_events_store_nothing(payload: Load) -> None:
    for name, allowed in (("message_allow", True), ("message_deny", False)):
        event = as_event(payload(name))
        assert decode_event(event) == []
        assert permission_change(event) == (501234567, allowed)


def test_a_message_vk_cropped_says_so(payload: Load) -> None:
    body = payload("message_new_forward")
    body["object"]["message"]["is_cropped"] = True
    [message] = decode_event(as_event(body), NAMES)
    assert any("не целиком" in w for w in message.warnings)
    assert one(payload, "message_new_forward").warnings == ()
