"""Trimming quoted history is linear in the member's text, and says what it said before.

Speed itself is measured by ``benchmarks/adversarial_input.py``; here the work is counted
deterministically (calls into C functions while trimming, and the length of text handed to the
patterns that can backtrack), so a quadratic shape fails whatever the machine.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from trim_before import for_display as before
from trim_reference import for_display as reference

from unionline.channels.mail import trim

# The inputs of issue #12: 14 s and 40 s before, the event loop blocked all along.
ISSUE_ADDRESSES = "1234 <" + "a@" * 16_000
ISSUE_QUOTES = ">\n" * 20_000 + "и мой ответ"

PIECES = [
    "> цитата",
    ">",
    "",
    "  ",
    "-- ",
    "--",
    "—",
    "On Thu, Mar 5, 2026 at 10:00 AM Profkom <p@u.example> wrote:",
    "Иван Петров пишет:",
    "05.03.2026 10:00, Иван <i@u.example>:",
    "чт, 5 мар. 2026 г. в 12:40, Профком <p@u.example>:",
    "x 2026 y <a@b@c>:",
    "Профком <@a@b>:",
    "Le 5 mars 2026, Ivan a écrit :",
    "Am 5. März 2026 schrieb Ivan:",
    "-----Original Message-----",
    "From: Профком <p@u.example>",
    "Sent: Thursday",
    "Кому: член профсоюза",
    "Тема: отпуск",
    "---------- Forwarded message ---------",
    "Sent from my iPhone",
    "Отправлено с iPhone",
    "Текст члена профсоюза",
    "1234 <" + "a@" * 40,
    "2026",
    "<a@b>:",
]
line = st.one_of(
    st.sampled_from(PIECES),
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=3).map(" ".join),
    st.text(alphabet=st.sampled_from("> -<@:2026aoн\t"), max_size=30),
)
mail_text = st.lists(line, max_size=20).map("\n".join)


@given(text=mail_text)
@settings(max_examples=500, deadline=None)
def test_trimming_says_what_the_quadratic_version_said(text: str):
    with unbounded_checks():
        assert trim.for_display(text) == reference(text)


def unbounded_checks() -> mock._patch[int]:
    """The versions compared with have no bound on the attribution patterns' reads (it is
    tested on its own: test_the_attribution_patterns_read_at_most_their_bound)."""
    return mock.patch.object(trim, "MAX_ATTRIBUTION_CHECKS", sys.maxsize)


# Long texts of candidate lines (a ":", "wrote"… in them) with and without what makes the loop
# read one: a digit or a header's letter first, blanks first, an attribution's word, a quote
# below — past ``MAX_CANDIDATES`` of them as often as not.
CANDIDATE_PIECES = [
    *PIECES,
    "> a:",
    "a:",
    " :",
    "1:",
    "от: x",
    "from: x",
    "to: y",
    "> @:",
    "a wrote",
    "message",
    "пишет",
    "\u2003b:",
    "ſchrieb",
    "İ:",
    "x@y",
    "От: Профком",
    "Отправлено: четверг",
    "05.03.2026 Иван",
    "<a@b>:",
    "> <a@b>:",
    "2026 <a@b>:",
    "Sent: x",
    "<wrote@x>:",
    "Иван <i@u.example> пишет:",
    "в 2026",
    "чт, 5 мар. 2026 г. в 12:40,",
]
candidate_line = st.one_of(
    st.sampled_from(CANDIDATE_PIECES),
    st.lists(st.sampled_from(CANDIDATE_PIECES), min_size=2, max_size=3).map(" ".join),
)
long_text = st.tuples(
    st.lists(candidate_line, min_size=0, max_size=260),
    st.lists(st.sampled_from(PIECES), max_size=6),
).map(lambda parts: "\n".join(parts[0] + parts[1]))


@given(text=st.one_of(mail_text, long_text))
@settings(max_examples=400, deadline=None)
def test_trimming_says_what_it_said_before_its_candidate_lines_were_read_faster(text: str):
    with unbounded_checks():
        assert trim.for_display(text) == before(text)


@pytest.mark.parametrize("word", ["пишет", "x wrote", "пишу вам", "<a@b> 2026:"])
def test_the_attribution_patterns_read_at_most_their_bound(word: str):
    """Lines that hold an attribution's word right above a quote yet are none cost the
    patterns' reads (~8 µs a line): past ``MAX_ATTRIBUTION_CHECKS`` of them the text is shown
    whole, below it the history after them is still found."""
    history = "On Mon, Ivan wrote:\n> цитата"
    for lines in (trim.MAX_ATTRIBUTION_CHECKS // 2 - 1, trim.MAX_ATTRIBUTION_CHECKS + 1):
        text = (word + "\n>\n") * lines + "ответ\n" + history
        with mock.patch.object(trim, "is_attribution", wraps=trim.is_attribution) as read:
            shown = trim.for_display(text)
        assert read.call_count <= trim.MAX_ATTRIBUTION_CHECKS
        if lines > trim.MAX_ATTRIBUTION_CHECKS // 2:
            assert read.call_count == trim.MAX_ATTRIBUTION_CHECKS
            assert shown == text
        else:
            assert shown == text.removesuffix("\n" + history)


@given(text=st.one_of(mail_text, st.text(max_size=300)))
@settings(max_examples=300, deadline=None)
def test_trimming_keeps_the_start_of_the_text(text: str):
    shown = trim.for_display(text)
    assert text.strip("\n").startswith(shown)
    assert bool(shown.strip()) == bool(text.strip())


def test_the_issue_inputs_are_kept_whole():
    assert trim.for_display(ISSUE_ADDRESSES) == ISSUE_ADDRESSES
    # A quote with the member's words below it is not history: nothing is cut.
    assert trim.for_display(ISSUE_QUOTES) == ISSUE_QUOTES.strip("\n")


def c_calls(call: Callable[[], object]) -> int:
    """How many C functions (string methods, pattern matches…) ``call`` makes: a count of
    the work done that does not depend on the machine's speed."""
    count = 0

    def profile(_frame: object, event: str, _arg: object) -> None:
        nonlocal count
        if event == "c_call":
            count += 1

    sys.setprofile(profile)
    try:
        call()
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize(
    "shape",
    [
        lambda n: ">\n" * n + "и мой ответ",  # every quote line looked at all the others
        lambda n: "Иван пишет:\nтекст\n" * n,  # every attribution line too
        lambda n: "> цитата\nOn Mon, Ivan wrote:\n" * n + "ответ",
        lambda n: "Sent from my iPhone\n\n" * n,
        lambda n: "-- \n" * n,
        lambda n: "обычный текст письма\n" * n,
    ],
)
def test_work_grows_linearly_with_the_lines(shape: Callable[[int], str]):
    small = c_calls(lambda: trim.for_display(shape(500)))
    large = c_calls(lambda: trim.for_display(shape(2000)))
    assert large <= 4.5 * small  # linear: ×4 (quadratic was ×16)


def test_backtracking_patterns_see_at_most_one_short_line(monkeypatch: pytest.MonkeyPatch):
    """``_ATTRIBUTION`` and the year search backtrack within their window; they only ever get
    a line of at most ``MAX_ATTRIBUTION`` characters (the whole line took 14 s before)."""
    seen: list[int] = []

    class Spy:
        def __init__(self, pattern: object) -> None:
            self.pattern = pattern

        def match(self, text: str, *args: int) -> object:
            seen.append(len(text))
            return self.pattern.match(text, *args)  # type: ignore[attr-defined]

    monkeypatch.setattr(trim, "_ATTRIBUTION", Spy(trim._ATTRIBUTION))
    long_lines = (ISSUE_ADDRESSES + "\n> цитата\n") * 3 + "ответ"
    assert trim.for_display(long_lines) == long_lines
    short = "Иван пишет:\n> цитата\nответ\n" * 3
    assert trim.for_display(short) == short.strip("\n")
    assert seen and max(seen) <= trim.MAX_ATTRIBUTION


def test_an_address_line_needs_a_year_close_before_the_address():
    assert trim.is_attribution("чт, 5 мар. 2026 г. в 12:40, Профком <p@u.example>:")
    assert trim.is_attribution("2026 <p@u.example> :")
    assert trim.is_attribution("x 2026 " + "y" * 79 + "<p@u.example>:")  # 80 between
    assert not trim.is_attribution("x 2026 " + "y" * 80 + "<p@u.example>:")
    assert not trim.is_attribution("y" * 161 + "2026 <p@u.example>:")  # year too far in
    assert not trim.is_attribution("Профком <p@u.example>:")  # no year
    assert not trim.is_attribution("2026 <p@u.example> wrote")  # not the end of the line
    for far in (79, 80):  # the same verdicts as the single pattern of before
        above = "x 2026 " + "y" * far + "<p@u.example>:\n> цитата"
        assert trim.for_display("ответ\n" + above) == reference("ответ\n" + above)


def test_trimming_a_text_over_the_bound_shows_it_whole():
    text = "ответ\n" + "> цитата\n" * (trim.MAX_TEXT // 9)
    assert len(text) > trim.MAX_TEXT and trim.for_display(text) == text.strip("\n")
    assert trim.for_display(text[: trim.MAX_TEXT - 10]) == "ответ"


def test_a_text_of_lines_that_only_look_like_headers_is_shown_whole():
    """Lines holding an anchor (":", "wrote"…) are read one by one in Python, so past
    ``MAX_CANDIDATES`` of them before the history the text is shown whole: the work is
    bounded, and nothing the member wrote is hidden."""
    history = "On Mon, Ivan wrote:\n> цитата"
    few = "Дата: 5 марта\n" * (trim.MAX_CANDIDATES - 1) + history
    assert trim.for_display(few) == few.removesuffix("\n" + history)
    many = "Дата: 5 марта\n" * (trim.MAX_CANDIDATES + 1) + history
    assert trim.for_display(many) == many


def test_the_anchor_search_sees_every_letter_the_patterns_ignore_the_case_of():
    """Anchors are found in ``text.lower()``; ``re.IGNORECASE`` also equates a few letters
    lowercasing leaves apart (``ſ`` and ``s``, ``ᲂ`` and ``о``…), which are folded first."""
    import re

    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    for letter in set("".join(trim._ANCHORS)):
        twins = re.findall(re.escape(letter), everything, re.IGNORECASE)
        for twin in twins:
            assert trim._lowered(twin) == letter, (letter, twin)
    # Offsets stay the same: "İ" is the only letter lowercasing to two characters.
    assert [c for c in everything if len(c.lower()) != 1] == ["\u0130"]
    for text in ("ответ\n\nAm 5. März ſchrieb Ivan:\n> q", "ответ\n\nİvan ᲃообщил, пишет:\n> q"):
        assert trim.for_display(text) == reference(text) == "ответ"


def test_a_run_of_lines_is_passed_on_what_their_first_characters_lower_to():
    """Runs of lines are matched in the lowered text: a character lowering to one of the run's
    first characters is, like them, no blank, no digit, and starts no header but (for "о",
    "f", "d", "v") a "From:"-like one — whatever it was before lowering."""
    import re

    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        lowered = trim._lowered(char)
        if lowered is None or lowered not in trim._RUN_FIRST:
            continue
        assert not char.isspace() and not char.isdigit(), hex(code)
        if lowered in trim._PLAIN_LOW:
            assert char.casefold() not in trim._HEADER_STARTS, hex(code)
        assert re.match(r"[-_*bн]", char, re.IGNORECASE) is None, hex(code)
    assert not set(trim._PLAIN_LOW) & set(trim._FROM_LOW)


@pytest.mark.parametrize(
    "line", ["> a:", "a:", "от:", "from:", ":", "x wrote", "1:", "a" * 60 + ":", "a:*"]
)
def test_runs_of_lines_are_passed_whole_up_to_the_bound(line: str):
    """A run of lines that can be neither header nor attribution is passed in one match, the
    candidate lines in it counted: past ``MAX_CANDIDATES`` the text is shown whole, below it the
    history after the run is still found."""
    history = "\nOn Mon, Ivan wrote:\n> цитата"
    for lines in (trim.MAX_CANDIDATES - 2, trim.MAX_CANDIDATES - 1, trim.MAX_CANDIDATES):
        for between in ("", "\nx"):
            text = (line + between + "\n") * lines + "ответ" + history
            # the attribution is candidate number `lines` (from 0)
            shown = text if lines >= trim.MAX_CANDIDATES else text.removesuffix(history)
            assert trim.for_display(text) == before(text) == shown


@pytest.mark.parametrize(
    "history",
    [
        "От: Профком\nОтправлено: четверг\nКому: член профсоюза\n\nтекст",
        "from: Профком\nsent: Thursday\nto: x\n\nтекст",
        "05.03.2026 Иван\nПетров:\n> цитата",  # a wrapped attribution, no word in it
        "Иван\nпишет:\n> цитата",
        "---------- Forwarded message ---------\nтекст",
        "-----Original Message-----\nтекст",
        "чт, 5 мар. 2026 г. в 12:40,\nПрофком <p@u.example>:\n> цитата",  # year, then address
        "Профком <p@u.example>, 2026:\n> цитата",
        "Иван <i@u.example> пишет:\n> цитата",  # the verb after the address
        "Иван пишет:\n \n> цитата",  # a blank line between
        "On Thu, 5 Mar 2026 at 10:00, Ivan\n<i@u.example> wrote:\n\n> цитата",
    ],
)
@pytest.mark.parametrize("run", ["a:\n", "от:\n", "> a:\n", ":\nx\n"])
def test_a_run_of_lines_stops_at_what_may_be_history(run: str, history: str):
    text = "ответ\n" + run * 20 + history
    assert trim.for_display(text) == before(text) == reference(text)
    assert trim.for_display(text) != text.strip("\n") or "Forwarded" in history


def test_a_sent_like_line_is_found_in_the_lowered_text_whatever_its_letters_were():
    """``_NEXT_HEADER`` looks in the lowered text for the lines ``_OUTLOOK_NEXT`` matches in the
    text: every letter ``re.IGNORECASE`` takes for one of theirs lowers to one it takes too."""
    import re

    letters = set("sentdateотправленодатаtoкомуsubjectтема")
    any_letter = re.compile(f"[{''.join(letters)}]", re.IGNORECASE)
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF or not any_letter.match(chr(code)):
            continue
        char = chr(code)
        for letter in letters:
            if re.match(letter, char, re.IGNORECASE):
                lowered = trim._lowered(char)
                assert lowered is not None and re.match(letter, lowered, re.IGNORECASE), hex(code)


@pytest.mark.parametrize("below", range(8))
@pytest.mark.parametrize("run", ["a:\n", "от: x\n", "from: y\n"])
@pytest.mark.parametrize("long", [False, True])  # the "Sent:" line in the run, or below it
def test_a_from_line_in_a_run_is_read_when_sent_and_to_lines_follow(
    run: str, below: int, long: bool
):
    """Runs take "From:"-like lines too, and end five lines above a "Sent:"-like one."""
    sent = "Отправлено: четверг" + ", 5 марта 2026 г. в 10:00 по Москве" * long
    text = "ответ\n" + run * 10 + "От: Профком\n" + run * below
    text += sent + "\nКому: член профсоюза" + " и его представителю в комиссии" * long
    text += "\n\nтекст"
    assert trim.for_display(text) == before(text) == reference(text)
    assert ("Профком" in trim.for_display(text)) == (below > 2)  # "Sent:", "To:" in its five


def test_a_from_line_is_followed_by_headers_counted_as_before():
    """The fifth line counts when a blank one is among the four above it."""
    for last in ("Кому:", "Кому: x", "Кому", "x"):
        text = "ответ\nОт: Профком\n\nx\ny\nОтправлено: x\n" + last
        assert trim.for_display(text) == before(text) == reference(text)
        assert (trim.for_display(text) == "ответ") == last.startswith("Кому:")


def test_lines_that_can_be_neither_header_nor_attribution_are_passed_in_a_few_c_calls(
    monkeypatch: pytest.MonkeyPatch,
):
    """A line holding an anchor (":") is only read by the patterns when it starts like a header,
    starts with a digit or has an attribution's word near it; the verdicts are the same."""
    looked: list[int] = []
    verdict = trim._verdict
    monkeypatch.setattr(trim, "_verdict", lambda *args: looked.append(args[1]) or verdict(*args))
    text = "> a:\n" * 500 + "ответ"
    assert trim.for_display(text) == reference(text) == text
    assert looked == []
    text = "Время: 10:00\n" * 20 + "Иван пишет:\n> цитата"
    assert trim.for_display(text) == reference(text)  # the line above it is read as wrapped
    assert len(looked) <= 2  # the two lines near the attribution's word, of 21
