"""A message's entities in ``data["entities"]``: for every shape Telegram sends, the same dicts
as the typed decode the channel used before (the oracle: ``MessageEntity`` Structs through
``msgspec.to_builtins``); past ``MAX_ENTITIES`` only the first are kept and the text stays whole
(issue #12 item 3: a body of thousands of entities must cost what its bytes cost)."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram_support import as_update

from unionline.channel.types import InboundRequest
from unionline.channels.telegram.channel import TelegramChannel
from unionline.channels.telegram.decode import decode_update
from unionline.channels.telegram.entities import MAX_ENTITIES
from unionline.channels.telegram.settings import BotConfig
from unionline.channels.telegram.types import MessageEntity
from unionline.errors import Invalid

# Bot API MessageEntity types, with the fields each one carries besides offset and length
PLAIN = ["mention", "hashtag", "cashtag", "bot_command", "url", "email", "phone_number",
         "bold", "italic", "underline", "strikethrough", "spoiler", "blockquote",
         "expandable_blockquote", "code"]  # fmt: skip
USER = {"id": 411222333, "is_bot": False, "first_name": "Мария"}


def entity_of(kind: str, offset: int, length: int, extra: str) -> dict[str, Any]:
    entity: dict[str, Any] = {"offset": offset, "length": length, "type": kind}
    if kind == "text_link":
        entity["url"] = f"https://union.example/{extra}"
    elif kind == "pre" and extra:
        entity["language"] = extra
    elif kind == "text_mention":
        entity["user"] = USER  # not kept: MessageEntity has no such field
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = "5368324170671202286"
    return entity


entities = st.lists(
    st.builds(
        entity_of,
        st.sampled_from([*PLAIN, "pre", "text_link", "text_mention", "custom_emoji"]),
        st.integers(0, 4095),
        st.integers(1, 4096),
        st.text(alphabet="abcdefgh-ж", max_size=12),
    ),
    max_size=MAX_ENTITIES,
)
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200)


def update(message: dict[str, Any]) -> dict[str, Any]:
    chat = {"id": 5, "type": "private"}
    sender = {"id": 5, "is_bot": False, "first_name": "Иван"}
    return {
        "update_id": 1,
        "message": {"message_id": 1, "date": 1, "chat": chat, "from": sender, **message},
    }


def oracle(sent: list[dict[str, Any]]) -> Any:
    """What the channel kept before entities were read raw: typed, then to builtins."""
    return msgspec.to_builtins(msgspec.convert(sent, list[MessageEntity]))


@given(text=texts, sent=entities, caption=st.booleans())
def test_entities_are_kept_as_the_typed_decode_kept_them(
    text: str, sent: list[dict[str, Any]], caption: bool
) -> None:
    body = {"caption": text, "caption_entities": sent} if caption else {"text": text}
    if not caption:
        body["entities"] = sent
    [message] = decode_update(as_update(update(body)))
    assert message.text == text
    assert message.data.get("entities") == (oracle(sent) or None)
    assert ("entities" in message.data) == bool(sent)


def dense(count: int) -> list[dict[str, Any]]:
    return [{"offset": i, "length": 1, "type": "bold"} for i in range(count)]


def test_past_the_bound_the_first_entities_are_kept_and_the_text_whole() -> None:
    text = "жж" * MAX_ENTITIES * 4
    sent = dense(len(text) // 2)
    [message] = decode_update(as_update(update({"text": text, "entities": sent})))
    assert message.text == text
    assert message.data["entities"] == oracle(sent[:MAX_ENTITIES])
    # a malformed entity past the bound is never read: the update is still taken
    sent[MAX_ENTITIES] = {"type": "bold", "offset": "x"}
    [message] = decode_update(as_update(update({"text": text, "entities": sent})))
    assert len(message.data["entities"]) == MAX_ENTITIES


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "а", "entities": [{"type": "bold", "offset": "0", "length": 1}]},
         "message.entities"),
        ({"caption": "а", "caption_entities": [{"type": "bold"}]}, "message.caption_entities"),
        ({"text": "а", "entities": None}, "message.entities"),
        ({"text": "а", "reply_to_message": {"message_id": 2, "date": 1, "chat": {"id": 5},
                                            "entities": [{"offset": 0, "length": 1}]}},
         "message.reply_to_message.entities"),
    ],
)  # fmt: skip
async def test_a_malformed_entity_is_a_422_naming_its_field(
    body: dict[str, Any], field: str
) -> None:
    with pytest.raises(Invalid) as refused:
        decode_update(as_update(update(body)))
    assert refused.value.field == field and field in str(refused.value)
    request = InboundRequest(
        method="POST", path="/", headers={}, query={}, body=json.dumps(update(body)).encode()
    )
    with pytest.raises(Invalid) as refused:  # the webhook's own path
        await TelegramChannel().decode(_Account(), request)  # type: ignore[arg-type]
    assert refused.value.status_code == 422 and refused.value.field == field


class _Account(msgspec.Struct):
    config: BotConfig = msgspec.field(default_factory=BotConfig)
