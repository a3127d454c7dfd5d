"""Link buttons on VK: ``OutboundMessage.buttons`` go as an inline keyboard of ``open_link``
buttons (one a row, six at most, labels shortened to VK's 40 characters) on the message that
carries the text; the stand-in checks ``keyboard`` as VK does (error 911)."""

from __future__ import annotations

import json
import uuid

import pytest
from standins.vk import VkStandin
from vk_support import VkAdapters, vk_fixtures

from unionline.channel import Button, OutboundMessage, load_account, send_message
from unionline.channels.vk.client import VkClient
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


async def test_over_six_buttons_the_rest_are_lines_of_the_text(
    env: ContractEnv, vk: VkStandin
) -> None:
    account = await load_account(env.account.id)
    buttons = [Button(label=f"Ссылка {n}", url=f"https://union.example/{n}") for n in range(8)]
    await send_message(account, broadcast(env, "Много ссылок", *buttons))
    [sent] = vk.community.sent
    assert sent.keyboard is not None and len(json.loads(sent.keyboard)["buttons"]) == 6
    assert sent.text == (
        "Много ссылок\n\nСсылка 6: https://union.example/6\nСсылка 7: https://union.example/7"
    )


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
