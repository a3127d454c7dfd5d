"""Subject topics: the prefix stripper reads a run of any length in linear time and strips
what the former one-regex version stripped (kept here as the oracle)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from unionline.channels.mail import threads

_ORACLE = re.compile(
    rf"^\s*(?:(?:{threads._either(threads.PREFIXES + threads.AUTO_PREFIXES)})"
    r"\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)


def oracle(subject: str) -> str:
    text = " ".join(threads.NUMBER.sub(" ", subject).split())
    previous = None
    while previous != text:
        previous = text
        text = _ORACLE.sub("", text).strip()
    return text


PIECES = st.sampled_from(
    ["Re:", "RE[2]:", "Fwd(3):", "AW: ", "Отв:", " Ответ :", "Нет на месте:", "re", ":", " ",
     "[PPO-2026-7]", "Тема", "x", "：", "Automatic reply:", "İ", "ß", "RE (12) :",
     # prefixes are dropped before the subject is normalized when they read as normalized:
     # whitespace that normalizing changes, between prefixes and inside them
     "\t", "  ", "Fwd:\n", "out  of office:", " re ", "[ ", "]"]
)  # fmt: skip


@given(st.lists(PIECES, max_size=40))
def test_same_topic_as_the_one_regex_version(pieces: list[str]) -> None:
    subject = "".join(pieces)
    assert threads.topic(subject) == oracle(subject)


def test_a_run_longer_than_one_match_takes_is_stripped_whole() -> None:
    assert threads.topic("Re: " * 1000 + "Вопрос о зарплате") == "Вопрос о зарплате"
    assert threads.topic("Re: " * 1000) == ""


@given(st.lists(PIECES, max_size=40), st.integers(30, 60))  # a window holds any prefix
def test_the_same_topic_whatever_window_the_prefixes_are_read_in(pieces: list[str], window: int):
    subject = "".join(pieces)
    saved = threads._WINDOW
    threads._WINDOW = window
    try:
        assert threads.topic(subject) == oracle(subject)
    finally:
        threads._WINDOW = saved
    assert threads.topic("Re: Fwd: " * 3000 + "Вопрос: отпуск") == "Вопрос: отпуск"


NUMBER_PIECES = st.sampled_from(
    ["[", "]", " ", "\n", "\t\t", "\u2028", "\x1c", "[ ", "ППО", "A", "-", "2026", "-2026-", "1",
     "-2026-1", "[A-2026-1]", "[ PPO-2026-12 ]", "[\n\tB-2026-3 \u2028]", "x-1234-1234-5]",
     "Re:", " Fwd :", "."]
)  # fmt: skip


@given(st.lists(NUMBER_PIECES, max_size=40))
def test_numbers_are_removed_as_before_whitespace_and_brackets_around_them(pieces: list[str]):
    """The appeal-number pattern runs only when the subject holds a year between dashes (it is
    tried at every "["): the same topic, whatever whitespace and brackets are around."""
    subject = "".join(pieces)
    assert threads.topic(subject) == oracle(subject)
    many = "[ " * 5000 + "[ППО-2026-1] Отпуск " + "[ " * 5000 + "[A-2026-2]"
    assert threads.topic(many) == oracle(many)


BRACKET_PIECES = st.sampled_from(
    ["[", "]", " ", "\t", "[PPO-2026-7]", "PPO-2026-7", "[ППО-2026-1 ", "-2026-", "1", "12",
     "1234567890", "a", "A.b_c", "-", "٣", "[ x-2026-1 ]", "[]", "] [", "[[", "]]"]
)  # fmt: skip


@given(st.lists(st.one_of(NUMBER_PIECES, BRACKET_PIECES), max_size=60))
def test_numbers_are_removed_as_the_number_pattern_removes_them(pieces: list[str]) -> None:
    """Read forwards or backwards (whichever side has fewer brackets): never another result."""
    for subject in ("".join(pieces), "".join(pieces) + "]]]", "[[[" + "".join(pieces)):
        assert threads._without_numbers(subject) == threads.NUMBER.sub(" ", subject)


def test_a_number_after_many_brackets_is_removed() -> None:
    subject = "[ " * 5000 + "[PPO-2026-1] Отпуск"
    assert subject.count("[") > subject.count("]")  # read backwards
    assert threads._without_numbers(subject) == "[ " * 5000 + "  Отпуск"
    assert threads.topic("[PPO-2026-1] " + "[ " * 5000) == " ".join(["["] * 5000)
