"""Link buttons on VK: ``OutboundMessage.buttons`` go as an inline keyboard of ``open_link``
buttons (one a row, six at most, labels shortened to VK's 40 characters) on the message that
carries the text; the stand-in checks ``keyboard`` as VK does (error 911)."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from standins.vk import VkStandin
from vk_support import VkAdapters, vk_fixtures

from unionline import NotReady
from unionline.channel import (
    Button,
    OutboundAttachment,
    OutboundMessage,
    load_account,
    send_message,
    split_text,
    storage,
)
from unionline.channels.vk.channel import MAX_TEXT, _fallback, _Part
from unionline.channels.vk.client import VkClient, random_id_for
from unionline.channels.vk.errors import VkRefused
from unionline.testing.channel_contract import ContractEnv

adapters = VkAdapters()
unionline_settings, env = vk_fixtures(adapters)
PEER = 501


def broadcast(env: ContractEnv, text: str, *buttons: Button) -> OutboundMessage:
    return OutboundMessage(
        id=uuid.uuid4(),
        entry_id=0,
        appeal_id=uuid.uuid4(),
        organization_id=env.account.organization_id,
        member_id=None,
        recipient=str(PEER),
        text=text,
        broadcast=True,
        buttons=buttons,
    )


def link(label: str, url: str) -> dict:
    return {"action": {"type": "open_link", "link": url, "label": label}}


async def test_buttons_go_as_open_link_buttons_one_a_row(env: ContractEnv, vk: VkStandin) -> None:
    account = await load_account(env.account.id)
    long_label = "Подробнее о коллективном договоре на 2027 год"  # 45 characters
    buttons = (
        Button(label="Сайт профсоюза", url="https://union.example/"),
        Button(label=long_label, url="https://union.example/kd"),
    )
    await send_message(account, broadcast(env, "Собрание в пятницу", *buttons))
    [sent] = vk.community.sent
    assert sent.text == "Собрание в пятницу"
    assert sent.keyboard is not None
    assert json.loads(sent.keyboard) == {
        "inline": True,
        "buttons": [
            [link("Сайт профсоюза", "https://union.example/")],
            [link(long_label[:39].rstrip() + "…", "https://union.example/kd")],
        ],
    }


EIGHT = [Button(label=f"Ссылка {n}", url=f"https://union.example/{n}") for n in range(1, 9)]
EIGHT_LINES = "\n".join(f"Ссылка {n}: https://union.example/{n}" for n in range(1, 9))


async def test_over_six_buttons_all_are_lines_of_the_text_in_their_order(
    env: ContractEnv, vk: VkStandin
) -> None:
    """A keyboard of the first six under lines for the 7th and 8th would be read 7, 8, 1-6."""
    account = await load_account(env.account.id)
    await send_message(account, broadcast(env, "Много ссылок", *EIGHT))
    [sent] = vk.community.sent
    assert sent.keyboard is None
    assert sent.text == f"Много ссылок\n\n{EIGHT_LINES}"


async def test_over_six_buttons_without_bot_features_are_read_in_their_order(
    env: ContractEnv, vk: VkStandin
) -> None:
    vk.community.bot_features = False  # a keyboard would be refused: error 912
    account = await load_account(env.account.id)
    await send_message(account, broadcast(env, "Много ссылок", *EIGHT))
    [sent] = vk.community.sent
    assert sent.text == f"Много ссылок\n\n{EIGHT_LINES}"


def test_the_fallback_writes_every_button_it_is_given() -> None:
    part = _Part("Текст", [], random_id_for(uuid.uuid4(), 0))
    [piece] = _fallback(part, tuple(EIGHT), uuid.uuid4())
    assert piece.text == f"Текст\n\n{EIGHT_LINES}"


async def test_a_split_text_carries_the_keyboard_on_its_last_part(
    env: ContractEnv, vk: VkStandin
) -> None:
    account = await load_account(env.account.id)
    text = "\n\n".join(f"Пункт {n}: " + "условия договора " * 200 for n in range(3))
    await send_message(account, broadcast(env, text, Button(label="Сайт", url="https://a.ru")))
    assert [m.keyboard is not None for m in vk.community.sent] == [False, False, True]


@pytest.mark.parametrize(
    ("keyboard", "detail"),
    [
        ({"inline": True, "buttons": [[link("Сайт", "javascript:alert(1)")]]}, "link"),
        ({"inline": True, "buttons": [[link("", "https://a.ru")]]}, "label"),
        ({"inline": True, "buttons": [[link("Я" * 41, "https://a.ru")]]}, "label"),
        ({"inline": True, "buttons": [[link("Сайт", "https://a.ru")]] * 7}, "rows"),
        ({"inline": True, "buttons": [link("Сайт", "https://a.ru")]}, "array of arrays"),
    ],
)
async def test_the_standin_refuses_a_bad_keyboard_with_error_911(
    client: VkClient, vk: VkStandin, keyboard: dict, detail: str
) -> None:
    with pytest.raises(VkRefused) as refused:
        await client.send_message(PEER, "Текст", random_id=7, keyboard=keyboard)
    assert refused.value.error_code == 911
    assert "Keyboard format is invalid" in refused.value.error_msg
    assert detail in refused.value.error_msg
    assert vk.community.sent == []


async def test_a_community_without_bot_features_gets_the_buttons_as_lines(
    env: ContractEnv, vk: VkStandin
) -> None:
    vk.community.bot_features = False  # VK refuses any keyboard: error 912
    account = await load_account(env.account.id)
    long_label = "Подробнее о коллективном договоре на 2027 год"
    buttons = (
        Button(label="Сайт профсоюза", url="https://union.example/"),
        Button(label=long_label, url="https://union.example/kd"),
    )
    result = await send_message(account, broadcast(env, "Собрание в пятницу", *buttons))
    [sent] = vk.community.sent
    assert result.external_id == str(sent.message_id) and sent.keyboard is None
    assert sent.text == (
        f"Собрание в пятницу\n\nСайт профсоюза: https://union.example/\n"
        f"{long_label}: https://union.example/kd"
    )
    refused = [c for c in vk.community.calls_of("messages.send") if "keyboard" in c.params]
    assert len(refused) == 1  # one refused try, then the message without a keyboard


# -- buttons as lines never push a message over VK's 4,096 characters, nor lose or double one --

SITE = Button(label="Сайт профсоюза", url="https://union.example/")
FORM = Button(label="Анкета", url="https://union.example/form")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def lines_of(*buttons: Button) -> str:
    return "\n".join(f"{b.label}: {b.url}" for b in buttons)


def long_text(total: int) -> str:
    """One paragraph of ``total`` characters or a few less."""
    return ("условия договора " * (total // 17)).strip()


async def with_photo(message: OutboundMessage) -> OutboundMessage:
    sha = await storage().put(PNG)
    photo = OutboundAttachment(
        id=uuid.uuid4(), filename="афиша.png", content_type="image/png", size=len(PNG), sha256=sha
    )
    return msgspec.structs.replace(message, attachments=(photo,))


def fail_send_call(monkeypatch: pytest.MonkeyPatch, number: int) -> None:
    """The ``number``-th ``messages.send`` of the test fails before reaching VK (NotReady)."""
    original, calls = VkClient.send_message, [0]

    async def failing(self: VkClient, *args: Any, **kwargs: Any) -> int:
        calls[0] += 1
        if calls[0] == number:
            raise NotReady("VK error 10: Internal server error")
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(VkClient, "send_message", failing)


fillers = st.integers(min_value=0, max_value=4200).map(lambda n: ("Условия договора " * 250)[:n])
button_lists = st.lists(
    st.builds(
        Button,
        label=st.sampled_from(["Сайт", "Анкета & опрос", "Я" * 64]),
        url=st.integers(min_value=0, max_value=2000).map(lambda n: f"https://a.ru/{'я' * n}"),
    ),
    min_size=1,
    max_size=6,
)


@given(fillers, button_lists, st.booleans())
def test_a_fallback_fits_every_message_and_sends_each_once(
    text: str, buttons: list, files: bool
) -> None:
    message_id = uuid.UUID("0b5e7c1e-7d0f-4c4e-9a53-3f1d2b6a8c90")  # fixed: no chance collision
    for n, part_text in enumerate(split_text(text, MAX_TEXT) or [""]):
        part = _Part(part_text, ["photo-1_2"] if files else [], random_id_for(message_id, n))
        pieces = _fallback(part, tuple(buttons), message_id)
        assert all(p.text and len(p.text) <= MAX_TEXT for p in pieces)
        assert [p.attached for p in pieces] == [[]] * (len(pieces) - 1) + [part.attached]
        assert pieces[-1].random_id == part.random_id  # the last goes under the part's own
        others = {random_id_for(message_id, k) for k in range(3)} - {part.random_id}
        assert len({p.random_id for p in pieces} | others) == len(pieces) + len(others)
        sent = "".join(p.text for p in pieces)
        assert re.sub(r"\s", "", sent) == re.sub(r"\s", "", part_text + lines_of(*buttons))


async def test_lines_after_a_long_text_go_as_a_message_of_their_own(
    env: ContractEnv, vk: VkStandin
) -> None:
    vk.community.bot_features = False
    account = await load_account(env.account.id)
    text = long_text(4090)  # one message; with the lines it would be over 4,096
    result = await send_message(account, broadcast(env, text, SITE, FORM))
    first, second = vk.community.sent
    assert result.external_id == str(first.message_id)
    assert [first.text, second.text] == [text, lines_of(SITE, FORM)]
    assert first.keyboard is None and second.keyboard is None


async def test_a_retry_of_split_lines_sends_only_what_is_missing(
    env: ContractEnv, vk: VkStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    vk.community.bot_features = False
    account = await load_account(env.account.id)
    text = long_text(4090)
    message = broadcast(env, text, SITE, FORM)
    fail_send_call(monkeypatch, 3)  # the refused keyboard, the text, then the lines fail
    with pytest.raises(NotReady):
        await send_message(account, message)
    assert [m.text for m in vk.community.sent] == [text]
    result = await send_message(account, message)  # the delivery's retry: the same message
    assert [m.text for m in vk.community.sent] == [text, lines_of(SITE, FORM)]
    assert result.external_id == str(vk.community.sent[0].message_id)


async def test_a_retry_after_bot_features_are_switched_on_finishes_the_fallback(
    env: ContractEnv, vk: VkStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fallback's text went out, its lines did not; the community then turns its bot
    features on. The retry sends the lines, not the text again under a keyboard."""
    vk.community.bot_features = False
    account = await load_account(env.account.id)
    text = long_text(4090)
    message = broadcast(env, text, SITE, FORM)
    fail_send_call(monkeypatch, 3)  # the refused keyboard, the text, then the lines fail
    with pytest.raises(NotReady):
        await send_message(account, message)
    vk.community.bot_features = True
    await send_message(account, message)  # the delivery's retry
    assert [m.text for m in vk.community.sent] == [text, lines_of(SITE, FORM)]
    assert all(m.keyboard is None for m in vk.community.sent)


async def test_long_lines_under_a_file_are_split_with_the_file_on_the_last(
    env: ContractEnv, vk: VkStandin
) -> None:
    vk.community.bot_features = False
    account = await load_account(env.account.id)
    # Lines of 2,050 characters: two of them are over 4,096, so each goes alone.
    buttons = [
        Button(label=f"Документ {n}", url=f"https://union.example/{n}?q=" + "я" * 2010)
        for n in range(3)
    ]
    result = await send_message(account, await with_photo(broadcast(env, "", *buttons)))
    sent = vk.community.sent
    assert [m.text for m in sent] == [lines_of(b) for b in buttons]
    assert [bool(m.attachment) for m in sent] == [False, False, True]
    assert all(m.keyboard is None for m in sent)
    assert result.external_id == str(sent[0].message_id)


async def test_a_file_only_message_with_buttons_keeps_them_under_the_file(
    env: ContractEnv, vk: VkStandin
) -> None:
    account = await load_account(env.account.id)
    await send_message(account, await with_photo(broadcast(env, "", SITE)))
    [sent] = vk.community.sent
    assert sent.attachment.startswith("photo") and sent.keyboard is not None
