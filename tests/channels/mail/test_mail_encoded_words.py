"""Encoded words (RFC 2047) are decoded as the standard library decodes them, in time linear
in the header with a small constant (``benchmarks/adversarial_input.py``: a subject of
thousands of words); ``email.header`` is the oracle."""

from __future__ import annotations

import email.header

from hypothesis import given, settings
from hypothesis import strategies as st

from unionline.channels.mail import headers

PIECES = st.sampled_from(
    ["=?utf-8?q?=D0=BE?=", "=?UTF-8?Q?=d0=be_x?=", "=?utf-8?b?0L4=?=", "=?utf-8?B?0L7Qvg?=",
     "=?utf-8?b?0?=", "=?koi8-r?q?=CF?=", "=?utf-8?q??=", "=?utf-8?q? ?=", "=?utf-8?q?a=?=",
     "=?utf-8?q?==41?=", "=?utf-8?q?=4?=", "=?utf-8?q?=\x00?=", "=?utf-8?q?ж=41?=", "=?utf",
     "=?utf-8?q?a=00b?=", "=?KOI8-R?b?zw==?=", "=?koi8-r?q?=CF?=", "=?koi8-r?q?\t?=",
     "-8?q?x?=", "=??q?x?=", "=?utf-8*ru?q?x?=", " ", "  ", "\t", "\r\n ", "\n", "\r\n\t",
     "\u2028", "x", "Тема", "\\u0041", "=", "?=", "_", "a=4", "(", ")"]
)  # fmt: skip


def _oracle(value: str) -> object:
    try:
        return email.header.decode_header(value)
    except Exception:
        return "error"


def _ours(value: str) -> object:
    try:
        return headers.decode_header(value)
    except Exception:
        return "error"


@given(st.lists(PIECES, max_size=30))
@settings(max_examples=400)
def test_the_same_parts_as_email_header(pieces: list[str]) -> None:
    value = "".join(pieces)
    assert _ours(value) == _oracle(value)


@given(st.lists(PIECES, max_size=30))
def test_the_same_text_as_make_header(pieces: list[str]) -> None:
    value = "".join(pieces)
    try:
        expected = str(email.header.make_header(email.header.decode_header(value)))
    except Exception:
        return  # a charset Python does not know, bad base64: decode_words reads those itself
    assert str(email.header.make_header(headers.decode_header(value))) == expected


@given(st.lists(st.sampled_from(["=?utf-8?q?", "=?utf-8?b?", "?=", "=D0=BE", "0L4", "_", " ",
                                 "\r\n ", "=", "x", "="]), max_size=40))  # fmt: skip
def test_alike_words_and_fragments_of_them(pieces: list[str]) -> None:
    value = "".join(pieces)
    assert _ours(value) == _oracle(value)


def test_a_subject_of_thousands_of_words_is_read_in_one_pass() -> None:
    value = "=?utf-8?q?=D0=BE?= " * 3000 + "=?UTF-8?Q?=D0=B9_?=\r\n =?utf-8?q?x?= хвост"
    parts = headers.decode_header(value)
    assert parts == email.header.decode_header(value)
    tail = " хвост".encode("raw-unicode-escape")
    assert parts == [(("о" * 3000 + "й x").encode(), "utf-8"), (tail, None)]
    assert headers.decode_words(value) == "о" * 3000 + "й x хвост"
