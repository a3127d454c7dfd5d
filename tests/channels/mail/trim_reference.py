"""The mail trimming as it was before it was made linear: quadratic (every line looked again at
everything below it, and a pattern that backtracked over a whole line), kept only as the oracle
``test_mail_trim`` checks ``unionline.channels.mail.trim`` against on lines of ordinary length.
"""

from __future__ import annotations

import re

_ATTRIBUTION = re.compile(
    r"^(?:"
    r"on .{3,200}wrote:?"  # Gmail, Thunderbird, Apple Mail (en)
    r"|.{3,200}(?:пишет|писал|написал|написала|написал\(а\)):?"  # ru clients, Yandex
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}.{0,120}:"  # "05.03.2026 10:00, Иван <…>:"
    r"|.{0,160}\d{4}.{0,80}<[^<>\s]+@[^<>\s]+>\s*:"  # "чт, 5 мар. 2026 г. в 12:40, Профком <…>:"
    r"|le .{3,200}a écrit ?:"
    r"|am .{3,200}schrieb .{0,200}:?"
    r")\s*$",
    re.IGNORECASE,
)
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


def for_display(text: str) -> str:
    """``text`` without the quoted history and signature at its end ("" stays "")."""
    lines = text.split("\n")
    cut = _history_start(lines)
    kept = lines[:cut]
    kept = _drop_signature(kept)
    result = "\n".join(kept).strip("\n")
    return result if result.strip() else text.strip("\n")


def _history_start(lines: list[str]) -> int:
    """Index of the first line of the quoted history (len(lines) when there is none)."""
    for i, line in enumerate(lines):
        stripped = line.strip()
        if _FORWARD.match(stripped):
            return len(lines)  # a forward: what follows is the point of the mail
        if _OUTLOOK.match(stripped):
            return i
        if _OUTLOOK_FROM.match(stripped) and _followed_by_headers(lines, i):
            return i
        if _attribution_at(lines, i):
            return i
        if stripped.startswith(">") and _rest_is_quote(lines, i):
            return i
    return len(lines)


def _attribution_at(lines: list[str], i: int) -> bool:
    """An attribution line (maybe wrapped over two lines) followed by a quote."""
    for width in (1, 2):
        joined = " ".join(line.strip() for line in lines[i : i + width])
        if _ATTRIBUTION.match(joined):
            rest = [line for line in lines[i + width :] if line.strip()]
            if rest and rest[0].lstrip().startswith(">"):
                return True
            if width == 1 and rest and _rest_is_quote(lines, i + 1):
                return True
    return False


def _followed_by_headers(lines: list[str], i: int) -> bool:
    following = [line for line in lines[i + 1 : i + 6] if line.strip()]
    return sum(1 for line in following[:4] if _OUTLOOK_NEXT.match(line)) >= 2


def _rest_is_quote(lines: list[str], i: int) -> bool:
    """From ``i`` on, only quoted lines (and blanks, and a signature after them): a quote with
    the member's own words below or between its lines (bottom-posting) is not history."""
    rest = [line.strip() for line in lines[i:] if line.strip()]
    if not rest or not rest[0].startswith(">"):
        return False
    for n, line in enumerate(rest):
        if not line.startswith(">"):
            return _SIGNATURE.match(line) is not None and not any(
                r.startswith(">") for r in rest[n:]
            )
    return True


def _drop_signature(lines: list[str]) -> list[str]:
    for i in range(len(lines) - 1, -1, -1):
        stripped = lines[i].strip()
        if _SIGNATURE.match(lines[i].rstrip()) and len(lines) - i <= 12 and i > 0:
            return lines[:i]
        if _MOBILE.match(stripped) and i > 0 and all(not line.strip() for line in lines[i + 1 :]):
            return lines[:i]
    return lines
