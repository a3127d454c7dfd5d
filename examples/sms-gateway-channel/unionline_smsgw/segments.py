"""How many SMS segments a text takes: GSM-7 (160 characters, 153 per part when concatenated)
or, as soon as one character is outside the GSM 03.38 alphabet — any Cyrillic letter —
UCS-2 (70, 67 per part, counted in UTF-16 code units, so an emoji takes two).

The gateway charges and limits by segments, so the channel checks a reply before sending it
instead of learning from a refusal.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

# GSM 03.38 default alphabet (one septet each) and its extension table (escape + one septet).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")
SINGLE = {"gsm7": 160, "ucs2": 70}  # units in a message of one segment
PART = {"gsm7": 153, "ucs2": 67}  # units per segment of a concatenated message (UDH takes the rest)

Encoding = Literal["gsm7", "ucs2"]


class Segments(NamedTuple):
    encoding: Encoding
    count: int  # segments the text takes (0 for an empty text)
    units: int  # septets (gsm7) or UTF-16 code units (ucs2)


def encoding(text: str) -> Encoding:
    return "gsm7" if all(c in GSM_BASIC or c in GSM_EXTENSION for c in text) else "ucs2"


def _widths(text: str, kind: Encoding) -> list[int]:
    if kind == "gsm7":
        return [2 if c in GSM_EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def count(text: str) -> Segments:
    """The encoding and number of segments ``text`` is sent in."""
    kind = encoding(text)
    widths = _widths(text, kind)
    units = sum(widths)
    if units <= SINGLE[kind]:
        return Segments(kind, 1 if text else 0, units)
    # Parts are filled greedily; an escape pair or a surrogate pair is never cut in two, so
    # a part may end one unit short.
    parts, used = 1, 0
    for width in widths:
        if used + width > PART[kind]:
            parts, used = parts + 1, 0
        used += width
    return Segments(kind, parts, units)


def max_length(segments: int, kind: Encoding = "ucs2") -> int:
    """The most characters of ``kind`` (without wide ones) that fit in ``segments``."""
    return SINGLE[kind] if segments == 1 else PART[kind] * segments
