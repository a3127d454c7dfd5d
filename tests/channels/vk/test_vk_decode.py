"""Decoding recorded-shape VK events (``fixtures/``) into inbound messages."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vk_support import as_event

from unionline.channel.types import InboundRequest, SentElsewhere
from unionline.channels.vk.decode import decode_event, owner_ids, permission_change
from unionline.channels.vk.types import Event
from unionline.errors import Invalid, UnsupportedUpdate

Load = Callable[[str], dict]


def decoded(payload: Load, name: str) -> list[Any]:
    return decode_event(as_event(payload(name)))


def test_message_new(payload: Load) -> None:
    [message] = decoded(payload, "message_new")
    message_object = payload("message_new")["object"]["message"]
    assert message.external_id == f"{message_object['peer_id']}:1201"  # peer:conversation id
    assert (message.sender.kind, message.sender.address) == ("vk", "501234567")
    assert message.conversation == "501234567"
    assert message.text.startswith("Здравствуйте!")
    assert message.data["message_id"] == 1201


def test_attachments_are_announced_by_url(payload: Load) -> None:
    [photo] = decoded(payload, "message_new_photo")
    [picture] = photo.attachments
    assert picture.remote_ref == "https://sun9-1.userapi.com/impg/base.jpg"  # the original
    assert picture.content_type == "image/jpeg"
    [doc] = decoded(payload, "message_new_doc")
    assert (doc.attachments[0].filename, doc.attachments[0].content_type) == (
        "заявление.pdf",
        "application/pdf",
    )
    assert doc.attachments[0].size == 48213
    [voice] = decoded(payload, "message_new_voice")
    assert voice.attachments[0].remote_ref.endswith(".ogg")


def test_an_edit_names_the_message_it_revises(payload: Load) -> None:
    [edited] = decoded(payload, "message_edit")
    [original] = decoded(payload, "message_new")
    assert edited.data["message_id"] == 1201
    assert edited.edit_of == original.external_id
    assert edited.external_id == payload("message_edit")["event_id"]  # each revision once


def test_the_communitys_own_messages_are_sent_elsewhere(payload: Load) -> None:
    [echo] = decoded(payload, "message_reply")
    event = payload("message_reply")
    assert isinstance(echo, SentElsewhere)
    assert echo.external_id == event["event_id"]
    assert (echo.recipient.kind, echo.recipient.address) == ("vk", str(event["object"]["peer_id"]))
    assert echo.text == event["object"]["text"]
    assert echo.data["random_id"] == event["object"]["random_id"]


def test_confirmations_and_other_events_store_nothing(payload: Load) -> None:
    assert decoded(payload, "confirmation") == []
    with pytest.raises(UnsupportedUpdate):
        decoded(payload, "group_join")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
events = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            [
                "message_new",
                "message_edit",
                "message_reply",
                "message_allow",
                "message_deny",
                "group_join",
            ]
        ),
        "object": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {
                    "message": st.dictionaries(
                        st.sampled_from(
                            [
                                "id",
                                "date",
                                "peer_id",
                                "from_id",
                                "text",
                                "attachments",
                                "out",
                                "geo",
                                "fwd_messages",
                                "reply_message",
                                "conversation_message_id",
                            ]
                        ),
                        json_values,
                        max_size=7,
                    )
                }
            ),
        ),
    },
    optional={"event_id": st.text(max_size=40), "group_id": st.integers()},
)


@given(st.one_of(events, json_values))
async def test_any_body_is_decoded_or_refused_by_intent(body: Any) -> None:
    request = InboundRequest(
        method="POST", path="/", headers={}, query={}, body=json.dumps(body).encode()
    )
    try:
        # What VkChannel.decode parses (it then asks VK for names, applies permission changes
        # and drops echoes of our own sends, in the database).
        event = request.json(Event)
        owner_ids(event)
        permission_change(event)
        messages = decode_event(event)
    except (Invalid, UnsupportedUpdate):
        return
    assert all(m.text or getattr(m, "attachments", ()) for m in messages)
