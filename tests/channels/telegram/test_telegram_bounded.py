"""Arrays of an update read up to what Telegram sends (``bounded.first``): within the bound the
same elements as a ``list`` decode, past it the first ones and the rest skipped unread; objects
we only tell apart by being there are skipped whole (issue #12 item 3)."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from unionline.channel import first
from unionline.channel.types import InboundRequest
from unionline.channels.telegram.channel import TelegramChannel
from unionline.channels.telegram.content import poll_text
from unionline.channels.telegram.decode import decode_update
from unionline.channels.telegram.settings import BotConfig
from unionline.channels.telegram.types import (
    MAX_PHOTO_SIZES,
    MAX_POLL_OPTIONS,
    PhotoSize,
    Poll,
    PollOption,
    Update,
)
from unionline.errors import Invalid

Sizes = first(PhotoSize, 3, "Sizes")
size = st.fixed_dictionaries(
    {"file_id": st.text(max_size=5), "file_unique_id": st.text(max_size=5)},
    optional={"width": st.integers(0, 2560), "height": st.integers(0, 2560),
              "file_size": st.integers(0, 10**7), "unknown": st.text(max_size=3)},
)  # fmt: skip


class Holder(msgspec.Struct):
    sizes: Sizes = Sizes()  # type: ignore[valid-type]


@given(sent=st.lists(size, max_size=6))
def test_first_reads_what_a_list_reads_up_to_its_bound(sent: list[dict[str, Any]]) -> None:
    read = msgspec.json.decode(json.dumps({"sizes": sent}).encode(), type=Holder).sizes
    expected = msgspec.convert(sent, list[PhotoSize])[:3]
    assert read.kept() == list(read) == expected and len(read) == len(expected)
    assert bool(read) == bool(expected)
    assert msgspec.convert({"sizes": sent}, Holder).sizes.kept() == expected


def test_past_its_bound_first_skips_anything_unread() -> None:
    body = {"sizes": [{"file_id": "a", "file_unique_id": "b"}] * 3 + [None, {"x": 1}, 5]}
    assert len(msgspec.json.decode(json.dumps(body).encode(), type=Holder).sizes) == 3
    with pytest.raises(msgspec.ValidationError, match=r"\$\.sizes\[1\]"):  # within: as a list
        msgspec.json.decode(b'{"sizes": [{"file_id": "a", "file_unique_id": "b"}, null]}',
                            type=Holder)  # fmt: skip


def message(**fields: Any) -> dict[str, Any]:
    chat = {"id": 5, "type": "private"}
    sender = {"id": 5, "is_bot": False, "first_name": "Иван"}
    body = {"message_id": 1, "date": 1, "chat": chat, "from": sender, **fields}
    return {"update_id": 1, "message": body}


def decoded(body: dict[str, Any]) -> Any:
    [found] = decode_update(msgspec.json.decode(json.dumps(body).encode(), type=Update))
    return found


def test_a_photo_is_its_largest_size_among_those_read() -> None:
    sizes = [{"file_id": f"f{i}", "file_unique_id": f"u{i}", "width": i, "height": i}
             for i in range(1, 5)]  # fmt: skip
    [photo] = decoded(message(photo=sizes)).attachments
    assert photo.remote_ref == "f4"  # as Telegram sends them: four sizes, the last largest
    many = sizes * MAX_PHOTO_SIZES  # past the bound the rest is never read
    [photo] = decoded(message(photo=[*many, {"file_id": "big", "width": 9999}])).attachments
    assert photo.remote_ref == "f4"


option = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"),
                 min_size=1, max_size=20)  # fmt: skip


@given(options=st.lists(option, min_size=1, max_size=12))
def test_a_poll_reads_as_before(options: list[str]) -> None:
    poll = {"id": "p", "question": "Когда собрание?", "options": [{"text": o} for o in options]}
    text = decoded(message(poll=poll)).text
    listed = [PollOption(text=o) for o in options]  # the list the poll was read into before
    assert text == poll_text(Poll(id="p", question="Когда собрание?", options=listed))  # type: ignore[arg-type]
    assert text.split("\n")[1:] == [f"— {o}" for o in options]


def test_a_poll_past_the_bound_lists_the_first_options() -> None:
    poll = {"id": "p", "question": "?", "options": [{"text": f"{n}"} for n in range(1000)]}
    lines = decoded(message(poll=poll)).text.splitlines()
    assert lines[1:] == [f"— {n}" for n in range(MAX_POLL_OPTIONS)]


def test_a_button_press_names_its_label_among_the_rows_read() -> None:
    rows = [[{"text": f"Оценка {n}", "callback_data": f"{n}"}] for n in range(1, 6)]
    shown = {"message_id": 9, "date": 1, "chat": {"id": 5, "type": "private"},
             "reply_markup": {"inline_keyboard": rows}}  # fmt: skip
    press = {"id": "q", "from": {"id": 5, "first_name": "Иван"}, "message": shown, "data": "4"}
    assert decoded({"update_id": 2, "callback_query": press}).data["button"] == {
        "data": "4",
        "label": "Оценка 4",
    }


@pytest.mark.parametrize("kind", ["story", "invoice", "giveaway", "paid_media"])
def test_content_told_by_being_there_is_skipped_whole(kind: str) -> None:
    inside = {str(n): {"deep": [n] * 3} for n in range(50)}
    assert decoded(message(**{kind: inside})).text  # its placeholder, nothing of it read


@pytest.mark.parametrize(
    "change",
    [{"chat": 5}, {"chat": {"id": 5, "type": "private"}, "new_chat_member": "kicked"},
     {"chat": {"id": 5, "type": "private"}, "from": [], "new_chat_member": {"status": 1}}],
)  # fmt: skip
async def test_a_malformed_membership_change_is_a_422_not_a_crash(change: dict) -> None:
    body = json.dumps({"update_id": 3, "my_chat_member": change}).encode()
    request = InboundRequest(method="POST", path="/", headers={}, query={}, body=body)
    with pytest.raises(Invalid) as refused:  # was AttributeError (a 500): dict.get on a non-dict
        await TelegramChannel().decode(_Account(), request)  # type: ignore[arg-type]
    assert refused.value.status_code == 422 and "my_chat_member" in str(refused.value)


async def test_a_body_nested_too_deep_is_a_422_not_a_crash() -> None:
    deep = b"[" * 5000 + b"]" * 5000  # past msgspec's nesting bound: a RecursionError (a 500)
    body = b'{"update_id": 1, "message": {"message_id": 1, "zz": ' + deep + b"}}"
    request = InboundRequest(method="POST", path="/", headers={}, query={}, body=body)
    with pytest.raises(Invalid, match="nested too deep"):
        await TelegramChannel().decode(_Account(), request)  # type: ignore[arg-type]


class _Account(msgspec.Struct):
    config: BotConfig = msgspec.field(default_factory=BotConfig)
