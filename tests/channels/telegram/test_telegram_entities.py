"""A message's entities in ``data["entities"]``: for every shape Telegram sends, the same dicts
as the list decode the channel used before (the oracle: a ``list[MessageEntity]`` through
``msgspec.to_builtins``); past ``MAX_ENTITIES`` only the first are read and the text stays
whole (issue #12 item 3: a body of thousands of entities must cost what its bytes cost)."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from unionline.channel import InboundMessage
from unionline.channel.types import InboundRequest
from unionline.channels.telegram.channel import TelegramChannel
from unionline.channels.telegram.decode import decode_update
from unionline.channels.telegram.settings import BotConfig
from unionline.channels.telegram.types import MAX_ENTITIES, MessageEntity, Update
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


def update(**message: Any) -> dict[str, Any]:
    chat = {"id": 5, "type": "private"}
    sender = {"id": 5, "is_bot": False, "first_name": "Иван"}
    return {
        "update_id": 1,
        "message": {"message_id": 1, "date": 1, "chat": chat, "from": sender, **message},
    }


def decoded(body: dict[str, Any]) -> InboundMessage:
    """As the webhook reads it: from JSON bytes."""
    [message] = decode_update(msgspec.json.decode(json.dumps(body).encode(), type=Update))
    return message


def oracle(sent: list[dict[str, Any]]) -> Any:
    """What the channel kept before the bound: every entity typed, then to builtins."""
    return msgspec.to_builtins(msgspec.convert(sent, list[MessageEntity]))


@given(text=texts, sent=entities, caption=st.booleans())
def test_entities_are_kept_as_the_list_decode_kept_them(
    text: str, sent: list[dict[str, Any]], caption: bool
) -> None:
    body = update(caption=text, caption_entities=sent) if caption else update(text=text)
    if not caption:
        body["message"]["entities"] = sent
    message = decoded(body)
    assert message.text == text
    assert message.data.get("entities") == (oracle(sent) or None)
    assert ("entities" in message.data) == bool(sent)
    assert msgspec.convert(body, Update).message.entities.kept() == (  # type: ignore[union-attr]
        [] if caption else msgspec.convert(sent, list[MessageEntity])
    )


def dense(count: int) -> list[dict[str, Any]]:
    return [{"offset": i, "length": 1, "type": "bold"} for i in range(count)]


def test_past_the_bound_the_first_entities_are_kept_and_the_text_whole() -> None:
    text = "жж" * MAX_ENTITIES * 4
    sent = dense(len(text) // 2)
    message = decoded(update(text=text, entities=sent))
    assert message.text == text
    assert message.data["entities"] == oracle(sent[:MAX_ENTITIES])
    # entities past the bound are skipped unread: a malformed one does not refuse the update
    sent[MAX_ENTITIES] = {"type": "bold", "offset": "x"}
    sent[-1] = None  # type: ignore[call-overload]
    message = decoded(update(caption=text, caption_entities=sent, photo=[]))
    assert message.text == text and len(message.data["entities"]) == MAX_ENTITIES
    quoted = {"message_id": 2, "date": 1, "chat": {"id": 5}, "text": "а", "entities": sent}
    assert decoded(update(text="б", reply_to_message=quoted)).reply_to is not None


@pytest.mark.parametrize(
    ("message", "path"),
    [
        ({"entities": [{"type": "bold", "offset": "0", "length": 1}]},
         "$.message.entities[0].offset"),
        ({"entities": [*dense(MAX_ENTITIES - 1), {"type": "bold"}]},
         f"$.message.entities[{MAX_ENTITIES - 1}]"),
        ({"entities": [None]}, "$.message.entities[0]"),
        ({"entities": None}, "$.message.entities"),
        ({"caption_entities": [{"offset": 0, "length": 1}]}, "$.message.caption_entities[0]"),
        ({"reply_to_message": {"message_id": 2, "date": 1, "chat": {"id": 5},
                               "entities": [{"type": "bold", "offset": -1.5, "length": 1}]}},
         "$.message.reply_to_message.entities[0].offset"),
    ],
)  # fmt: skip
async def test_a_malformed_entity_read_is_a_422_naming_where(
    message: dict[str, Any], path: str
) -> None:
    body = json.dumps(update(text="а", **message)).encode()
    request = InboundRequest(method="POST", path="/", headers={}, query={}, body=body)
    with pytest.raises(Invalid) as refused:
        await TelegramChannel().decode(_Account(), request)  # type: ignore[arg-type]
    assert refused.value.status_code == 422 and f"`{path}`" in str(refused.value)


class _Account(msgspec.Struct):
    config: BotConfig = msgspec.field(default_factory=BotConfig)
