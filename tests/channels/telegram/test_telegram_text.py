"""Outbound text: the HTML escaper survives Telegram's parser, and splitting keeps every
character, stays within the limit and prefers paragraph, line and word boundaries."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from standins.telegram_html import parse_html

from unionline.channels.telegram.text import (
    MAX_TEXT,
    escape_html,
    html_parts,
    link,
    split_text,
    utf16_len,
)

# Pieces that stress escaping and splitting: markup characters, entities typed by the member,
# astral characters (2 UTF-16 units), and every kind of boundary.
pieces = st.sampled_from(
    [
        "a",
        "б",
        " ",
        "\n",
        "\n\n",
        "\t",
        "<",
        ">",
        "&",
        ";",
        '"',
        "&lt;",
        "&amp;",
        "&#x41;",
        "<b>",
        "👍",
        "🏽",
        "🇷🇺",
        "слово ",
    ]
)
texts = st.lists(pieces, max_size=120).map("".join)


def _without_space(text: str) -> str:
    return re.sub(r"\s", "", text)


@given(texts)
def test_escaped_text_parses_back_to_itself_with_no_markup(text: str) -> None:
    assert parse_html(escape_html(text)) == (text, [])


@given(texts, st.integers(min_value=8, max_value=60))
def test_parts_fit_and_lose_nothing_but_whitespace_at_cuts(text: str, limit: int) -> None:
    parts = split_text(text, limit)
    assert all(part and utf16_len(part) <= limit for part in parts)
    assert _without_space("".join(parts)) == _without_space(text)
    for part in html_parts(text, limit):  # each escaped part is what Telegram would count
        plain, _ = parse_html(part)
        assert utf16_len(plain) <= limit


def test_a_short_text_is_one_part() -> None:
    assert split_text("  Здравствуйте!  ") == ["Здравствуйте!"]
    assert split_text("   ") == []


def test_splitting_prefers_paragraphs_then_lines_then_words() -> None:
    first = "Первый абзац. " * 200
    second = "Второй абзац. " * 200
    parts = split_text(f"{first.strip()}\n\n{second.strip()}")
    assert parts == [first.strip(), second.strip()]

    lines = "\n".join(f"Строка {n:04d} из списка членов профсоюза" for n in range(300))
    for part in split_text(lines):
        assert part.startswith("Строка") and part.endswith("профсоюза")

    words = "слово " * 1000
    for part in split_text(words):
        assert utf16_len(part) <= MAX_TEXT and set(part.split()) == {"слово"}


def test_limit_counts_utf16_units() -> None:
    emoji = "👍" * 3000  # each is 2 UTF-16 units: 6,000 in all
    parts = split_text(emoji)
    assert [utf16_len(p) for p in parts] == [4096, 1904]
    assert "".join(parts) == emoji


def test_link_escapes_url_and_label() -> None:
    html = link('https://union.example/?a=1&b="2"', "<Устав>")
    assert parse_html(html) == (
        "<Устав>",
        [
            {
                "type": "text_link",
                "offset": 0,
                "length": 7,
                "url": 'https://union.example/?a=1&b="2"',
            }
        ],
    )
