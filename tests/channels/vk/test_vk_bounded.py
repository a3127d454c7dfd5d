"""Arrays of a VK event read up to what VK sends (``unionline.channel.first``): within the bound
the same elements as a ``list`` decode, past it the first ones and the rest skipped unread
(forwards: those that can be shown, the rest counted; see test_vk_forwards);
``client_info`` and an event's ``object`` are never read into dicts (issue #12 item 3)."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from unionline.channels.vk.decode import decode_event
from unionline.channels.vk.types import (
    MAX_ATTACHMENTS,
    MAX_FORWARDS,
    MAX_PHOTO_SIZES,
    MAX_QUOTED,
    MAX_STICKER_IMAGES,
    Attachment,
    Event,
    ForeignMessage,
    Image,
    Message,
    MessageNew,
    PhotoSize,
)
from unionline.errors import Invalid


class ListMessage(msgspec.Struct, kw_only=True):
    """The oracle: the arrays of a message as plain lists (what the channel read before)."""

    attachments: list[Attachment] = []
    fwd_messages: list[ForeignMessage] = []


def body(message: dict[str, Any], **object_fields: Any) -> bytes:
    message = {"id": 1, "date": 1, "peer_id": 5, "from_id": 5, "text": "x", **message}
    event_object = {"message": message, **object_fields}
    return msgspec.json.encode({"type": "message_new", "event_id": "e", "object": event_object})


def read(message: dict[str, Any], **object_fields: Any) -> Message:
    return msgspec.json.decode(body(message, **object_fields), type=Event).read(MessageNew).message


sizes = st.fixed_dictionaries(
    {"type": st.sampled_from("smxyzw"), "url": st.just("https://sun9-1.userapi.com/a.jpg")},
    optional={"width": st.integers(0, 2560), "height": st.integers(0, 2560)},
)
attachments = st.one_of(
    st.fixed_dictionaries(
        {
            "type": st.just("photo"),
            "photo": st.fixed_dictionaries(
                {
                    "id": st.integers(1, 10**6),
                    "owner_id": st.integers(1, 10**6),
                    "sizes": st.lists(sizes, max_size=MAX_PHOTO_SIZES + 3),
                }
            ),
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("doc"),
            "doc": st.fixed_dictionaries(
                {
                    "id": st.integers(1, 10**6),
                    "owner_id": st.integers(1, 10**6),
                    "title": st.text(max_size=20),
                }
            ),
        }
    ),
    st.fixed_dictionaries({"type": st.sampled_from(["poll", "gift", "market"])}),
)
forwards = st.lists(
    st.fixed_dictionaries({"from_id": st.integers(1, 10**6), "text": st.text(max_size=20)}),
    max_size=MAX_FORWARDS + 20,
)


@given(attached=st.lists(attachments, max_size=MAX_ATTACHMENTS + 5), forwarded=forwards)
def test_a_message_reads_what_a_list_reads_up_to_the_bound(
    attached: list[Any], forwarded: list[Any]
) -> None:
    message = read({"attachments": attached, "fwd_messages": forwarded})
    oracle = msgspec.convert({"attachments": attached, "fwd_messages": forwarded}, ListMessage)
    assert message.attachments.kept() == oracle.attachments[:MAX_ATTACHMENTS]
    # forwards: those that can be shown read, the rest up to what VK sends counted
    assert message.fwd_messages.split() == (
        oracle.fwd_messages[:MAX_QUOTED],
        min(len(oracle.fwd_messages), MAX_FORWARDS),
    )
    for ours, raw in zip(message.attachments, attached, strict=False):
        if ours.photo is not None:  # the oracle's Photo is ours: its sizes against a list
            sizes = msgspec.convert(raw["photo"]["sizes"], list[PhotoSize])
            assert list(ours.photo.sizes) == sizes[:MAX_PHOTO_SIZES]


def test_each_array_stops_at_its_bound() -> None:
    photo = {"id": 1, "owner_id": 5, "sizes": [{"type": "s", "width": w} for w in range(50)]}
    images = [{"url": f"https://vk.com/s{n}.png", "width": n} for n in range(50)]
    message = read(
        {
            "attachments": [{"type": "photo", "photo": photo}]
            + [{"type": "sticker", "sticker": {"images": images}}] * 50,
            "fwd_messages": [
                {"from_id": n, "fwd_messages": [{"from_id": n}] * 300} for n in range(300)
            ],
        }
    )
    assert len(message.attachments) == MAX_ATTACHMENTS
    first, second = message.attachments.kept()[:2]
    assert first.photo is not None and len(first.photo.sizes) == MAX_PHOTO_SIZES
    assert [s.width for s in first.photo.sizes] == list(range(MAX_PHOTO_SIZES))
    assert second.sticker is not None and len(second.sticker.images) == MAX_STICKER_IMAGES
    forwarded, count = message.fwd_messages.split()
    assert [m.from_id for m in forwarded] == list(range(MAX_QUOTED)) and count == MAX_FORWARDS
    assert isinstance(forwarded[0].fwd_messages, msgspec.Raw)  # read when shown (forwards.py)


def test_the_largest_photo_and_sticker_image_among_those_read() -> None:
    sizes = [{"type": "s", "url": f"u{n}", "width": n, "height": n} for n in range(1, 40)]
    images = [Image(url=f"i{n}", width=n, height=n) for n in range(1, 4)]
    message = read(
        {"attachments": [{"type": "photo", "photo": {"id": 1, "owner_id": 5, "sizes": sizes}}]}
    )
    [attached] = message.attachments
    assert attached.photo is not None
    assert attached.photo.largest() == PhotoSize(type="s", url="u20", width=20, height=20)
    sticker = read(
        {
            "attachments": [
                {"type": "sticker", "sticker": {"images": [msgspec.to_builtins(i) for i in images]}}
            ]
        }
    )
    [stuck] = sticker.attachments
    assert stuck.sticker is not None and stuck.sticker.largest() == images[-1]


def test_a_malformed_element_within_the_bound_is_a_422_naming_the_object() -> None:
    bad = [{"type": "doc"}] * (MAX_ATTACHMENTS - 1) + [{"type": 5}]
    event = msgspec.json.decode(body({"attachments": bad}), type=Event)
    with pytest.raises(Invalid) as caught:
        decode_event(event)
    assert caught.value.field == "object" and "attachments" in str(caught.value)
    forwards = [{"from_id": 1}] * (MAX_QUOTED - 1) + [{"from_id": "one"}]  # the last shown
    with pytest.raises(Invalid):
        decode_event(msgspec.json.decode(body({"fwd_messages": forwards}), type=Event))


def test_past_the_bound_nothing_is_read_not_even_malformed_elements() -> None:
    attached = [{"type": "gift"}] * MAX_ATTACHMENTS + [{"type": 5}, "not an object", None]
    forwarded = [{"from_id": 1, "text": "a"}] * MAX_QUOTED + [{"from_id": "one"}, 7]
    event = msgspec.json.decode(
        body({"attachments": attached, "fwd_messages": forwarded}), type=Event
    )
    [message] = decode_event(event)
    assert message.text.startswith("x\n[Подарок]")
    assert len(message.forwarded) == 50  # content.MAX_QUOTED shown, the rest said in a warning


def test_client_info_is_not_read_whatever_it_holds() -> None:
    for info in ({"button_actions": ["text"] * 5000, "keyboard": True}, "no object", [1, {}]):
        event = msgspec.json.decode(body({}, client_info=info), type=Event)
        [message] = decode_event(event)
        assert message.text == "x"


def test_an_object_of_the_wrong_shape_is_a_422() -> None:
    for wrong in (b"[]", b"null", b'"x"', b'{"message": []}'):
        raw = b'{"type": "message_new", "object": ' + wrong + b"}"
        with pytest.raises(Invalid) as caught:
            decode_event(msgspec.json.decode(raw, type=Event))
        assert caught.value.field == "object"
