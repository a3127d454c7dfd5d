"""Link buttons on Telegram: ``OutboundMessage.buttons`` go as an inline keyboard (one button a
row) under the message that carries the text; the stand-in checks ``reply_markup`` as the Bot
API does."""

from __future__ import annotations

import re
import uuid

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from standins.telegram import BAD_GATEWAY, PASS, TelegramStandin
from standins.telegram_html import parse_html
from telegram_support import TelegramAdapters, telegram_fixtures

from unionline import NotReady
from unionline.channel import (
    Button,
    OutboundAttachment,
    OutboundMessage,
    load_account,
    send_message,
    storage,
)
from unionline.channels.telegram.channel import _fallback, _keyboard_index
from unionline.channels.telegram.client import TelegramClient
from unionline.channels.telegram.errors import TelegramRefused
from unionline.channels.telegram.text import MAX_TEXT, escape_html, split_text, utf16_len
from unionline.testing.channel_contract import ContractEnv

adapters = TelegramAdapters()
unionline_settings, env = telegram_fixtures(adapters)
SITE = Button(label="Сайт профсоюза", url="https://union.example/")
FORM = Button(label="Анкета", url="https://union.example/form?id=1")


def broadcast(env: ContractEnv, text: str, *buttons: Button) -> OutboundMessage:
    return OutboundMessage(
        id=uuid.uuid4(),
        entry_id=0,
        appeal_id=uuid.uuid4(),
        organization_id=env.account.organization_id,
        member_id=None,
        recipient="4200",
        text=text,
        broadcast=True,
        buttons=buttons,
    )


async def test_buttons_go_as_an_inline_keyboard_one_a_row(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    account = await load_account(env.account.id)
    result = await send_message(account, broadcast(env, "Собрание в пятницу", SITE, FORM))
    [sent] = telegram.bot.sent
    assert result.external_id == f"4200:{sent.message_id}"
    assert sent.plain_text == "Собрание в пятницу"  # no «Название: ссылка» lines
    assert sent.reply_markup == {
        "inline_keyboard": [
            [{"text": "Сайт профсоюза", "url": "https://union.example/"}],
            [{"text": "Анкета", "url": "https://union.example/form?id=1"}],
        ]
    }


async def test_a_split_text_carries_the_keyboard_on_its_last_part(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    account = await load_account(env.account.id)
    text = "\n\n".join(f"Пункт {n}: " + "условия договора " * 200 for n in range(3))
    await send_message(account, broadcast(env, text, SITE))
    sent = telegram.bot.sent
    assert len(sent) == 3
    assert [m.reply_markup is not None for m in sent] == [False, False, True]


MANY = [Button(label=f"Ссылка {n}", url=f"https://union.example/{n}") for n in range(1, 102)]


def read_links(text: str) -> list[str]:
    """The links in the order the member reads them."""
    return re.findall(r"https?://\S+", text)


async def test_over_a_hundred_buttons_all_are_lines_of_the_text_in_their_order(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    """A keyboard of the first 100 under a line for the 101st would be read 101, 1-100."""
    account = await load_account(env.account.id)
    await send_message(account, broadcast(env, "Много ссылок", *MANY))
    assert all(m.reply_markup is None for m in telegram.bot.sent)
    read = [link for m in telegram.bot.sent for link in read_links(m.plain_text)]
    assert read == [b.url for b in MANY]


async def test_over_a_hundred_buttons_with_a_refused_link_are_read_in_their_order(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    account = await load_account(env.account.id)
    buttons = [Button(label="Анкета", url="http://localhost:8000/c/1"), *MANY]
    await send_message(account, broadcast(env, "Много ссылок", *buttons))
    read = [link for m in telegram.bot.sent for link in read_links(m.plain_text)]
    assert read == [b.url for b in buttons]


def test_the_keyboard_goes_under_the_text_else_under_the_last_file() -> None:
    assert _keyboard_index([("text", "a"), ("text", "b"), ("photo", "f"), ("document", "d")]) == 1
    assert _keyboard_index([("photo", "f"), ("document", "d")]) == 1


@pytest.mark.parametrize(
    ("button", "description"),
    [
        ({"text": "Сайт", "url": "javascript:alert(1)"}, "Bad Request: BUTTON_URL_INVALID"),
        ({"text": "Сайт", "url": "https://"}, "Bad Request: BUTTON_URL_INVALID"),
        ({"text": "Сайт", "url": "http://localhost:8000/"}, "Bad Request: BUTTON_URL_INVALID"),
        ({"text": " ", "url": "https://union.example/"}, "Bad Request: BUTTON_TEXT_EMPTY"),
        ({"text": "Сайт"}, "Text buttons are unallowed in the inline keyboard"),
        ({"url": "https://union.example/"}, 'Field "text" must be of type String'),
    ],
)
async def test_the_standin_refuses_a_bad_keyboard_as_telegram_does(
    client: TelegramClient, telegram: TelegramStandin, button: dict, description: str
) -> None:
    with pytest.raises(TelegramRefused) as refused:
        await client.send_message(4200, "Текст", reply_markup={"inline_keyboard": [[button]]})
    assert refused.value.error_code == 400
    assert description in str(refused.value)
    assert telegram.bot.sent == []


async def test_a_link_telegram_refuses_sends_the_buttons_as_lines(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    account = await load_account(env.account.id)
    local = Button(label="Анкета & опрос", url="http://localhost:8000/c/1?u=a&s=b")
    result = await send_message(account, broadcast(env, "Собрание <в пятницу>", SITE, local))
    [sent] = telegram.bot.sent  # the refused try sent nothing
    assert result.external_id == f"4200:{sent.message_id}" and sent.reply_markup is None
    assert sent.plain_text == (
        "Собрание <в пятницу>\n\nСайт профсоюза: https://union.example/\n"
        "Анкета & опрос: http://localhost:8000/c/1?u=a&s=b"
    )
    assert len(telegram.bot.calls_of("sendMessage")) == 2


# -- a refused link: the fallback lines never push a message over 4,096, never lost or doubled --

LOCAL = Button(label="Анкета", url="http://localhost:8000/c/1")  # Telegram refuses the link
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def long_paragraphs(total: int) -> str:
    """Plain text of ``total`` characters or one less, in paragraphs, with markup to escape."""
    paragraph = "Условия <коллективного> договора & " * 14
    text = "\n\n".join([paragraph.strip()] * (total // (len(paragraph) + 2)))
    return text + "\n\n" + ("слово " * ((total - len(text) - 2) // 6)).strip()


def lines_of(*buttons: Button) -> str:
    return "\n".join(f"{b.label}: {b.url}" for b in buttons)


async def with_photo(message: OutboundMessage) -> OutboundMessage:
    sha = await storage().put(PNG)
    photo = OutboundAttachment(
        id=uuid.uuid4(), filename="афиша.png", content_type="image/png", size=len(PNG), sha256=sha
    )
    return msgspec.structs.replace(message, attachments=(photo,))


def _without_space(text: str) -> str:
    return re.sub(r"\s", "", text)


fillers = st.integers(min_value=0, max_value=4200).map(lambda n: ("Усл<о>вия & 👍 " * 320)[:n])
button_lists = st.lists(
    st.builds(
        Button,
        label=st.sampled_from(["Сайт", "Анкета & опрос", "Я" * 64]),
        url=st.integers(min_value=0, max_value=2000).map(lambda n: f"https://a.ru/{'я' * n}"),
    ),
    min_size=1,
    max_size=6,
)


@given(fillers, button_lists)
def test_a_fallback_fits_every_message_and_keeps_every_line(text: str, buttons: list) -> None:
    for step in (("text", part) for part in split_text(text)):
        messages = _fallback(step, tuple(buttons))
        assert all(kind == "text" for kind, _ in messages)
        for _, part in messages:
            plain, _ = parse_html(escape_html(str(part)))
            assert plain.strip() and utf16_len(plain) <= MAX_TEXT  # what Telegram counts
        sent = "".join(str(part) for _, part in messages)
        assert _without_space(sent) == _without_space(f"{step[1]}{lines_of(*buttons)}")


@given(button_lists)
def test_a_files_fallback_is_the_file_then_the_lines(buttons: list) -> None:
    file = OutboundAttachment(
        id=uuid.uuid4(), filename="устав.pdf", content_type="application/pdf", size=1, sha256="0"
    )
    [first, *lines] = _fallback(("document", file), tuple(buttons))
    assert first == ("document", file)
    assert all(kind == "text" and utf16_len(str(part)) <= MAX_TEXT for kind, part in lines)
    assert "\n".join(str(part) for _, part in lines) == lines_of(*buttons)


async def test_lines_after_a_long_text_part_go_as_a_message_of_their_own(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    account = await load_account(env.account.id)
    text = long_paragraphs(4050)  # one message; with the lines it would be over 4,096
    assert 4000 < len(text) <= 4096
    result = await send_message(account, broadcast(env, text, SITE, LOCAL))
    first, second = telegram.bot.sent
    assert result.external_id == f"4200:{first.message_id}"
    assert [first.plain_text, second.plain_text] == [text, lines_of(SITE, LOCAL)]
    assert first.reply_markup is None and second.reply_markup is None


async def test_a_retry_of_split_lines_sends_only_what_is_missing(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    account = await load_account(env.account.id)
    text = long_paragraphs(4050)
    message = broadcast(env, text, SITE, LOCAL)
    telegram.bot.inject("sendMessage", PASS, times=2)  # the refused keyboard, the text
    telegram.bot.inject("sendMessage", BAD_GATEWAY)  # the lines
    with pytest.raises(NotReady):
        await send_message(account, message)
    assert telegram.bot.sent_texts() == [text]
    result = await send_message(account, message)  # the delivery's retry: the same message
    assert telegram.bot.sent_texts() == [text, lines_of(SITE, LOCAL)]
    assert result.external_id == f"4200:{telegram.bot.sent[0].message_id}"
    assert await send_message(account, message) == result  # all sent: nothing goes again
    assert len(telegram.bot.sent) == 2


async def test_a_file_only_message_with_a_refused_link_sends_the_file_then_the_lines(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    account = await load_account(env.account.id)
    message = await with_photo(broadcast(env, "", SITE, LOCAL))
    result = await send_message(account, message)
    photo, lines = telegram.bot.sent
    assert (photo.method, photo.reply_markup) == ("sendphoto", None)
    assert photo.file is not None and photo.file.content == PNG
    assert result.external_id == f"4200:{photo.message_id}"
    assert (lines.method, lines.plain_text, lines.reply_markup) == (
        "sendmessage",
        lines_of(SITE, LOCAL),
        None,
    )
    assert len(telegram.bot.calls_of("sendPhoto")) == 2  # the refused try sent nothing


async def test_long_lines_under_a_file_are_split_and_a_retry_sends_each_part_once(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    account = await load_account(env.account.id)
    # Lines of 2,050 characters: two of them are over 4,096, so each goes alone.
    buttons = [
        Button(label=f"Документ {n}", url=f"https://union.example/{n}?q=" + "я" * 2010)
        for n in range(3)
    ] + [LOCAL]
    message = await with_photo(broadcast(env, "", *buttons))
    telegram.bot.inject("sendMessage", PASS)
    telegram.bot.inject("sendMessage", BAD_GATEWAY)
    with pytest.raises(NotReady):
        await send_message(account, message)
    await send_message(account, message)
    assert [m.method for m in telegram.bot.sent] == ["sendphoto"] + ["sendmessage"] * 3
    assert "\n".join(telegram.bot.sent_texts()) == lines_of(*buttons)
    assert len(telegram.bot.calls_of("sendPhoto")) == 2  # refused once, sent once
