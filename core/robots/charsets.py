"""The characters one position of a safe pattern may hold, as code-point ranges, meaning exactly
what Python's ``re`` means by them.

``\\w``, ``\\d`` and ``\\s`` are Unicode-wide in ``re`` and its ignore-case has rules of its own
(``[^a]`` refuses ``A``; the Kelvin sign is a ``k``). Rather than keep copies of those tables they
are read off ``re`` itself through its public API: the categories by one scan over every code
point per process, ignore-case by asking ``re`` about each character that has a case at all (a
character without one matches the same with or without the flag).
"""

from __future__ import annotations

import re
import sys
from array import array
from bisect import bisect_right
from functools import lru_cache

from unionline.robots.pattern_syntax import MAX_CODE, Chars

Ranges = tuple[tuple[int, int], ...]
SURROGATES: Ranges = ((0xD800, 0xDFFF),)
EVERYTHING: Ranges = ((0, MAX_CODE),)


def normalize(pairs: object) -> Ranges:
    """Sorted, disjoint, non-adjacent ranges covering the same code points."""
    out: list[tuple[int, int]] = []
    for low, high in sorted(pairs):  # type: ignore[call-overload]
        if out and low <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return tuple(out)


def complement(ranges: Ranges) -> Ranges:
    out, start = [], 0
    for low, high in ranges:
        if low > start:
            out.append((start, low - 1))
        start = high + 1
    if start <= MAX_CODE:
        out.append((start, MAX_CODE))
    return tuple(out)


def intersect(a: Ranges, b: Ranges) -> Ranges:
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        low, high = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if low <= high:
            out.append((low, high))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def subtract(a: Ranges, b: Ranges) -> Ranges:
    return intersect(a, complement(b))


def everything() -> str:
    """Every code point once, in order (surrogates included: ``re`` reads them as characters)."""
    codes = array("I", range(MAX_CODE + 1)).tobytes()
    return codes.decode("utf-32-le" if sys.byteorder == "little" else "utf-32-be", "surrogatepass")


@lru_cache(maxsize=1)
def categories() -> dict[str, Ranges]:
    """``d``, ``s``, ``w`` and their complements ``D``, ``S``, ``W``, as ``re`` has them."""
    text = everything()
    out: dict[str, Ranges] = {}
    for name in "dsw":
        found = re.finditer(rf"\{name}+", text)
        out[name] = tuple((m.start(), m.end() - 1) for m in found)
        out[name.upper()] = complement(out[name])
    return out


@lru_cache(maxsize=1)
def cased() -> tuple[str, Ranges]:
    """Every character that has a case or is the case of another, as a string and as ranges."""
    text, step = everything(), 256
    codes: set[int] = set()
    for start in range(0, len(text), step):
        chunk = text[start : start + step]
        if chunk.lower() == chunk == chunk.upper() and chunk.casefold() == chunk:
            continue  # most of Unicode: scripts without case
        for code, char in enumerate(chunk, start):
            for other in (char.lower(), char.upper(), char.casefold()):
                if other != char:
                    codes.add(code)
                    codes.update(ord(c) for c in other if len(other) == 1)
    ordered = sorted(codes)
    return "".join(map(chr, ordered)), normalize((c, c) for c in ordered)


def plain(chars: Chars) -> Ranges:
    """The code points ``chars`` matches without ignore-case."""
    pairs: list[tuple[int, int]] = []
    for item in chars.items:
        if item[0] == "cat":
            pairs += categories()[str(item[1])]
        else:
            pairs.append((int(item[1]), int(item[-1])))
    ranges = normalize(pairs)
    return complement(ranges) if chars.negate else ranges


@lru_cache(maxsize=4096)
def matched_by(chars: Chars, ignore_case: bool) -> Ranges:
    """The code points ``chars`` matches, as ``re`` decides (with ``re.IGNORECASE`` if asked)."""
    ranges = plain(chars)
    if not ignore_case:
        return ranges
    text, cased_ranges = cased()
    hits = re.compile(chars.source, re.IGNORECASE).finditer(text)
    folded = normalize((ord(m.group()), ord(m.group())) for m in hits)
    return normalize(subtract(ranges, cased_ranges) + folded)


# -- writing a set for RE2 ---------------------------------------------------------------------


def re2_class(ranges: Ranges, care: Ranges = EVERYTHING) -> str | None:
    """An RE2 expression for one character of ``ranges``; characters outside ``care`` never
    occur where it is used, so it may take them or not (fewer ranges). None: matches nothing."""
    wanted = intersect(ranges, care)
    if not wanted:
        return None
    if not subtract(subtract(care, wanted), SURROGATES):
        return "(?s:.)"
    lows = [low for low, _high in care]
    merged = [wanted[0]]
    for low, high in wanted[1:]:
        gap_low, gap_high = merged[-1][1] + 1, low - 1
        k = bisect_right(lows, gap_high) - 1
        if k >= 0 and care[k][1] >= gap_low:
            merged.append((low, high))
        else:
            merged[-1] = (merged[-1][0], high)
    parts = subtract(tuple(merged), SURROGATES)
    if not parts:
        return None
    return "[" + "".join(_span(low, high) for low, high in parts) + "]"


def _span(low: int, high: int) -> str:
    if low == high:
        return f"\\x{{{low:x}}}"
    return f"\\x{{{low:x}}}-\\x{{{high:x}}}"
