"""Link buttons on the web chat widget: it shows no buttons, so the channel SDK writes them as
«label: url» lines at the end of the text. The conversation keeps the whole text however long
(the widget shows it as stored; 4,000 is only what a visitor may type), with a message of only
files too, and a retried delivery is stored once."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import msgspec
import pytest
from web_support import WebAdapters

from unionline.channel import (
    Button,
    OutboundAttachment,
    OutboundMessage,
    load_account,
    send_message,
    storage,
)
from unionline.channels.web import tokens
from unionline.settings import Settings
from unionline.testing.channel_contract import ContractEnv

adapters = WebAdapters()
VISITOR = "400001"
SITE = Button(label="Сайт профсоюза", url="https://union.example/")
FORM = Button(label="Анкета", url="https://union.example/form?id=1")
LINES = "Сайт профсоюза: https://union.example/\nАнкета: https://union.example/form?id=1"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


@pytest.fixture
def unionline_settings(unionline_settings: Settings, tmp_path: Path) -> Settings:
    return adapters.configure(unionline_settings, tmp_path)


@pytest.fixture
async def env(unionline_app: Any) -> ContractEnv:
    env = await adapters.create_env(unionline_app)
    await adapters.inbound(env, 1, sender=VISITOR)  # the visitor's conversation
    return env


def broadcast(env: ContractEnv, text: str, *buttons: Button) -> OutboundMessage:
    return OutboundMessage(
        id=uuid.uuid4(),
        entry_id=0,
        appeal_id=uuid.uuid4(),
        organization_id=env.account.organization_id,
        member_id=None,
        recipient=tokens.address(VISITOR),
        text=text,
        broadcast=True,
        buttons=buttons,
    )


async def sent(env: ContractEnv) -> list[dict[str, Any]]:
    return await env.db.fetch(
        "SELECT id, text, attachments FROM web_message WHERE direction = 'out' ORDER BY seq"
    )


async def test_a_long_text_keeps_every_button_line_and_a_retry_stores_it_once(
    env: ContractEnv,
) -> None:
    account = await load_account(env.account.id)
    text = ("условия договора " * 235).strip()  # 3,994 characters: the lines go past 4,000
    message = broadcast(env, text, SITE, FORM)
    result = await send_message(account, message)
    again = await send_message(account, message)  # a retried delivery: the same message
    [row] = await sent(env)
    assert row["text"] == f"{text}\n\n{LINES}"
    assert result.external_id == again.external_id == str(row["id"])


async def test_a_message_of_only_files_gets_the_buttons_as_its_text(env: ContractEnv) -> None:
    account = await load_account(env.account.id)
    sha = await storage().put(PNG)
    photo = OutboundAttachment(
        id=uuid.uuid4(), filename="афиша.png", content_type="image/png", size=len(PNG), sha256=sha
    )
    message = msgspec.structs.replace(broadcast(env, "", SITE, FORM), attachments=(photo,))
    await send_message(account, message)
    [row] = await sent(env)
    assert row["text"] == LINES
    [file] = json.loads(row["attachments"])
    assert (file["id"], file["filename"]) == (str(photo.id), "афиша.png")
