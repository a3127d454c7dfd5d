"""Outbound text for Telegram: the one HTML escaper, and splitting of long texts.

Telegram counts a message's length after parsing the markup, in UTF-16 code units, up to
4,096. Texts are therefore split as plain text (on a paragraph, else a line, else a word
boundary, else between characters) and each part is escaped afterwards, so an escape such as
``&amp;`` can never be cut in two and escaping never pushes a part over the limit.
"""

from __future__ import annotations

from unionline.channel import split_text as _split
from unionline.channel import utf16_len

__all__ = [
    "MAX_CAPTION",
    "MAX_TEXT",
    "escape_html",
    "html_parts",
    "link",
    "split_text",
    "utf16_len",
]

MAX_TEXT = 4096
MAX_CAPTION = 1024
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def escape_html(text: str) -> str:
    """Text shown as typed under ``parse_mode=HTML`` (the only escaper we use)."""
    return text.translate(_ESCAPES)


def link(url: str, label: str) -> str:
    """An HTML link whose URL and label are both escaped."""
    return f'<a href="{url.translate(_ATTRIBUTE_ESCAPES)}">{escape_html(label)}</a>'


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Plain ``text`` in parts within Telegram's limit, counted as Telegram counts."""
    return _split(text, limit, measure=utf16_len)


def html_parts(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Plain ``text`` as escaped HTML messages within Telegram's limit."""
    return [escape_html(part) for part in split_text(text, limit)]
