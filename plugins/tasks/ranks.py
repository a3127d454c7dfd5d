"""Fractional ranks: a card's place in its column as a string that sorts between its
neighbours', so a move writes one row (the moved card) whatever the column's length.

The scheme of "fractional indexing" (as in Figma and rocicorp's ``fractional-indexing``): a
rank is an *integer part* — a head character telling its length, then base-36 digits — and an
optional *fraction*. Appending after the last card increments the integer and prepending
decrements it, so ranks grow by one character per 36ⁿ cards at either end; only inserting again
and again at one spot between two cards lengthens the fraction (about a character per five
inserts; the board ranks a column afresh past 150 characters).

Digits are ``0-9a-z`` — one case, so byte order and collations agree (PostgreSQL still sorts
``COLLATE "C"``). Heads ``a``…``z`` are the non-negative integers of 1…26 digits (``a0`` is
zero); heads ``9``…``0`` the negative ones of 1…10 digits. A fraction never ends in ``0``.
"""

from __future__ import annotations

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
BASE = len(DIGITS)
ZERO = "a0"
SMALLEST = "0" + "0" * 10


def _length(head: str) -> int:
    if "a" <= head <= "z":
        return ord(head) - ord("a") + 2
    if "0" <= head <= "9":
        return ord("9") - ord(head) + 2
    raise ValueError(f"not a rank: head {head!r}")


def _split(rank: str) -> tuple[str, str]:
    n = _length(rank[0])
    if len(rank) < n or rank[n:].endswith("0"):
        raise ValueError(f"not a rank: {rank!r}")
    return rank[:n], rank[n:]


def _increment(integer: str) -> str | None:
    head, digits = integer[0], list(integer[1:])
    for i in range(len(digits) - 1, -1, -1):
        d = DIGITS.index(digits[i]) + 1
        if d < BASE:
            digits[i] = DIGITS[d]
            return head + "".join(digits)
        digits[i] = "0"
    if head == "9":
        return ZERO  # -1 + 1
    if head == "z":
        return None
    if head >= "a":  # one digit more
        return chr(ord(head) + 1) + "".join(digits) + "0"
    return chr(ord(head) + 1) + "".join(digits[1:])  # a negative one digit shorter


def _decrement(integer: str) -> str | None:
    head, digits = integer[0], list(integer[1:])
    for i in range(len(digits) - 1, -1, -1):
        d = DIGITS.index(digits[i]) - 1
        if d >= 0:
            digits[i] = DIGITS[d]
            return head + "".join(digits)
        digits[i] = "z"
    if head == "a":
        return "9z"  # 0 - 1
    if head == "0":
        return None
    if head > "a":  # a non-negative one digit shorter
        return chr(ord(head) - 1) + "".join(digits[1:])
    return chr(ord(head) - 1) + "".join(digits) + "z"  # a negative one digit longer


def _midpoint(a: str, b: str | None) -> str:
    """A fraction strictly between fractions ``a`` and ``b`` (None: 1)."""
    if b is not None:
        n = 0  # the common prefix, ``a`` padded with zeros
        while n < len(b) and (a[n] if n < len(a) else "0") == b[n]:
            n += 1
        if n > 0:
            return b[:n] + _midpoint(a[n:], b[n:])
    low = DIGITS.index(a[0]) if a else 0
    high = DIGITS.index(b[0]) if b is not None else BASE
    if high - low > 1:
        return DIGITS[(low + high) // 2]
    if b is not None and len(b) > 1:
        return b[:1]
    return DIGITS[low] + _midpoint(a[1:], None)


def between(before: str | None, after: str | None) -> str:
    """A rank strictly between ``before`` and ``after`` (None: the column's start or end)."""
    if before is not None and after is not None and not before < after:
        raise ValueError(f"ranks out of order: {before!r} >= {after!r}")
    if before is None and after is None:
        return ZERO
    if before is None:
        assert after is not None
        integer, fraction = _split(after)
        if integer == SMALLEST:
            return integer + _midpoint("", fraction)
        if integer < after:
            return integer
        smaller = _decrement(integer)
        if smaller is None:
            raise ValueError("no rank left before the smallest")
        return smaller
    integer, fraction = _split(before)
    if after is None:
        larger = _increment(integer)
        return integer + _midpoint(fraction, None) if larger is None else larger
    other, other_fraction = _split(after)
    if integer == other:
        return integer + _midpoint(fraction, other_fraction)
    larger = _increment(integer)
    if larger is not None and larger < after:
        return larger
    return integer + _midpoint(fraction, None)


def spread(count: int) -> list[str]:
    """``count`` ranks in order, from zero up (a column ranked afresh)."""
    out: list[str] = []
    rank: str | None = None
    for _ in range(count):
        rank = between(rank, None)
        out.append(rank)
    return out
