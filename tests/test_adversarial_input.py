"""Every member-facing parser takes adversarial text without crashing and with the answer it
owes (issue #12 item 3). How long they take is measured in ``benchmarks/adversarial_input.py``,
never here."""

from __future__ import annotations

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.adversarial_input import _chat_rows, html_texts, mail_texts, subjects
from unionline.channels.mail import htmltext, threads, trim
from unionline.channels.telegram.decode import decode_update
from unionline.channels.telegram.types import Update
from unionline.channels.vk.decode import decode_event
from unionline.channels.vk.types import Event
from unionline.robots import safe_regex

NASTY = "<>&;:@[]()\\\"'/-_ \t\r\n\x00\x01\u2028😀> Re: Fwd: 2026 пишет wrote a"
nasty_text = st.one_of(
    st.text(alphabet=st.sampled_from(NASTY), max_size=300),
    st.builds(
        lambda piece, n: piece * n,
        st.text(alphabet=st.sampled_from(NASTY), min_size=1, max_size=4),
        st.integers(1, 200),
    ),
)


def test_the_benchmarks_worst_inputs_are_parsed():
    _ordinary, texts = mail_texts(4096)
    for text in texts.values():
        assert text.strip("\n").startswith(trim.for_display(text))
    _ordinary, pages = html_texts(4096)
    for page in pages.values():
        assert isinstance(htmltext.to_text(page), str)
        assert isinstance(htmltext.sanitize(page), str)
    _ordinary, titles = subjects(4096)
    for title in titles.values():
        assert not threads.topic(title).lower().startswith("re:")


def test_the_benchmarks_telegram_updates_are_read_with_their_text():
    [(_name, _call, _ordinary, bodies), _vk, _vk_plain] = _chat_rows(4096)
    assert len(bodies) == 8  # the text shapes and the arrays of _telegram_arrays
    for label, body in bodies.items():
        [message] = decode_update(msgspec.json.decode(body, type=Update))
        assert message.text or message.attachments, label
        assert len(message.data.get("entities", ())) <= 100


def test_the_benchmarks_vk_events_are_read_with_their_text():
    [_telegram, (_name, _call, _ordinary, bodies), plain] = _chat_rows(4096)
    assert len(bodies) == 17  # the text shapes and the arrays of _vk_arrays
    assert plain[0] == "against plain text: VK event" and plain[3] is bodies  # no target
    for label, body in bodies.items():
        [message] = decode_event(msgspec.json.decode(body, type=Event))
        assert message.text, label
        assert message.text.count("\n") <= 10 and len(message.forwarded) <= 50, label


def test_the_benchmarks_ordinary_vk_event_is_one_a_member_sends():
    """Text up to VK's 4,096 characters, VK's 10 attachments, then forwards with a photo."""
    for size, photos in ((16 * 1024, 4), (64 * 1024, 20)):  # 20: the files fetched at most
        [_telegram, (_name, _call, ordinary, _bodies), plain] = _chat_rows(size)
        assert size <= len(ordinary) < size + 4096
        [message] = decode_event(msgspec.json.decode(ordinary, type=Event))
        assert len(message.text) == 4096 and "[" not in message.text  # photos are files
        assert len(message.attachments) == photos
        assert all(a.content_type == "image/jpeg" for a in message.attachments)
        assert all(q.attachments == ("Фото",) and q.text for q in message.forwarded)
        assert bool(message.forwarded) == (photos > 10)
        [before] = decode_event(msgspec.json.decode(plain[2], type=Event))
        assert len(before.text.encode()) > size - 100 and not before.attachments


@given(subject=nasty_text)
@settings(deadline=None)
def test_subject_topics_lose_their_prefixes(subject: str):
    topic = threads.topic(subject)
    assert topic == topic.strip() and threads.topic(topic) == topic


@given(text=nasty_text)
@settings(deadline=None)
def test_telegram_and_vk_messages_keep_their_text(text: str):
    text = "слово " + text  # an empty message is refused by design (nothing to show)
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 1,
            "chat": {"id": 5, "type": "private"},
            "from": {"id": 5, "is_bot": False, "first_name": "И"},
            "text": text,
        },
    }
    decoded = decode_update(msgspec.json.decode(msgspec.json.encode(update), type=Update))
    assert all(isinstance(m.text, str) for m in decoded)
    event = {
        "type": "message_new",
        "event_id": "e",
        "group_id": 1,
        "object": {"message": {"id": 1, "date": 1, "peer_id": 5, "from_id": 5, "text": text}},
    }
    vk = decode_event(msgspec.json.decode(msgspec.json.encode(event), type=Event))
    assert all(isinstance(getattr(m, "text", ""), str) for m in vk)


@given(text=nasty_text)
@settings(deadline=None)
def test_robot_patterns_answer_as_re_does_on_member_text(text: str):
    import re

    # the reference for "(a+)+b" is "a+b" (the same strings): re itself backtracks
    # exponentially on a long run of "a" without "b", which hung this test now and then
    same = {r"(a+)+b": r"a+b"}
    for pattern in (r"(a+)+b", r"пишет|wrote", r"\d{4}\s*<", r"^re:"):
        assert safe_regex.search(pattern, text) == bool(
            re.search(same.get(pattern, pattern), text[: safe_regex.MAX_TEXT])
        )


@given(html=nasty_text)
@settings(deadline=None)
def test_mail_html_of_any_shape_becomes_text(html: str):
    assert isinstance(htmltext.to_text(html), str)
    assert "<script" not in htmltext.sanitize(html).lower()


def test_splitting_a_long_text_measures_each_character_a_bounded_number_of_times():
    """``split_text`` measured the whole remaining text for every part (quadratic: 1 MiB took
    63 ms, 4x the time of 256 KiB x 4); now only a window of ``limit`` characters per part."""
    from unionline.channel.text import split_text

    measured = 0

    def counting(text: str) -> int:
        nonlocal measured
        measured += len(text)
        return len(text)

    text = "слово " * 50_000
    parts = split_text(text, 4096, measure=counting)
    assert " ".join(parts) == text.strip()
    assert measured <= 16 * len(text)  # a binary search of ~12 steps per 4,096 characters
