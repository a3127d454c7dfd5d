"""Outbound text for Telegram: the one HTML escaper, and splitting of long texts.

Telegram counts a message's length after parsing the markup, in UTF-16 code units, up to
4,096. Texts are therefore split as plain text (on a paragraph, else a line, else a word
boundary, else between characters) and each part is escaped afterwards, so an escape such as
``&amp;`` can never be cut in two and escaping never pushes a part over the limit.
"""

from __future__ import annotations

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


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT, *, measure=utf16_len) -> list[str]:
    """Parts of ``text``, each at most ``limit`` long by ``measure``, cut at the latest
    paragraph break, else line break, else space, that fits; no part is empty."""
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if measure(rest) <= limit:
            parts.append(rest)
            break
        head = _fitting_prefix(rest, limit, measure)
        cut = _boundary(head)
        part, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if part:
            parts.append(part)
    return parts


def html_parts(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Plain ``text`` as escaped HTML messages within Telegram's limit."""
    return [escape_html(part) for part in split_text(text, limit)]


def _fitting_prefix(text: str, limit: int, measure) -> str:
    """The longest prefix within ``limit`` (never splitting a surrogate pair)."""
    low, high = 1, len(text)
    while low < high:  # binary search: measure is monotonic in the prefix length
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return text[:low]


def _boundary(head: str) -> int:
    """Where to cut ``head``: after its last paragraph break, line break or space, if the
    part before it is not trivially short; else at its end."""
    floor = len(head) // 4  # a boundary very early would make many tiny parts
    for separator in ("\n\n", "\n", " "):
        position = head.rfind(separator)
        if position > floor:
            return position + len(separator)
    return len(head)
