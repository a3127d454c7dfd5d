"""Segment counting: GSM-7 160/153, UCS-2 70/67, two-unit characters never cut in two."""

from __future__ import annotations

import pytest

from unionline_smsgw.segments import count, max_length


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("", "gsm7", 0),
        ("A" * 160, "gsm7", 1),
        ("A" * 161, "gsm7", 2),
        ("A" * 306, "gsm7", 2),
        ("A" * 307, "gsm7", 3),
        ("€" * 80, "gsm7", 1),  # an extension character takes two septets
        ("€" * 81, "gsm7", 2),
        ("Ж" * 70, "ucs2", 1),
        ("Ж" * 71, "ucs2", 2),
        ("Ж" * 134, "ucs2", 2),
        ("Ж" * 135, "ucs2", 3),
        ("Hello, привет", "ucs2", 1),  # one Cyrillic letter makes the whole text UCS-2
        ("🙂" * 35, "ucs2", 1),  # an emoji takes two UTF-16 units
        ("🙂" * 36, "ucs2", 2),
    ],
)
def test_count(text: str, encoding: str, segments: int) -> None:
    found = count(text)
    assert (found.encoding, found.count) == (encoding, segments)


def test_a_wide_character_is_not_cut_between_segments() -> None:
    # 66 units, then an emoji that would straddle the 67-unit boundary: it starts segment 2,
    # so 134 units (2 × 67) take three segments here.
    assert count("Ж" * 66 + "🙂" + "Ж" * 65).count == 2
    assert count("Ж" * 66 + "🙂" + "Ж" * 66).count == 3


def test_max_length() -> None:
    assert max_length(1, "ucs2") == 70
    assert max_length(6, "ucs2") == 402
    assert count("Ж" * max_length(6)).count == 6
    assert count("Ж" * (max_length(6) + 1)).count == 7
