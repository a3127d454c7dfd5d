"""Forwards read within one budget across levels (``channels/vk/forwards.py``, ``eager.py``):
for every real-shaped event the member's message is what the channel made of it when it read
every forwarded message, 100 a level (the oracle below is that code), whether the event is read
in one pass or by levels; the names asked for are those shown (issue #12 item 3)."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unionline.channel import InboundMessage, Quoted
from unionline.channels.vk import content, eager, forwards
from unionline.channels.vk.decode import decode_event, owner_ids
from unionline.channels.vk.types import (
    MAX_ATTACHMENTS,
    MAX_DEPTH,
    MAX_FORWARDS,
    MAX_QUOTED,
    Attachment,
    Event,
    Geo,
)
from unionline.errors import Invalid

PEER = 501234567

# -- the oracle: every forward read, 100 a level, then walked (the channel before) ----------


class OldForeign(msgspec.Struct, kw_only=True):
    id: int = 0
    date: int = 0
    from_id: int = 0
    peer_id: int | None = None
    conversation_message_id: int | None = None
    text: str = ""
    attachments: list[Attachment] = []
    geo: Geo | None = None
    fwd_messages: list[OldForeign] | None = None
    reply_message: OldForeign | None = None


class OldMessage(msgspec.Struct, kw_only=True):
    from_id: int
    attachments: list[Attachment] = []
    fwd_messages: list[OldForeign] = []
    reply_message: OldForeign | None = None


class OldWalk(content.Walk):
    quoted_left = MAX_QUOTED


def old_quoted(message: OldForeign, walk: OldWalk, depth: int = 1) -> Quoted:
    lines = [content.describe(a, walk) for a in message.attachments[:MAX_ATTACHMENTS]]
    if (point := content.location(message.geo)) is not None:
        lines.append(f"Геопозиция: {point.latitude}, {point.longitude}")
    key = content.message_key(PEER, message.conversation_message_id, message.id)
    return Quoted(
        origin=content.origin(message.from_id, walk),
        external_id=key if message.peer_id == PEER else "",
        text=message.text,
        sent_at=float(message.date) if message.date else None,
        attachments=tuple(lines),
        quoted=old_forwards(message.fwd_messages or [], walk, depth + 1),
    )


def old_forwards(messages: list[OldForeign], walk: OldWalk, depth: int = 1) -> tuple[Quoted, ...]:
    messages = messages[:MAX_FORWARDS]
    if not messages:
        return ()
    if depth > MAX_DEPTH:
        walk.warnings.append(f"Пересланные сообщения глубже {MAX_DEPTH} уровней не показаны")
        return ()
    shown: list[Quoted] = []
    for n, message in enumerate(messages):
        if walk.quoted_left <= 0:
            left = len(messages) - n
            walk.warnings.append(
                f"Не показаны ещё {left} пересланных сообщений (больше {MAX_QUOTED})"
            )
            break
        walk.quoted_left -= 1
        shown.append(old_quoted(message, walk, depth))
    return tuple(shown)


def old_owner_ids(messages: list[OldForeign], attached: list[Attachment], depth: int = 1) -> set:
    found = {w.owner_id or w.to_id or w.from_id for a in attached if (w := a.wall)}
    for message in messages[:MAX_FORWARDS] if depth <= MAX_DEPTH else []:
        found.add(message.from_id)
        inner = [*(message.fwd_messages or []), *filter(None, [message.reply_message])]
        found |= old_owner_ids(inner, message.attachments, depth + 1)
    return found - {0}


def oracle(body: bytes, names: content.Names) -> dict[str, Any]:
    """What the channel showed of the message before: its quotes, files and warnings."""
    event = msgspec.json.decode(body)
    message = msgspec.convert(event["object"]["message"], OldMessage)
    walk = OldWalk(names)
    for attached in message.attachments[:MAX_ATTACHMENTS]:
        content.describe(attached, walk)
    forwarded = old_forwards(message.fwd_messages, walk)
    reply = message.reply_message
    return {
        "forwarded": forwarded,
        "reply_to": old_quoted(reply, walk) if reply is not None else None,
        "attachments": tuple(walk.files),
        "warnings": tuple(walk.warnings),
    }


def shown(message: InboundMessage) -> dict[str, Any]:
    return {
        "forwarded": message.forwarded,
        "reply_to": message.reply_to,
        "attachments": message.attachments,
        "warnings": message.warnings,
    }


# -- real-shaped events: forwards as VK nests them --------------------------------------------

AUTHORS = [PEER, 612345678, 700000001, -198765432, -220000001]
authors = st.sampled_from(AUTHORS)
photo = st.fixed_dictionaries(
    {
        "type": st.just("photo"),
        "photo": st.fixed_dictionaries(
            {
                "id": st.integers(1, 10**6),
                "owner_id": authors,
                "sizes": st.lists(
                    st.fixed_dictionaries(
                        {
                            "type": st.sampled_from("mxyz"),
                            "url": st.sampled_from(["https://sun9-1.userapi.com/a.jpg", ""]),
                            "width": st.integers(1, 2560),
                            "height": st.integers(1, 2560),
                        }
                    ),
                    max_size=3,
                ),
            }
        ),
    }
)
wall = st.fixed_dictionaries(
    {
        "type": st.just("wall"),
        "wall": st.fixed_dictionaries(
            {"id": st.integers(1, 999), "owner_id": authors, "text": st.text(max_size=8)}
        ),
    }
)
fields = {
    "date": st.integers(0, 1_800_000_000),
    "from_id": authors,
    "text": st.text(max_size=6),
}
optional = {
    "id": st.integers(0, 10**6),
    "peer_id": st.sampled_from([PEER, 2000000014]),
    "conversation_message_id": st.integers(1, 10**5),
    "attachments": st.lists(st.one_of(photo, wall), max_size=2),
    "geo": st.just({"type": "point", "coordinates": {"latitude": 55.7, "longitude": 37.6}}),
}
leaf = st.fixed_dictionaries(fields, optional=optional)


def with_forwards(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    wide = st.lists(children, min_size=1, max_size=4) | st.lists(children, max_size=30)
    return st.builds(lambda m, f: {**m, "fwd_messages": f}, leaf, wide)


forwarded = st.recursive(leaf, with_forwards, max_leaves=100)


def body(fwd: list[Any], reply: Any = None, reply_first: bool = False, **message: Any) -> bytes:
    message = {"id": 9, "date": 1, "peer_id": PEER, "from_id": PEER, "text": "x", **message}
    if reply is not None and reply_first:  # read (and kept or not) before the forwards
        message["reply_message"] = reply
    message["fwd_messages"] = fwd
    if reply is not None:
        message["reply_message"] = reply
    event = {"type": "message_new", "event_id": "e", "object": {"message": message}}
    return msgspec.json.encode(event)


def decoded(raw: bytes, names: content.Names) -> InboundMessage:
    [message] = decode_event(msgspec.json.decode(raw, type=Event), names)
    assert isinstance(message, InboundMessage)
    return message


CHOSEN = HealthCheck.function_scoped_fixture  # read_as only chooses: the same for every input


STOPPED = {"one pass": 10**6, "by levels": 0, "stopped after 3": 3, "stopped after 17": 17}


@pytest.fixture(params=["as it comes", *STOPPED])
def read_as(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each event read as the channel reads it, and forced one way or the other (or the one
    pass stopped early: by levels, with the forwards it had read whole kept)."""
    if request.param in STOPPED:
        monkeypatch.setattr(eager, "MOST", STOPPED[request.param])
    return str(request.param)


@settings(max_examples=25, deadline=None, suppress_health_check=[CHOSEN])
@given(
    fwd=st.lists(forwarded, max_size=30),
    reply=st.none() | forwarded,
    reply_first=st.booleans(),
    attached=st.lists(st.one_of(photo, wall), max_size=2),
)
def test_a_message_shows_what_it_showed_when_every_forward_was_read(
    read_as: str, fwd: list[Any], reply: Any, reply_first: bool, attached: list[Any]
) -> None:
    raw = body(fwd, reply, reply_first, attachments=attached)
    names = {i: f"имя {i}" for i in AUTHORS}
    assert shown(decoded(raw, names)) == oracle(raw, names)


@settings(max_examples=25, deadline=None, suppress_health_check=[CHOSEN])
@given(fwd=st.lists(forwarded, max_size=30), reply=st.none() | forwarded)
def test_the_names_asked_for_are_every_name_shown(read_as: str, fwd: list[Any], reply: Any) -> None:
    raw = body(fwd, reply)
    event = msgspec.json.decode(raw, type=Event)
    asked = owner_ids(event)
    old = msgspec.convert(msgspec.json.decode(raw)["object"]["message"], OldMessage)
    inner = [*old.fwd_messages, *filter(None, [old.reply_message])]
    everyone = old_owner_ids(inner, old.attachments) | {PEER}
    assert asked <= everyone  # never more than before: only those shown
    names = {i: f"имя {i}" for i in everyone}
    # named from what was asked for, the message is the one named from everyone
    assert shown(decoded(raw, {i: names[i] for i in asked})) == shown(decoded(raw, names))


def chain(depth: int, bottom: list[Any]) -> list[Any]:
    level = bottom
    for n in range(depth):
        level = [{"date": 1, "from_id": 700000001, "text": f"{n}", "fwd_messages": level}]
    return level


def test_the_levels_shown_are_read_and_below_them_only_whether_any_is_there(
    read_as: str,
) -> None:
    below = [{"from_id": "not read", "fwd_messages": 5}] * 3  # never looked into
    message = decoded(body(chain(MAX_DEPTH, below)), {})
    depth, quoted = 1, message.forwarded[0]
    while quoted.quoted:
        depth, quoted = depth + 1, quoted.quoted[0]
    assert depth == MAX_DEPTH
    assert message.warnings == (f"Пересланные сообщения глубже {MAX_DEPTH} уровней не показаны",)
    assert decoded(body(chain(MAX_DEPTH, [])), {}).warnings == ()
    with pytest.raises(Invalid):  # a level up, the same messages are shown: read, and refused
        decoded(body(chain(MAX_DEPTH - 1, below)), {})


def test_a_shown_forward_that_is_not_a_message_is_a_422(read_as: str) -> None:
    for bad in ([{"from_id": "one"}], 5, {"a": 1}, ["x"]):
        with pytest.raises(Invalid) as caught:
            decoded(body(chain(2, bad)), {})
        assert caught.value.field == "object"


def test_forwards_past_those_shown_are_counted_not_read(read_as: str) -> None:
    many = [{"date": 1, "from_id": 612345678, "text": str(n)} for n in range(MAX_QUOTED)]
    unread = [{"from_id": "not read"}] * (MAX_FORWARDS - MAX_QUOTED) + ["past the bound"]
    message = decoded(body(many + unread), {})
    assert [q.text for q in message.forwarded] == [str(n) for n in range(MAX_QUOTED)]
    left = MAX_FORWARDS - MAX_QUOTED
    assert message.warnings == (f"Не показаны ещё {left} пересланных сообщений (больше 50)",)
    # the same budget across levels: a first forward of 49 of its own leaves room for none
    deep = [{**many[0], "fwd_messages": many[: MAX_QUOTED - 1]}, *many[:3]]
    message = decoded(body(deep), {})
    assert len(message.forwarded) == 1 and len(message.forwarded[0].quoted) == MAX_QUOTED - 1
    assert message.warnings == ("Не показаны ещё 3 пересланных сообщений (больше 50)",)


def test_forwards_read_whole_before_the_one_pass_stopped_are_not_read_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A chain, then more forwards than the one pass takes: the chain was read whole before
    the pass stopped, so read by levels only the crowd's level is read again (each level of
    the chain was, skipping what lies below it once more each time)."""
    read: list[int] = []
    read_forwards = forwards.read_forwards

    def counted(raw: msgspec.Raw, shown: int) -> tuple[list[Any], int]:
        read.append(len(raw))
        return read_forwards(raw, shown)

    monkeypatch.setattr(forwards, "read_forwards", counted)
    below = [{"date": 1, "from_id": 612345678, "text": "ниже"}] * 40
    crowd = [{"date": 1, "from_id": 612345678, "text": "b", "fwd_messages": below[:30]}] * 3
    raw = body(chain(MAX_DEPTH, below) + crowd)
    message = decoded(raw, {})
    assert read == [len(msgspec.json.encode(below[:30]))]  # the crowd's first, stopped inside
    assert shown(message) == oracle(raw, {})
    # the chain (5) and the first of the crowd (31) shown, then 14 of the one stopped inside
    assert [len(q.quoted) for q in message.forwarded] == [1, 30, MAX_QUOTED - 5 - 31 - 1]
