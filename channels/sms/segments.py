"""How a text travels as SMS over SMPP: the parts (:func:`split`) and their count
(:func:`count`) are the channel SDK's — ``unionline.channel.sms_parts``, the one counter the
server has, which a campaign's preview uses too — and this module encodes the parts
themselves (:func:`encode`): unpacked GSM 7-bit septets (``data_coding`` 0, the SMSC default
alphabet) or UTF-16BE (``data_coding`` 8), each part of a longer text behind a concatenation
UDH (``05 00 03 ref total n``).
"""

from __future__ import annotations

from typing import NamedTuple

from unionline.channel import GSM_BASIC, GSM_EXTENSION, SmsEncoding, SmsParts
from unionline.channel import sms_max_length as max_length
from unionline.channel import sms_parts as count
from unionline.channel import sms_split as split

__all__ = [
    "GSM_BASIC",
    "GSM_EXTENSION",
    "Encoded",
    "Encoding",
    "Segments",
    "count",
    "decode",
    "encode",
    "gsm7_bytes",
    "gsm7_text",
    "max_length",
    "split",
    "strip_udh",
]

Encoding = SmsEncoding
Segments = SmsParts
ESCAPE = 0x1B
_CODES = {c: i for i, c in enumerate(GSM_BASIC) if i != ESCAPE}
_FROM_EXTENSION = {v: k for k, v in GSM_EXTENSION.items()}
DATA_CODING = {"gsm7": 0, "ucs2": 8}


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
