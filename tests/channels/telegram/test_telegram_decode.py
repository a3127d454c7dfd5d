"""Decoding recorded-shape Bot API updates (``fixtures/``) into inbound messages."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from unionline.channel.types import InboundRequest
from unionline.channels.telegram.channel import TelegramChannel
from unionline.channels.telegram.decode import decode_update
from unionline.channels.telegram.types import Update
from unionline.errors import Invalid, UnsupportedUpdate

Load = Callable[[str], dict]


def decoded(payload: Load, name: str) -> Any:
    [message] = decode_update(msgspec.convert(payload(name), Update))
    return message


def test_text_keeps_its_entities_and_sender(payload: Load) -> None:
    message = decoded(payload, "text_with_entities")
    assert message.external_id == "912345678"
    assert message.sender.kind == "telegram" and message.sender.address == "411222333"
    assert message.sender.display_name == "Мария Иванова"
    assert message.sender.profile == {"username": "maria_iv", "language_code": "ru"}
    assert message.conversation == "411222333"
    assert message.text.startswith("👋 Здравствуйте!")
    assert [e["type"] for e in message.data["entities"]] == ["url", "hashtag", "bold"]
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


def test_own_contact_offers_the_phone_to_identity_and_others_do_not(payload: Load) -> None:
    own = decoded(payload, "contact")
    assert own.sender.profile["shared_phone"] == "79161234567"
    assert own.text == "Контакт: +79161234567 (Мария Иванова)"
    other = decoded(payload, "contact_other_person")
    assert "shared_phone" not in other.sender.profile
    assert other.data["contact"]["phone_number"] == "+79031112233"


def test_an_edit_is_a_new_message_marked_as_edit(payload: Load) -> None:
    edited = decoded(payload, "edited_message")
    original = decoded(payload, "text_with_entities")
    assert edited.data["edited"] is True
    assert edited.data["message_id"] == original.data["message_id"]
    assert edited.external_id != original.external_id  # its own update, stored on its own


@pytest.mark.parametrize("name", ["my_chat_member", "callback_query"])
def test_other_updates_are_unsupported(payload: Load, name: str) -> None:
    with pytest.raises(UnsupportedUpdate):
        decode_update(msgspec.convert(payload(name), Update))


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
                ]
            ),
            json_values,
            max_size=6,
        ),
        "edited_message": json_values,
        "callback_query": json_values,
    },
)


@given(st.one_of(updates, json_values))
async def test_any_body_is_decoded_or_refused_by_intent(body: Any) -> None:
    request = InboundRequest(
        method="POST", path="/", headers={}, query={}, body=json.dumps(body).encode()
    )
    try:
        messages = await TelegramChannel().decode(None, request)  # type: ignore[arg-type]
    except (Invalid, UnsupportedUpdate):
        return
    assert all(m.text or m.attachments for m in messages)
