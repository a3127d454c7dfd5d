"""Splitting long outbound texts for providers with a length limit (Telegram, VK: 4,096).

Parts are cut at the latest paragraph break, else line break, else space that fits, else
between characters; whitespace at a cut is dropped and no part is empty. ``measure`` says how
the provider counts (``len`` for characters; Telegram counts UTF-16 code units).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_SPACE = re.compile(r"\s*")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (astral characters such as most emoji count 2)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, *, measure: Callable[[str], int] = len) -> list[str]:
    """Parts of ``text``, each at most ``limit`` long by ``measure``, which counts every
    character at least once (so a part is never longer than ``limit`` characters, and only
    that much of the text is measured for each: linear in the text's length)."""
    parts: list[str] = []
    text = text.strip()
    start = 0
    while start < len(text):
        window = text[start : start + limit + 1]
        if len(window) <= limit and measure(window) <= limit:
            parts.append(window)
            break
        cut = _boundary(_fitting_prefix(window, limit, measure))
        part = window[:cut].rstrip()
        if part:
            parts.append(part)
        start = _SPACE.match(text, start + cut).end()  # type: ignore[union-attr]
    return parts


def _fitting_prefix(text: str, limit: int, measure: Callable[[str], int]) -> str:
    """The longest prefix within ``limit`` (binary search: ``measure`` grows with length)."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return text[:low]


def _boundary(head: str) -> int:
    """Where to cut ``head``: after its last paragraph break, line break or space, unless that
    is in its first quarter (many tiny parts); else at its end."""
    floor = len(head) // 4
    for separator in ("\n\n", "\n", " "):
        position = head.rfind(separator)
        if position > floor:
            return position + len(separator)
    return len(head)
