"""Quoted history and signatures, trimmed from what operators read first (the whole text and
the raw message are kept).

Recognized: ``>``-quoted blocks at the end, the attribution lines clients put above a quote
(Gmail "On … wrote:", "… пишет:", Yandex/Mail.ru "… написал(а):"), Outlook's
"-----Original Message-----" / "От: … Отправлено: …" headers, Apple Mail "Begin forwarded
message" is *not* trimmed (a forward is the content), and the "-- " signature separator.

The text is the member's, so trimming is linear in its length: every line is looked at a
bounded number of times (what lies below a line is summed up once, from the end), and no
pattern here backtracks over more than a bounded window of one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Trimming is for reading: a longer text is shown whole (nobody reads a megabyte of mail from
# the top, and the whole text is kept anyway).
MAX_TEXT = 1024 * 1024
# An attribution is one short line (or two, when a client wrapped it); longer is never one,
# and the patterns below are only run on this much.
MAX_ATTRIBUTION = 1024

_ATTRIBUTION = re.compile(
    r"^(?:"
    r"on .{3,200}wrote:?"  # Gmail, Thunderbird, Apple Mail (en)
    r"|.{3,200}(?:пишет|писал|написал|написала|написал\(а\)):?"  # ru clients, Yandex
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}.{0,120}:"  # "05.03.2026 10:00, Иван <…>:"
    r"|le .{3,200}a écrit ?:"
    r"|am .{3,200}schrieb .{0,200}:?"
    r")\s*$",
    re.IGNORECASE,
)
# "чт, 5 мар. 2026 г. в 12:40, Профком <p@u.example>:" — a year, then within 80 characters
# the address that ends the line. Matched in two linear steps instead of one pattern: the
# address at the end is found first (it can only be the last "<…>"), then a year before it.
# The address's local part stops at its first "@" past the first character, so there is one
# way to split it.
_ADDRESS_AT_END = re.compile(r"<[^<>\s][^<>\s@]*@[^<>\s]+>\s*:\s*$")
_YEAR = re.compile(r"\d{4}")
_OUTLOOK = re.compile(
    r"^\s*(?:-{2,}\s*(?:original message|исходное сообщение|пересылаемое сообщение удалено)\s*-{2,}"
    r"|_{10,})\s*$",
    re.IGNORECASE,
)
_OUTLOOK_FROM = re.compile(r"^\s*\*?(?:from|от|de|von)\s*:\*?\s+\S", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(
    r"^\s*\*?(?:sent|date|отправлено|дата|to|кому|subject|тема)\s*:", re.IGNORECASE
)
_FORWARD = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded message|пересылаемое сообщение|переадресованное сообщение)"
    r"|begin forwarded message|начало переадресованного сообщения)",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^(?:-- ?|--|—)$")
_MOBILE = re.compile(
    r"^(?:sent from my \w+.*|отправлено (?:с|из) .{2,60}|get outlook for \w+.*)$", re.IGNORECASE
)
_SIGNATURE_LINES = 12  # a "-- " further up than this is not the signature's


def for_display(text: str) -> str:
    """``text`` without the quoted history and signature at its end ("" stays "")."""
    if len(text) > MAX_TEXT:
        return text.strip("\n")
    lines = text.split("\n")
    cut = _history_start(_Lines.of(lines))
    kept = _drop_signature(lines[:cut])
    result = "\n".join(kept).strip("\n")
    return result if result.strip() else text.strip("\n")


@dataclass
class _Lines:
    """The lines and, for each position, what lies below it — computed once from the end."""

    raw: list[str]
    stripped: list[str]
    next_quoted: list[bool]  # the first non-blank line from here on starts with ">"
    quote_to_end: list[bool]  # from here on: quoted lines, then at most a signature and no quote

    @classmethod
    def of(cls, raw: list[str]) -> _Lines:
        stripped = [line.strip() for line in raw]
        n = len(raw)
        next_quoted = [False] * (n + 1)
        quote_to_end = [True] * (n + 1)
        no_quote_below = True
        for i in range(n - 1, -1, -1):
            line = stripped[i]
            if not line:
                next_quoted[i], quote_to_end[i] = next_quoted[i + 1], quote_to_end[i + 1]
                continue
            quoted = line.startswith(">")
            next_quoted[i] = quoted
            if quoted:
                quote_to_end[i] = quote_to_end[i + 1]
            else:
                quote_to_end[i] = _SIGNATURE.match(line) is not None and no_quote_below
            no_quote_below = no_quote_below and not quoted
        return cls(raw, stripped, next_quoted, quote_to_end)

    def rest_is_quote(self, i: int) -> bool:
        """From ``i`` on, only quoted lines (and blanks, and a signature after them): a quote
        with the member's own words below or between its lines (bottom-posting) is not
        history."""
        return self.next_quoted[i] and self.quote_to_end[i]


def _history_start(lines: _Lines) -> int:
    """Index of the first line of the quoted history (len(lines) when there is none)."""
    for i, stripped in enumerate(lines.stripped):
        if _header_like(stripped) and _FORWARD.match(stripped):
            return len(lines.raw)  # a forward: what follows is the point of the mail
        if _header_like(stripped) and _OUTLOOK.match(stripped):
            return i
        if (
            _header_like(stripped)
            and _OUTLOOK_FROM.match(stripped)
            and _followed_by_headers(lines.raw, i)
        ):
            return i
        if _attribution_at(lines, i):
            return i
        if stripped.startswith(">") and lines.rest_is_quote(i):
            return i
    return len(lines.raw)


def _header_like(line: str) -> bool:
    """Cheap test first (most lines are neither): the first characters the forward, Outlook
    and "From:" patterns can start with."""
    return line[:1].casefold() in _HEADER_STARTS


_HEADER_STARTS = set("-_*bнfоdv")
# Every attribution pattern needs one of these (after casefolding), or a leading digit.
_ATTRIBUTION_WORDS = ("wrote", "пиш", "писал", "écrit", "schrieb", "@")


def _attribution_at(lines: _Lines, i: int) -> bool:
    """An attribution line (maybe wrapped over two lines) followed by a quote."""
    for width in (1, 2):
        end = i + width
        if end > len(lines.raw) or not lines.next_quoted[end]:
            continue  # cheap test first: only a line above a quote can be its attribution
        if is_attribution(" ".join(lines.stripped[i:end])):
            return True
    return False


def is_attribution(line: str) -> bool:
    """Whether ``line`` reads like "On <date>, <who> wrote:" in one of the known languages."""
    if len(line) > MAX_ATTRIBUTION:
        return False
    if not line[:1].isdigit():
        folded = line.casefold()
        if not any(word in folded for word in _ATTRIBUTION_WORDS):
            return False  # cheap test first: most lines above a quote are quotes themselves
    if _ATTRIBUTION.match(line):
        return True
    address = _ADDRESS_AT_END.search(line)
    if address is None:
        return False
    # A year starting in the first 160 characters and ending at most 80 before the "<".
    first, last = max(0, address.start() - 84), min(160, address.start() - 4)
    return first <= last and _YEAR.search(line, first, last + 4) is not None


def _followed_by_headers(lines: list[str], i: int) -> bool:
    following = [line for line in lines[i + 1 : i + 6] if line.strip()]
    return sum(1 for line in following[:4] if _OUTLOOK_NEXT.match(line)) >= 2


def _drop_signature(lines: list[str]) -> list[str]:
    blank_below = True  # every line below ``i`` is blank
    for i in range(len(lines) - 1, 0, -1):
        near_end = len(lines) - i <= _SIGNATURE_LINES
        if not near_end and not blank_below:
            break  # neither a signature separator nor a closing mobile line can come now
        if near_end and _SIGNATURE.match(lines[i].rstrip()):
            return lines[:i]
        stripped = lines[i].strip()
        if blank_below and _MOBILE.match(stripped):
            return lines[:i]
        blank_below = blank_below and not stripped
    return lines
