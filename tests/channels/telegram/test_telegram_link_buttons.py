"""Link buttons on Telegram: ``OutboundMessage.buttons`` go as an inline keyboard (one button a
row) under the message that carries the text; the stand-in checks ``reply_markup`` as the Bot
API does."""

from __future__ import annotations

import uuid

import pytest
from standins.telegram import TelegramStandin
from telegram_support import TelegramAdapters, telegram_fixtures

from unionline.channel import Button, OutboundMessage, load_account, send_message
from unionline.channels.telegram.channel import _keyboard_index
from unionline.channels.telegram.client import TelegramClient
from unionline.channels.telegram.errors import TelegramRefused
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


async def test_over_a_hundred_buttons_the_rest_are_lines_of_the_text(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    account = await load_account(env.account.id)
    buttons = [Button(label=f"Ссылка {n}", url=f"https://union.example/{n}") for n in range(102)]
    await send_message(account, broadcast(env, "Много ссылок", *buttons))
    [sent] = telegram.bot.sent
    assert len(sent.reply_markup["inline_keyboard"]) == 100
    assert sent.plain_text == (
        "Много ссылок\n\nСсылка 100: https://union.example/100\n"
        "Ссылка 101: https://union.example/101"
    )


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
