"""How a text travels as SMS: GSM 03.38 7-bit (160 characters, 153 per part of a
concatenated message) or, as soon as one character is outside that alphabet — any Cyrillic
letter — UCS-2 (70, 67 per part, counted in UTF-16 units, so an emoji takes two).

Gateways charge by parts, so a reply is measured before it is sent; the SMPP client also
encodes the parts themselves (:func:`encode`): unpacked GSM 7-bit septets (``data_coding``
0, the SMSC default alphabet) or UTF-16BE (``data_coding`` 8), each part of a longer text
behind a concatenation UDH (``05 00 03 ref total n``).
"""

from __future__ import annotations

import functools
from typing import Literal, NamedTuple

# The GSM 03.38 default alphabet in code order (0x1B is the escape to the extension table).
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
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
ESCAPE = 0x1B
_CODES = {c: i for i, c in enumerate(GSM_BASIC) if i != ESCAPE}
_FROM_EXTENSION = {v: k for k, v in GSM_EXTENSION.items()}
SINGLE = {"gsm7": 160, "ucs2": 70}  # units in a message of one part
PART = {
    "gsm7": 153,
    "ucs2": 67,
}  # units per part of a concatenated message (the UDH takes 6 octets)
DATA_CODING = {"gsm7": 0, "ucs2": 8}

Encoding = Literal["gsm7", "ucs2"]


class Segments(NamedTuple):
    encoding: Encoding
    count: int  # type: ignore[assignment]  # parts the text takes (0 for an empty text)
    units: int  # septets (gsm7) or UTF-16 code units (ucs2)


def encoding(text: str) -> Encoding:
    return "gsm7" if all(c in _CODES or c in GSM_EXTENSION for c in text) else "ucs2"


def _widths(text: str, kind: Encoding) -> list[int]:
    if kind == "gsm7":
        return [2 if c in GSM_EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def split(text: str) -> tuple[Encoding, list[str]]:
    """The text's encoding and its parts: one part when it fits, else parts of at most 153
    septets or 67 UTF-16 units, never cutting an escape pair or a surrogate pair in two."""
    kind, parts, _ = _split(text)
    return kind, list(parts)


def _units(text: str, kind: Encoding) -> int:
    if kind == "ucs2":
        return len(text.encode("utf-16-le", "surrogatepass")) // 2
    return len(text) + sum(1 for c in text if c in GSM_EXTENSION)


@functools.lru_cache(maxsize=1024)  # a send counts its text, then splits it; a campaign repeats it
def _split(text: str) -> tuple[Encoding, tuple[str, ...], int]:
    kind = encoding(text)
    units = _units(text, kind)  # one encode instead of a width per character: most SMS fit
    if units <= SINGLE[kind]:
        return kind, (text,) if text else (), units
    parts: list[str] = []
    start = used = 0
    for i, width in enumerate(_widths(text, kind)):
        if used + width > PART[kind]:
            parts.append(text[start:i])
            start, used = i, 0
        used += width
    parts.append(text[start:])
    return kind, tuple(parts), units


def count(text: str) -> Segments:
    """The encoding and number of parts ``text`` is sent in."""
    kind, parts, units = _split(text)
    return Segments(kind, len(parts), units)


def max_length(segments: int, kind: Encoding = "ucs2") -> int:
    """The most characters of ``kind`` (without wide ones) that fit in ``segments``."""
    return SINGLE[kind] if segments == 1 else PART[kind] * segments


def gsm7_bytes(text: str) -> bytes:
    """``text`` as unpacked GSM 7-bit septets, one octet each (extension characters as two)."""
    out = bytearray()
    for c in text:
        if c in GSM_EXTENSION:
            out += bytes((ESCAPE, GSM_EXTENSION[c]))
        else:
            out.append(_CODES[c])
    return bytes(out)


def gsm7_text(data: bytes) -> str:
    out, escaped = [], False
    for octet in data:
        if escaped:
            out.append(_FROM_EXTENSION.get(octet & 0x7F, " "))
            escaped = False
        elif octet & 0x7F == ESCAPE:
            escaped = True
        else:
            out.append(GSM_BASIC[octet & 0x7F])
    return "".join(out)


class Encoded(NamedTuple):
    data_coding: int
    parts: list[bytes]  # short_message of each part, with the UDH when there are several
    udh: bool


def encode(text: str, reference: int) -> Encoded:
    """The ``submit_sm`` payloads of ``text``; ``reference`` (0–255) ties the parts together."""
    kind, parts = split(text)
    raw = [gsm7_bytes(p) if kind == "gsm7" else p.encode("utf-16-be") for p in parts]
    if len(raw) <= 1:
        return Encoded(DATA_CODING[kind], raw, False)
    total = len(raw)
    with_udh = [bytes((5, 0, 3, reference & 0xFF, total, n + 1)) + r for n, r in enumerate(raw)]
    return Encoded(DATA_CODING[kind], with_udh, True)


def decode(data: bytes, data_coding: int) -> str:
    """A ``short_message`` (without its UDH) as text."""
    if data_coding == 8:
        return data.decode("utf-16-be", errors="replace")
    if data_coding in (3, 4):  # Latin-1; 8-bit data shown as Latin-1 rather than lost
        return data.decode("latin-1")
    return gsm7_text(data)


def strip_udh(data: bytes) -> tuple[tuple[int, int, int] | None, bytes]:
    """(reference, total, number) of a concatenation UDH, and the message without the UDH."""
    if not data:
        return None, data
    length = data[0]
    header, body = data[1 : 1 + length], data[1 + length :]
    i = 0
    while i + 1 < len(header):
        iei, size = header[i], header[i + 1]
        value = header[i + 2 : i + 2 + size]
        if iei == 0 and size == 3:
            return (value[0], value[1], value[2]), body
        if iei == 8 and size == 4:
            return ((value[0] << 8) | value[1], value[2], value[3]), body
        i += 2 + size
    return None, body
