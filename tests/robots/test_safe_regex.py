"""The robots' safe patterns (RE2 underneath) answer as Python's ``re`` does, on the whole subset.

``tests/robots/test_conditions.py`` compares them with ``re`` on Cyrillic under hypothesis; here
the character sets are checked over every code point, and a wider grammar (every anchor, the
flags, marks that must not be read as characters) under hypothesis.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unionline.robots import charsets, safe_regex
from unionline.robots.pattern_syntax import Chars, parse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("ignore_case", [False, True])
@pytest.mark.parametrize(
    "atom", ["k", "ё", "ß", "[а-я]", "[^a]", r"\w", r"\d", r"[^\s\d]", r"\N{KELVIN SIGN}", "."]
)
def test_sets_are_those_of_re_over_every_code_point(atom: str, ignore_case: bool) -> None:
    flags = re.IGNORECASE if ignore_case else 0
    node = parse(atom, flags)
    assert isinstance(node, Chars)
    found = re.finditer(f"(?:{atom})+", charsets.everything(), flags)
    expected = tuple((m.start(), m.end() - 1) for m in found)
    assert charsets.matched_by(node, ignore_case) == expected


ATOMS = ["а", "ё", "Ё", "a", "K", "_", "1", "٣", ".", r"\d", r"\w", r"\W", r"\s", r"\S", r"\n"]
ATOMS += ["[аб]", "[^a]", "[^\\w]", "[_\\s]", "[a-c]", "(?:аб)", "[^\\n]", "ß", "\\."]
QUANTIFIERS = ["", "", "*", "+", "?", "{2}", "{1,3}", "{,2}", "*?", "+?"]
ANCHORS = ["^", "$", r"\b", r"\B", r"\A", r"\Z"]


@st.composite
def patterns(draw: st.DrawFn) -> str:
    def piece() -> str:
        if draw(st.integers(0, 5)) == 0:
            return draw(st.sampled_from(ANCHORS))
        atom = draw(st.sampled_from(ATOMS))
        if draw(st.integers(0, 5)) == 0:  # no quantifier inside: re would backtrack for ages
            inner = [draw(st.lists(st.sampled_from(ATOMS + ANCHORS), max_size=2)) for _ in "ab"]
            atom = "(" + "|".join("".join(branch) for branch in inner) + ")"
        return atom + draw(st.sampled_from(QUANTIFIERS))

    flags = draw(st.sampled_from(["", "", "(?m)", "(?s)", "(?i)", "(?ms)", "(?x)"]))
    return flags + "".join(piece() for _ in range(draw(st.integers(1, 5))))


texts = st.text(alphabet="абвАБёЁ a_bcK\u212a1٣ß\n\t.😀\x00", max_size=30)


@given(patterns(), texts, st.booleans())
@settings(deadline=None, max_examples=150)
def test_every_anchor_and_flag_agrees_with_re(pattern: str, text: str, ignore_case: bool) -> None:
    flags = re.IGNORECASE if ignore_case else 0
    assert safe_regex.search(pattern, text, ignore_case) == bool(re.search(pattern, text, flags))


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("[^\\w]{3}", "ß"),  # a mark is never read as a character
        (r"\b_", "д_"),
        (r"\B", ""),  # Python's \B never holds in an empty text
        (r"\B", "a"),
        ("a$", "a\n"),  # $ before a final newline
        ("a$\n", "a\n"),
        ("a$", "a\n\n"),
        ("(?m)a$", "a\nb"),
        (r"(?x) а  б  # комментарий", "аб"),
        (r"[]a]{,2}x\{", "]x{"),
        (r"\0\012\x41\u0410", "\x00\nAА"),
        ("x\\b", "x\ud800"),  # a lone surrogate reads as U+FFFD: not a word character either
    ],
)
def test_corner_cases_agree_with_re(pattern: str, text: str) -> None:
    for ignore_case in (False, True):
        flags = re.IGNORECASE if ignore_case else 0
        expected = bool(re.search(pattern, text, flags))
        assert safe_regex.search(pattern, text, ignore_case) == expected, (pattern, ignore_case)


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(?i:а)б", "flags scoped to a group"),
        ("а*+", "possessive"),
        ("(?>а)", "atomic"),
        ("(?a)а", "ASCII"),
        (r"(?P<x>а)(?P=x)", "backreferences"),
        (r"(?:\d{1,50}){1,50}", "too complex"),
    ],
)
def test_outside_the_subset_is_refused_in_russian_and_english(pattern: str, reason: str) -> None:
    with pytest.raises(safe_regex.UnsafePattern) as caught:
        safe_regex.compile(pattern)
    assert reason in str(caught.value)
    assert re.search("[а-я]", str(caught.value))


def test_no_private_module_of_cpython_is_used() -> None:
    private = re.compile(r"\bre\._|\bsre_(?:parse|compile|constants)\b|\b_sre\b")
    folders = [ROOT / "core", ROOT / "channels", ROOT / "plugins"]
    sources = [path for folder in folders for path in folder.rglob("*.py")]
    assert sources
    used = [path for path in sources if private.search(path.read_text(encoding="utf-8"))]
    assert used == []
