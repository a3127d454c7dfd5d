"""How many SMS parts a text takes — the one server counter, for the SMS channels' limits and
sending and for any plugin that shows a count (a campaign's preview).

GSM 03.38 7-bit (160 characters, 153 per part of a concatenated message) or, as soon as one
character is outside that alphabet — any Cyrillic letter — UCS-2 (70, 67 per part, counted in
UTF-16 units, so an emoji takes two). An extension character (``^{}[]~|€\\`` and form feed)
takes two septets, and a part never ends between the two halves of one (nor of a surrogate
pair), so a long text may take a part more than its units divided by 153 or 67.
"""

from __future__ import annotations

import functools
from typing import Literal, NamedTuple

# The GSM 03.38 default alphabet in code order (0x1B is the escape to the extension table).
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
"""The GSM 7-bit default alphabet, a character's index its code (0x1B: the escape)."""
GSM_EXTENSION = {
    "\f": 0x0A,
    "^": 0x14,
    "{": 0x28,
    "}": 0x29,
    "\\": 0x2F,
    "[": 0x3C,
    "~": 0x3D,
    "]": 0x3E,
    "|": 0x40,
    "€": 0x65,
}
"""The extension table: a character sent as the escape 0x1B and this code."""
_ESCAPE = 0x1B
_BASIC = frozenset(c for i, c in enumerate(GSM_BASIC) if i != _ESCAPE)
_SINGLE = {"gsm7": 160, "ucs2": 70}  # units in a message of one part
_PART = {"gsm7": 153, "ucs2": 67}  # per part of a concatenated one (the UDH takes 6 octets)

SmsEncoding = Literal["gsm7", "ucs2"]


class SmsParts(NamedTuple):
    """What a text takes as SMS."""

    encoding: SmsEncoding
    count: int  # type: ignore[assignment]  # parts (0 for an empty text)
    units: int  # septets (gsm7) or UTF-16 code units (ucs2)


def _encoding(text: str) -> SmsEncoding:
    return "gsm7" if all(c in _BASIC or c in GSM_EXTENSION for c in text) else "ucs2"


def _units(text: str, kind: SmsEncoding) -> int:
    if kind == "ucs2":
        return len(text.encode("utf-16-le", "surrogatepass")) // 2
    return len(text) + sum(1 for c in text if c in GSM_EXTENSION)


def _widths(text: str, kind: SmsEncoding) -> list[int]:
    if kind == "gsm7":
        return [2 if c in GSM_EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


@functools.lru_cache(maxsize=1024)  # a send counts its text, then splits it; a campaign repeats it
def _split(text: str) -> tuple[SmsEncoding, tuple[str, ...], int]:
    kind = _encoding(text)
    units = _units(text, kind)  # one encode instead of a width per character: most SMS fit
    if units <= _SINGLE[kind]:
        return kind, (text,) if text else (), units
    parts: list[str] = []
    start = used = 0
    for i, width in enumerate(_widths(text, kind)):
        if used + width > _PART[kind]:
            parts.append(text[start:i])
            start, used = i, 0
        used += width
    parts.append(text[start:])
    return kind, tuple(parts), units


def sms_parts(text: str) -> SmsParts:
    """The encoding, the number of parts and the units ``text`` is sent in."""
    kind, parts, units = _split(text)
    return SmsParts(kind, len(parts), units)


def sms_split(text: str) -> tuple[SmsEncoding, list[str]]:
    """The text's encoding and its parts: one part when it fits, else parts of at most 153
    septets or 67 UTF-16 units, never cutting an escape pair or a surrogate pair in two."""
    kind, parts, _ = _split(text)
    return kind, list(parts)


def sms_max_length(parts: int, encoding: SmsEncoding = "ucs2") -> int:
    """The most characters of ``encoding`` (none of them taking two units) in ``parts``."""
    return _SINGLE[encoding] if parts == 1 else _PART[encoding] * parts
