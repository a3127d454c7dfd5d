"""What counts as a member's rating: the whole message is one mark from 1 to 5.

Accepted (case and surrounding spaces ignored): a digit ``1``–``5`` alone, optionally followed
by ``!``, ``.`` or ``)`` and optionally written ``5/5`` or ``5 из 5``; with star symbols around
it (``⭐5``, ``5⭐``); only stars (``⭐⭐⭐⭐`` is 4); a Russian or English word
(``пять``, ``пятёрка``, ``четыре``, ``five``, ...), optionally after ``оценка``. Anything else
(``5 дней жду``, ``10``, ``0``) is not a rating and is handled as an ordinary message.
"""

from __future__ import annotations

import re

WORDS = {
    "один": 1,
    "единица": 1,
    "кол": 1,
    "два": 2,
    "двойка": 2,
    "три": 3,
    "тройка": 3,
    "четыре": 4,
    "четверка": 4,
    "пять": 5,
    "пятерка": 5,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
}
_STARS = "⭐★☆🌟"
_MARK = re.compile(r"^(?:(?:оценка|rating)\s*[:\-]?\s*)?([1-5]|[a-zа-я]+)(?:\s*(?:/|из|of)\s*5)?$")


def parse(text: str) -> int | None:
    """The rating a member's message gives, or None when it is not (only) a rating."""
    value = text.strip().lower().replace("ё", "е").replace("\ufe0f", "")
    value = value.rstrip("!.)").strip()
    if value and all(c in _STARS for c in value.replace(" ", "")):
        count = len(value.replace(" ", ""))
        return count if 1 <= count <= 5 else None
    value = value.strip(_STARS + " ")
    match = _MARK.match(value)
    if match is None:
        return None
    mark = match.group(1)
    if mark.isdigit():
        return int(mark)
    return WORDS.get(mark)
