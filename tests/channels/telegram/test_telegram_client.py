"""The Bot API client against the stand-in: calls, offsets, files, and errors by intent."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import msgspec
import pytest
from standins.telegram import (
    BAD_GATEWAY,
    HANG_AFTER_SEND,
    HANG_BEFORE_SEND,
    MESSAGE_TOO_LONG,
    TelegramStandin,
    too_many_requests,
)

from unionline.channels.telegram.client import InputFile, TelegramClient
from unionline.channels.telegram.errors import (
    BlockedByUser,
    DeliveryUnknown,
    TelegramRefused,
    WebhookActive,
)
from unionline.channels.telegram.text import escape_html, html_parts
from unionline.channels.telegram.types import Update
from unionline.errors import AuthFailed, NotReady, PermanentFailure


async def test_get_me_names_the_bot(client: TelegramClient, telegram: TelegramStandin) -> None:
    me = await client.get_me()
    assert me.is_bot and me.id == telegram.bot.id and me.username == "union_test_bot"


async def test_updates_are_confirmed_by_a_higher_offset(
    client: TelegramClient, telegram: TelegramStandin
) -> None:
    sent = [telegram.bot.message(text) for text in ("один", "два", "три")]
    first = await client.get_updates()
    assert [u.message.text for u in first if u.message] == ["один", "два", "три"]
    again = await client.get_updates()  # nothing confirmed yet: the same updates again
    assert [u.update_id for u in again] == [u["update_id"] for u in sent]

    rest = await client.get_updates(offset=first[0].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["два", "три"]
    assert await client.get_updates(offset=first[-1].update_id + 1) == []
    assert telegram.bot.pending() == []


async def test_a_long_poll_returns_when_an_update_arrives(
    client: TelegramClient, telegram: TelegramStandin
) -> None:
    poll = asyncio.create_task(client.get_updates(timeout=20))
    await asyncio.sleep(0.2)  # let the poll reach the stand-in and wait there
    telegram.bot.message("пока вы ждали")
    updates = await poll
    assert [u.message.text for u in updates if u.message] == ["пока вы ждали"]


async def test_text_with_markup_characters_arrives_as_typed(
    client: TelegramClient, telegram: TelegramStandin
) -> None:
    typed = 'Ответ: <script>alert("x")</script> & 5 > 3 &amp; ещё'
    for part in html_parts(typed):
        await client.send_message(777, part)
    assert telegram.bot.sent_texts() == [typed]
    assert telegram.bot.sent[0].parse_mode == "HTML"


async def test_a_long_text_is_sent_in_parts_telegram_accepts(
    client: TelegramClient, telegram: TelegramStandin
) -> None:
    paragraph = "Профсоюз & работодатель <договорились>. " * 60
    text = "\n\n".join([paragraph.strip()] * 5)  # ~12,000 characters
    with pytest.raises(TelegramRefused, match="message is too long"):
        await client.send_message(777, text, parse_mode=None)
    parts = html_parts(text)
    assert len(parts) > 2
    for part in parts:
        await client.send_message(777, part)
    received = telegram.bot.sent_texts()
    assert "".join(received).replace(" ", "") == text.replace("\n", "").replace(" ", "")


async def test_429_is_not_ready_with_telegrams_retry_after(
    client: TelegramClient, telegram: TelegramStandin
) -> None:
    telegram.bot.inject("sendMessage", too_many_requests(retry_after=7))
    with pytest.raises(NotReady) as caught:
        await client.send_message(777, "первая попытка")
    assert caught.value.retry_after == 7
    assert telegram.bot.sent == []
    await client.send_message(777, "вторая попытка")
    assert telegram.bot.sent_texts() == ["вторая попытка"]


async def test_blocked_by_the_user_is_a_permanent_failure_of_its_own(
    client: TelegramClient, telegram: TelegramStandin
) -> None:
    telegram.bot.block(777)
    with pytest.raises(BlockedByUser) as caught:
        await client.send_message(777, "здравствуйте")
    assert isinstance(caught.value, PermanentFailure)
    assert "blocked by the user" in caught.value.description
    await client.send_message(778, "другому можно")  # only that chat is blocked


async def test_a_wrong_token_is_auth_failed(telegram: TelegramStandin) -> None:
    async with TelegramClient("999:wrong", base_url=telegram.base_url) as wrong:
        with pytest.raises(AuthFailed):
            await wrong.get_me()
    async with TelegramClient("not-a-token", base_url=telegram.base_url) as malformed:
        with pytest.raises(AuthFailed):
            await malformed.get_me()


async def test_server_errors_and_refused_connections_are_not_ready(
    client: TelegramClient, telegram: TelegramStandin
) -> None:
    telegram.bot.inject("sendMessage", BAD_GATEWAY)
    with pytest.raises(NotReady):
        await client.send_message(777, "x")
    telegram.bot.inject("sendMessage", MESSAGE_TOO_LONG)
    with pytest.raises(TelegramRefused):
        await client.send_message(777, "x")
    async with TelegramClient(telegram.bot.token, base_url="http://127.0.0.1:9") as nowhere:
        with pytest.raises(NotReady):
            await nowhere.send_message(777, "x")


async def test_a_send_whose_answer_never_comes_is_unknown_not_retryable(
    telegram: TelegramStandin,
) -> None:
    telegram.bot.inject("sendMessage", HANG_AFTER_SEND)
    telegram.bot.inject("getMe", HANG_BEFORE_SEND)
    async with TelegramClient(telegram.bot.token, base_url=telegram.base_url, timeout=0.5) as c:
        with pytest.raises(DeliveryUnknown):
            await c.send_message(777, "дошло ли?")
        with pytest.raises(NotReady):  # reading is safe to repeat
            await c.get_me()
    assert not isinstance(DeliveryUnknown("x"), NotReady | PermanentFailure)
    assert telegram.bot.sent_texts() == ["дошло ли?"]  # it was delivered after all


async def test_files_go_up_as_multipart_and_come_down_by_file_path(
    client: TelegramClient, telegram: TelegramStandin
) -> None:
    pdf = b"%PDF-1.4 union statute"
    sent = await client.send_document(
        777,
        InputFile("устав.pdf", pdf, "application/pdf"),
        caption=escape_html("Устав <профсоюза>"),
    )
    assert sent.document is not None and sent.document.file_name == "устав.pdf"
    await client.send_photo(777, InputFile("photo.jpg", b"\xff\xd8\xff", "image/jpeg"))
    record = telegram.bot.sent
    assert [m.method for m in record] == ["senddocument", "sendphoto"]
    assert record[0].file is not None and record[0].file.content == pdf
    assert record[0].caption == "Устав <профсоюза>"  # the caption was escaped as HTML

    inbound = telegram.bot.document(b"member's file", "справка.txt", "text/plain")
    file_id = inbound["message"]["document"]["file_id"]
    described = await client.get_file(file_id)
    assert described.file_path is not None
    assert await client.download(described.file_path) == b"member's file"
    with pytest.raises(TelegramRefused):
        await client.get_file("no-such-file")


async def test_webhook_is_set_with_a_secret_and_blocks_polling(
    client: TelegramClient, telegram: TelegramStandin
) -> None:
    url = "https://union.example/channels/telegram/webhook/abc"
    assert await client.set_webhook(url, secret_token="s3cret_Token-1")
    info = await client.get_webhook_info()
    assert info.url == url and info.pending_update_count == 0
    telegram.bot.message("пока висит вебхук")
    assert (await client.get_webhook_info()).pending_update_count == 1
    with pytest.raises(WebhookActive):
        await client.get_updates()
    assert await client.delete_webhook()
    assert len(await client.get_updates()) == 1
    with pytest.raises(TelegramRefused, match="HTTPS"):
        await client.set_webhook("http://union.example/hook")
    with pytest.raises(TelegramRefused, match="secret token"):
        await client.set_webhook(url, secret_token="не латиница")


async def test_recorded_updates_decode(payload: Callable[[str], dict]) -> None:
    kinds = {
        "text_with_entities": "message",
        "start_command": "message",
        "photo": "message",
        "document": "message",
        "voice": "message",
        "contact": "message",
        "contact_other_person": "message",
        "edited_message": "edited_message",
        "my_chat_member": "my_chat_member",
        "callback_query": "callback_query",
    }
    for name, kind in kinds.items():
        update = msgspec.convert(payload(name), Update)
        assert update.kind == kind, name
    text = msgspec.convert(payload("text_with_entities"), Update).message
    assert text is not None and text.text is not None
    url = next(e for e in text.entities.kept() if e.type == "url")
    as_utf16 = text.text.encode("utf-16-le")
    snippet = as_utf16[url.offset * 2 : (url.offset + url.length) * 2].decode("utf-16-le")
    assert snippet == "https://union.example/faq"  # offsets count UTF-16 units (the 👋 is 2)
